-- Segment assignment (DESIGN.md §4): every lead gets the active segment of its industry's branch
-- and its region the moment it is written, whoever writes it. Region = the lead's province, or,
-- where that is missing or unrecognised, the province of its postcode's PC4 area. No match gives
-- no segment (unsegmented); assignment never makes an insert fail.
--
-- Creating, activating or deactivating a segment does NOT rewrite existing leads (that would be a
-- silent mass update of the platform's table): run `select public.lfi_backfill_lead_segments()`.

-- Province as written by people and forms ('Noord-Holland', 'noord holland', ' Fryslân ', 'NH',
-- 'NL-NH') → lfi_regions.code, or null. Accents, case, spaces, dots, hyphens and underscores are
-- ignored; the key is looked up in one constant jsonb object, so the argument is read only once
-- and the function inlines into any query.
create function public.lfi_region_for_province(province text) returns text
language sql immutable parallel safe
return '{
    "groningen": "groningen", "gr": "groningen", "nlgr": "groningen",
    "friesland": "friesland", "fryslan": "friesland", "fr": "friesland", "frl": "friesland", "nlfr": "friesland",
    "drenthe": "drenthe", "drente": "drenthe", "dr": "drenthe", "nldr": "drenthe",
    "overijssel": "overijssel", "ov": "overijssel", "nlov": "overijssel",
    "flevoland": "flevoland", "fl": "flevoland", "nlfl": "flevoland",
    "gelderland": "gelderland", "ge": "gelderland", "gld": "gelderland", "nlge": "gelderland",
    "utrecht": "utrecht", "ut": "utrecht", "utr": "utrecht", "nlut": "utrecht",
    "noordholland": "noord-holland", "nholland": "noord-holland", "nh": "noord-holland", "nlnh": "noord-holland",
    "zuidholland": "zuid-holland", "zholland": "zuid-holland", "zh": "zuid-holland", "nlzh": "zuid-holland",
    "zeeland": "zeeland", "ze": "zeeland", "zl": "zeeland", "nlze": "zeeland",
    "noordbrabant": "noord-brabant", "nbrabant": "noord-brabant", "brabant": "noord-brabant", "nb": "noord-brabant", "nlnb": "noord-brabant",
    "limburg": "limburg", "li": "limburg", "lb": "limburg", "nlli": "limburg"
  }'::jsonb ->> translate(
    lower(province),
    'âáàäêéèëîíïìôóòöûúùüÂÁÀÄÊÉÈËÎÍÏÌÔÓÒÖÛÚÙÜ -_.''',
    'aaaaeeeeiiiioooouuuuaaaaeeeeiiiioooouuuu'
  );

comment on function public.lfi_region_for_province(text) is
  'The region code (lfi_regions.code) of a province name, code or abbreviation as people write it; null when unrecognised.';

