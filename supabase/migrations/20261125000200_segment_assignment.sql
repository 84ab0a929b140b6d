-- Segment assignment: every lead gets the active segment of its industry's branch
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

-- The one table of Dutch PC4 areas → province, reconstructed from the postcode areas and the
-- municipal borders of 2019 and later (Vijfheerenlanden → Utrecht); unused numbers inside a range
-- belong to the range around them. The ranges must tile 1000–9999 (checked here). They are
-- compiled into one width_bucket over two constant arrays: a binary search that reads its argument
-- once, so the function inlines, and costs a single expression step (a CASE of ~100 branches made
-- every single-row insert measurably slower; see bench/segment-trigger.bench.ts).
do $migration$
declare
  first_numbers integer[];
  region_codes text[];
  gaps integer;
begin
  with ranges (first_pc4, last_pc4, region) as (values
    (1000, 1299, 'noord-holland'),      -- Amsterdam, Diemen, Het Gooi
    (1300, 1379, 'flevoland'),          -- Almere
    (1380, 1389, 'noord-holland'),      -- Weesp
    (1390, 1393, 'utrecht'),            -- Abcoude, Nigtevecht
    (1394, 1395, 'noord-holland'),      -- Nederhorst den Berg
    (1396, 1397, 'utrecht'),            -- Baambrugge
    (1398, 1425, 'noord-holland'),      -- Muiden, Bussum, Uithoorn
    (1426, 1427, 'utrecht'),            -- De Hoef, Amstelhoek
    (1428, 1429, 'zuid-holland'),       -- Vrouwenakker
    (1430, 2158, 'noord-holland'),      -- Aalsmeer … Haarlem, Haarlemmermeer
    (2159, 2164, 'zuid-holland'),       -- Kaag, Lisse
    (2165, 2169, 'noord-holland'),      -- Lisserbroek
    (2170, 3381, 'zuid-holland'),       -- Bollenstreek … Den Haag, Rotterdam, Dordrecht
    (3382, 3464, 'utrecht'),            -- IJsselstein, Nieuwegein, Woerden
    (3465, 3466, 'zuid-holland'),       -- Driebruggen, Waarder
    (3467, 3769, 'utrecht'),            -- Utrecht, Zeist, Baarn, Soest
    (3770, 3794, 'gelderland'),         -- Barneveld, Voorthuizen
    (3795, 3836, 'utrecht'),            -- Amersfoort, Leusden
    (3837, 3889, 'gelderland'),         -- Harderwijk, Ermelo, Nijkerk, Putten
    (3890, 3899, 'flevoland'),          -- Zeewolde
    (3900, 3924, 'utrecht'),            -- Veenendaal, Rhenen
    (3925, 3925, 'gelderland'),         -- Scherpenzeel
    (3926, 3999, 'utrecht'),            -- Woudenberg, Wijk bij Duurstede, Houten
    (4000, 4119, 'gelderland'),         -- Tiel, Culemborg
    (4120, 4146, 'utrecht'),            -- Vianen, Lexmond, Leerdam (Vijfheerenlanden)
    (4147, 4162, 'gelderland'),         -- Asperen, Beesd, Heukelum
    (4163, 4169, 'utrecht'),            -- Kedichem (Vijfheerenlanden)
    (4170, 4199, 'gelderland'),         -- Geldermalsen
    (4200, 4209, 'zuid-holland'),       -- Gorinchem
    (4210, 4212, 'gelderland'),         -- Spijk
    (4213, 4213, 'zuid-holland'),       -- Dalem
    (4214, 4219, 'gelderland'),         -- Vuren, Herwijnen
    (4220, 4229, 'zuid-holland'),       -- Schelluinen, Hoornaar
    (4230, 4239, 'utrecht'),            -- Meerkerk
    (4240, 4241, 'zuid-holland'),       -- Arkel
    (4242, 4249, 'utrecht'),            -- Nieuwland, Leerbroek
    (4250, 4299, 'noord-brabant'),      -- Werkendam, Woudrichem
    (4300, 4599, 'zeeland'),            -- Zeeuws-Vlaanderen, Walcheren, Schouwen
    (4600, 4671, 'noord-brabant'),      -- Bergen op Zoom, Steenbergen
    (4672, 4679, 'zeeland'),            -- Sint Philipsland
    (4680, 4681, 'noord-brabant'),      -- Nieuw-Vossemeer
    (4682, 4699, 'zeeland'),            -- Tholen
    (4700, 5299, 'noord-brabant'),      -- Roosendaal, Breda, Tilburg, 's-Hertogenbosch
    (5300, 5335, 'gelderland'),         -- Zaltbommel, Maasdriel
    (5336, 5765, 'noord-brabant'),      -- Oss, Eindhoven, Helmond, Deurne
    (5766, 5819, 'limburg'),            -- Meijel, Venray
    (5820, 5849, 'noord-brabant'),      -- Boxmeer, Vierlingsbeek
    (5850, 6019, 'limburg'),            -- Horst, Venlo, Weert
    (6020, 6029, 'noord-brabant'),      -- Budel, Maarheeze
    (6030, 6499, 'limburg'),            -- Roermond, Sittard, Maastricht, Heerlen
    (6500, 6583, 'gelderland'),         -- Nijmegen, Groesbeek
    (6584, 6599, 'limburg'),            -- Mook, Gennep
    (6600, 7399, 'gelderland'),         -- Wijchen, Ede, Arnhem, Doetinchem, Apeldoorn
    (7400, 7438, 'overijssel'),         -- Deventer, Bathmen
    (7439, 7439, 'gelderland'),
    (7440, 7739, 'overijssel'),         -- Twente, Ommen
    (7740, 7766, 'drenthe'),            -- Coevorden, Schoonebeek
    (7767, 7799, 'overijssel'),         -- Hardenberg
    (7800, 7949, 'drenthe'),            -- Emmen, Hoogeveen, Meppel
    (7950, 7955, 'overijssel'),         -- Staphorst
    (7956, 7999, 'drenthe'),            -- Havelte, Dwingeloo
    (8000, 8049, 'overijssel'),         -- Zwolle
    (8050, 8054, 'gelderland'),         -- Hattem
    (8055, 8069, 'overijssel'),         -- Hasselt, Zwartsluis
    (8070, 8099, 'gelderland'),         -- Nunspeet, Elburg, Oldebroek
    (8100, 8159, 'overijssel'),         -- Raalte, Olst-Wijhe, Dalfsen
    (8160, 8195, 'gelderland'),         -- Epe, Heerde
    (8196, 8199, 'overijssel'),
    (8200, 8259, 'flevoland'),          -- Lelystad, Dronten
    (8260, 8299, 'overijssel'),         -- Kampen, Genemuiden
    (8300, 8322, 'flevoland'),          -- Emmeloord, Urk
    (8323, 8349, 'overijssel'),         -- Vollenhove, Steenwijk
    (8350, 8354, 'drenthe'),
    (8355, 8379, 'overijssel'),         -- Giethoorn
    (8380, 8387, 'drenthe'),            -- Vledder
    (8388, 9299, 'friesland'),          -- Heerenveen, Sneek, Leeuwarden, Dokkum
    (9300, 9349, 'drenthe'),            -- Roden
    (9350, 9399, 'groningen'),          -- Leek, Zuidhorn
    (9400, 9478, 'drenthe'),            -- Assen, Gieten
    (9479, 9479, 'groningen'),          -- Noordlaren
    (9480, 9499, 'drenthe'),            -- Vries, Zuidlaren
    (9500, 9509, 'groningen'),          -- Stadskanaal
    (9510, 9539, 'drenthe'),            -- Borger, Exloo
    (9540, 9563, 'groningen'),          -- Ter Apel
    (9564, 9564, 'drenthe'),
    (9565, 9569, 'groningen'),
    (9570, 9579, 'drenthe'),
    (9580, 9653, 'groningen'),          -- Veendam, Hoogezand
    (9654, 9659, 'drenthe'),
    (9660, 9748, 'groningen'),          -- Winschoten, Groningen
    (9749, 9749, 'drenthe'),
    (9750, 9759, 'groningen'),          -- Haren
    (9760, 9769, 'drenthe'),            -- Eelde, Paterswolde
    (9770, 9849, 'groningen'),
    (9850, 9859, 'friesland'),
    (9860, 9869, 'groningen'),
    (9870, 9879, 'friesland'),
    (9880, 9999, 'groningen')           -- Delfzijl, Appingedam
  ),
  checked as (
    select *, lag(last_pc4) over (order by first_pc4) as previous_last from ranges
  )
  select
    array_agg(first_pc4 order by first_pc4) || 10000,
    array_agg(region order by first_pc4),
    count(*) filter (where first_pc4 <> coalesce(previous_last + 1, 1000) or last_pc4 < first_pc4)
      + (case when max(last_pc4) = 9999 then 0 else 1 end)
  into first_numbers, region_codes, gaps
  from checked;
  if gaps > 0 or exists (select from unnest(region_codes) as r (code) where r.code not in (select code from public.lfi_regions)) then
    raise exception 'PC4 ranges must tile 1000-9999 without gaps or overlaps and name known regions';
  end if;
  execute format(
    'create function public.lfi_region_for_pc4(pc4 integer) returns text
     language sql immutable parallel safe
     return (%L::text[])[width_bucket(pc4, %L::integer[])]',
    region_codes,
    first_numbers
  );