-- The one table of Dutch PC4 areas → province, as ordered upper bounds: each line covers the
-- numbers above the previous line's bound. Reconstructed from the postcode areas and the
-- municipal borders of 2019 and later (Vijfheerenlanden → Utrecht); unused numbers inside a range
-- belong to the range around them. plpgsql, so the number is read once per call, not per branch.
create function public.lfi_region_for_pc4(pc4 integer) returns text
language plpgsql immutable strict parallel safe
as $$
begin
  return case
    when pc4 < 1000 then null
    when pc4 <= 1299 then 'noord-holland'  -- Amsterdam, Diemen, Het Gooi
    when pc4 <= 1379 then 'flevoland'      -- Almere
    when pc4 <= 1389 then 'noord-holland'  -- Weesp
    when pc4 <= 1393 then 'utrecht'        -- Abcoude, Nigtevecht
    when pc4 <= 1395 then 'noord-holland'  -- Nederhorst den Berg
    when pc4 <= 1397 then 'utrecht'        -- Baambrugge
    when pc4 <= 1425 then 'noord-holland'  -- Muiden, Bussum, Uithoorn
    when pc4 <= 1427 then 'utrecht'        -- De Hoef, Amstelhoek
    when pc4 <= 1429 then 'zuid-holland'   -- Vrouwenakker
    when pc4 <= 2158 then 'noord-holland'  -- Aalsmeer … Haarlem, Haarlemmermeer
    when pc4 <= 2164 then 'zuid-holland'   -- Kaag, Lisse
    when pc4 <= 2169 then 'noord-holland'  -- Lisserbroek
    when pc4 <= 3381 then 'zuid-holland'   -- Bollenstreek … Den Haag, Rotterdam, Dordrecht
    when pc4 <= 3464 then 'utrecht'        -- IJsselstein, Nieuwegein, Woerden
    when pc4 <= 3466 then 'zuid-holland'   -- Driebruggen, Waarder
    when pc4 <= 3769 then 'utrecht'        -- Utrecht, Zeist, Baarn, Soest
    when pc4 <= 3794 then 'gelderland'     -- Barneveld, Voorthuizen
    when pc4 <= 3836 then 'utrecht'        -- Amersfoort, Leusden
    when pc4 <= 3889 then 'gelderland'     -- Harderwijk, Ermelo, Nijkerk, Putten
    when pc4 <= 3899 then 'flevoland'      -- Zeewolde
    when pc4 <= 3924 then 'utrecht'        -- Veenendaal, Rhenen
    when pc4 <= 3925 then 'gelderland'     -- Scherpenzeel
    when pc4 <= 3999 then 'utrecht'        -- Woudenberg, Wijk bij Duurstede, Houten
    when pc4 <= 4119 then 'gelderland'     -- Tiel, Culemborg
    when pc4 <= 4146 then 'utrecht'        -- Vianen, Lexmond, Leerdam (Vijfheerenlanden)
    when pc4 <= 4162 then 'gelderland'     -- Asperen, Beesd, Heukelum
    when pc4 <= 4169 then 'utrecht'        -- Kedichem (Vijfheerenlanden)
    when pc4 <= 4199 then 'gelderland'     -- Geldermalsen
    when pc4 <= 4209 then 'zuid-holland'   -- Gorinchem
    when pc4 <= 4212 then 'gelderland'     -- Spijk
    when pc4 <= 4213 then 'zuid-holland'   -- Dalem
    when pc4 <= 4219 then 'gelderland'     -- Vuren, Herwijnen
    when pc4 <= 4229 then 'zuid-holland'   -- Schelluinen, Hoornaar
    when pc4 <= 4239 then 'utrecht'        -- Meerkerk
    when pc4 <= 4241 then 'zuid-holland'   -- Arkel
    when pc4 <= 4249 then 'utrecht'        -- Nieuwland, Leerbroek
    when pc4 <= 4299 then 'noord-brabant'  -- Werkendam, Woudrichem
    when pc4 <= 4599 then 'zeeland'        -- Zeeuws-Vlaanderen, Walcheren, Schouwen
    when pc4 <= 4671 then 'noord-brabant'  -- Bergen op Zoom, Steenbergen
    when pc4 <= 4679 then 'zeeland'        -- Sint Philipsland
    when pc4 <= 4681 then 'noord-brabant'  -- Nieuw-Vossemeer
    when pc4 <= 4699 then 'zeeland'        -- Tholen
    when pc4 <= 5299 then 'noord-brabant'  -- Roosendaal, Breda, Tilburg, 's-Hertogenbosch
    when pc4 <= 5335 then 'gelderland'     -- Zaltbommel, Maasdriel
    when pc4 <= 5765 then 'noord-brabant'  -- Oss, Eindhoven, Helmond, Deurne
    when pc4 <= 5819 then 'limburg'        -- Meijel, Venray
    when pc4 <= 5849 then 'noord-brabant'  -- Boxmeer, Vierlingsbeek
    when pc4 <= 6019 then 'limburg'        -- Horst, Venlo, Weert
    when pc4 <= 6029 then 'noord-brabant'  -- Budel, Maarheeze
    when pc4 <= 6499 then 'limburg'        -- Roermond, Sittard, Maastricht, Heerlen
    when pc4 <= 6583 then 'gelderland'     -- Nijmegen, Groesbeek
    when pc4 <= 6599 then 'limburg'        -- Mook, Gennep
    when pc4 <= 7399 then 'gelderland'     -- Wijchen, Ede, Arnhem, Doetinchem, Apeldoorn
    when pc4 <= 7438 then 'overijssel'     -- Deventer, Bathmen
    when pc4 <= 7439 then 'gelderland'
    when pc4 <= 7739 then 'overijssel'     -- Twente, Ommen
    when pc4 <= 7766 then 'drenthe'        -- Coevorden, Schoonebeek
    when pc4 <= 7799 then 'overijssel'     -- Hardenberg
    when pc4 <= 7949 then 'drenthe'        -- Emmen, Hoogeveen, Meppel
    when pc4 <= 7955 then 'overijssel'     -- Staphorst
    when pc4 <= 7999 then 'drenthe'        -- Havelte, Dwingeloo
    when pc4 <= 8049 then 'overijssel'     -- Zwolle
    when pc4 <= 8054 then 'gelderland'     -- Hattem
    when pc4 <= 8069 then 'overijssel'     -- Hasselt, Zwartsluis
    when pc4 <= 8099 then 'gelderland'     -- Nunspeet, Elburg, Oldebroek
    when pc4 <= 8159 then 'overijssel'     -- Raalte, Olst-Wijhe, Dalfsen
    when pc4 <= 8195 then 'gelderland'     -- Epe, Heerde
    when pc4 <= 8199 then 'overijssel'
    when pc4 <= 8259 then 'flevoland'      -- Lelystad, Dronten
    when pc4 <= 8299 then 'overijssel'     -- Kampen, Genemuiden
    when pc4 <= 8322 then 'flevoland'      -- Emmeloord, Urk
    when pc4 <= 8349 then 'overijssel'     -- Vollenhove, Steenwijk
    when pc4 <= 8354 then 'drenthe'
    when pc4 <= 8379 then 'overijssel'     -- Giethoorn
    when pc4 <= 8387 then 'drenthe'        -- Vledder
    when pc4 <= 9299 then 'friesland'      -- Heerenveen, Sneek, Leeuwarden, Dokkum
    when pc4 <= 9349 then 'drenthe'        -- Roden
    when pc4 <= 9399 then 'groningen'      -- Leek, Zuidhorn
    when pc4 <= 9478 then 'drenthe'        -- Assen, Gieten
    when pc4 <= 9479 then 'groningen'      -- Noordlaren
    when pc4 <= 9499 then 'drenthe'        -- Vries, Zuidlaren
    when pc4 <= 9509 then 'groningen'      -- Stadskanaal
    when pc4 <= 9539 then 'drenthe'        -- Borger, Exloo
    when pc4 <= 9563 then 'groningen'      -- Ter Apel
    when pc4 <= 9564 then 'drenthe'
    when pc4 <= 9569 then 'groningen'
    when pc4 <= 9579 then 'drenthe'
    when pc4 <= 9653 then 'groningen'      -- Veendam, Hoogezand
    when pc4 <= 9659 then 'drenthe'
    when pc4 <= 9748 then 'groningen'      -- Winschoten, Groningen
    when pc4 <= 9749 then 'drenthe'
    when pc4 <= 9759 then 'groningen'      -- Haren
    when pc4 <= 9769 then 'drenthe'        -- Eelde, Paterswolde
    when pc4 <= 9849 then 'groningen'
    when pc4 <= 9859 then 'friesland'
    when pc4 <= 9869 then 'groningen'
    when pc4 <= 9879 then 'friesland'
    when pc4 <= 9999 then 'groningen'      -- Delfzijl, Appingedam
  end;
end
$$;

comment on function public.lfi_region_for_pc4(integer) is
  'The region code of a Dutch PC4 postcode area (1000–9999); null outside that range.';

-- A Dutch postcode as typed ('1012 AB', '1012ab', ' 1012AB ', '1012') → the region of its PC4;
-- null for anything that is not a postcode ('ABCD', '12', '0123 AB').
create function public.lfi_region_for_postcode(postcode text) returns text
language sql immutable parallel safe
return public.lfi_region_for_pc4(
  substring(postcode from '^\s*([1-9][0-9]{3})\s*(?:[A-Za-z]{2})?\s*$')::integer
);

comment on function public.lfi_region_for_postcode(text) is
  'The region code of a Dutch postcode (PC4 or PC6, any case and spacing); null when it is not one.';

-- Derived from lead_segments and industries: the active segment of each (industry, region), so
-- the leads trigger finds a lead's segment with one primary-key probe instead of a join (the join
-- doubled the trigger's cost on bulk inserts). Kept current by statement triggers below.
create table public.lfi_segment_lookup (
  industry_id uuid not null,
  region text not null,
  segment_id uuid not null,
  primary key (industry_id, region)
);
comment on table public.lfi_segment_lookup is
  'Derived, do not edit: the active segment of each industry and region, rebuilt whenever industries or lead_segments change.';