end
$migration$;

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
-- the leads trigger finds a lead's segment with one primary-key probe instead of a join (measured:
-- the join made the lookup twice as slow per row). Kept current by statement triggers below.
create table public.lfi_segment_lookup (
  industry_id uuid not null,
  region text not null,
  segment_id uuid not null,
  primary key (industry_id, region)
);
comment on table public.lfi_segment_lookup is
  'Derived, do not edit: the active segment of each industry and region, rebuilt whenever industries or lead_segments change.';
alter table public.lfi_segment_lookup enable row level security;

-- Security definer: maintenance must work whoever changes an industry or a segment.
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

-- Security definer, so assignment works whoever inserts the lead (lfi_segment_lookup has RLS and
-- the helpers are not executable by the API roles). No `set search_path`: that costs every
-- single-row insert a settings save and restore (measured ~15% of an insert), so instead every
-- name and operator in the body is schema-qualified. One query, no plpgsql expressions: each
-- expression pays a set-up per transaction, which is what single-row inserts are.
-- (20261202000900_api_role_privileges moves it to lfi_private with a fixed search_path after all:
-- measured, the settings cost is small next to calling the region helpers, which it then avoids.)
create function public.lfi_assign_lead_segment() returns trigger
language plpgsql security definer
as $$
begin
  -- No row (unknown industry, no region, no active segment) sets segment_id to null.
  select l.segment_id into new.segment_id
  from public.lfi_segment_lookup l
  where l.industry_id operator(pg_catalog.=) new.industry_id
    and l.region operator(pg_catalog.=) coalesce(
      public.lfi_region_for_province(new.province),
      public.lfi_region_for_postcode(new.postcode)
    );
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