alter table public.lfi_segment_lookup enable row level security;

-- Security definer throughout: assignment must work whoever writes the lead, industry or segment
-- (these tables have RLS and the helpers are not executable by the API roles). Every name is
-- qualified and the search_path is empty.
create function public.lfi_refresh_segment_lookup() returns void
language plpgsql security definer set search_path = ''
as $$
begin
  -- Serialises concurrent rebuilds (each would otherwise insert the same keys); lead inserts only read.
  lock table public.lfi_segment_lookup in exclusive mode;
  delete from public.lfi_segment_lookup;
  insert into public.lfi_segment_lookup (industry_id, region, segment_id)
  select i.id, s.region, s.id
  from public.industries i
  join public.lead_segments s on s.branch = lower(btrim(i.name))
  where s.is_active;
end
$$;

comment on function public.lfi_refresh_segment_lookup() is
  'Rebuilds lfi_segment_lookup from industries and the active lead_segments. Does not touch leads: run lfi_backfill_lead_segments() for that.';

create function public.lfi_segment_lookup_changed() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform public.lfi_refresh_segment_lookup();
  return null;
end
$$;

create trigger lead_segments_refresh_lookup
  after insert or update or delete or truncate on public.lead_segments
  for each statement execute function public.lfi_segment_lookup_changed();
create trigger industries_refresh_lookup
  after insert or update of name or delete or truncate on public.industries
  for each statement execute function public.lfi_segment_lookup_changed();

select public.lfi_refresh_segment_lookup();

create function public.lfi_assign_lead_segment() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  lead_region text;
begin
  lead_region := coalesce(
    public.lfi_region_for_province(new.province),
    public.lfi_region_for_postcode(new.postcode)
  );
  new.segment_id := null;
  if new.industry_id is not null and lead_region is not null then
    select l.segment_id into new.segment_id
    from public.lfi_segment_lookup l
    where l.industry_id = new.industry_id and l.region = lead_region;
  end if;
  return new;
end
$$;

comment on function public.lfi_assign_lead_segment() is
  'Trigger: sets leads.segment_id from the industry''s branch and the lead''s region; null when no active segment matches.';

-- Only the columns that decide the segment re-run the lookup: a status update leaves segment_id alone.
create trigger leads_assign_segment
  before insert or update of industry_id, province, postcode on public.leads
  for each row execute function public.lfi_assign_lead_segment();

-- Re-assigns every lead in one set-based UPDATE (after segments were created, activated or
-- deactivated, or leads were loaded with the trigger disabled). Only leads whose segment changes
-- are written. Returns how many leads now have a segment and how many have none, and how many changed.
create function public.lfi_backfill_lead_segments() returns jsonb
language sql volatile security definer set search_path = ''
begin atomic
  select public.lfi_refresh_segment_lookup();
  with target as (
    select l.id, l.segment_id as old_segment_id, m.segment_id
    from public.leads l
    left join public.lfi_segment_lookup m
      on m.industry_id = l.industry_id
      and m.region = coalesce(
        public.lfi_region_for_province(l.province),
        public.lfi_region_for_postcode(l.postcode)
      )
  ),
  changed as (
    update public.leads l
    set segment_id = t.segment_id
    from target t
    where l.id = t.id and t.segment_id is distinct from t.old_segment_id
    returning l.id
  )
  select jsonb_build_object(
    'assigned', (select count(*) from target where segment_id is not null),
    'unsegmented', (select count(*) from target where segment_id is null),
    'changed', (select count(*) from changed)
  );
end;

comment on function public.lfi_backfill_lead_segments() is
  'Re-assigns every lead''s segment in one UPDATE; returns {"assigned", "unsegmented", "changed"} lead counts.';

revoke execute on function public.lfi_region_for_province(text) from public, anon, authenticated;
revoke execute on function public.lfi_region_for_pc4(integer) from public, anon, authenticated;
revoke execute on function public.lfi_region_for_postcode(text) from public, anon, authenticated;
revoke execute on function public.lfi_refresh_segment_lookup() from public, anon, authenticated;
revoke execute on function public.lfi_segment_lookup_changed() from public, anon, authenticated;
revoke execute on function public.lfi_assign_lead_segment() from public, anon, authenticated;
revoke execute on function public.lfi_backfill_lead_segments() from public, anon, authenticated;
