import type { Language } from './i18n.ts';

export const locale = (language: Language) => (language === 'nl' ? 'nl-NL' : 'en-GB');
const timeZone = 'Europe/Amsterdam';

/** Money arrives as exact euro strings ("1234.56"); shown as € 1.234,56. */
export function euros(value: string | null | undefined, language: Language): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale(language), { style: 'currency', currency: 'EUR' }).format(
    Number(value),
  );
}

export function number(value: number | null | undefined, language: Language, digits = 0): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale(language), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** Leads a day: targets and averages carry up to two decimals (0,8 a day is a real target). */
export function leads(value: number | null | undefined, language: Language): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale(language), { maximumFractionDigits: 2 }).format(value);
}

export function percent(value: number | null | undefined, language: Language): string {
  if (value === null || value === undefined) return '—';
  const sign = value > 0 ? '+' : '';
  return `${sign}${number(value, language, 1)}%`;
}

/** A business date (YYYY-MM-DD) as a calendar date; it is a day, not an instant. */
export function day(value: string, language: Language): string {
  return new Intl.DateTimeFormat(locale(language), {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${value}T00:00:00Z`));
}

/** An instant, shown in Amsterdam time. */
export function moment(value: string | null, language: Language): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat(locale(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(value));
}

/** Gap % as a severity: under target is the concern (partners wait), far over wastes ad money. */
export function gapClass(gap: number | null | undefined): string {
  if (gap === null || gap === undefined) return 'gap-none';
  if (gap >= 25) return 'gap-short-high';
  if (gap >= 10) return 'gap-short';
  if (gap <= -25) return 'gap-over-high';
  if (gap <= -10) return 'gap-over';
  return 'gap-ok';
}

/** A branch or province code as people write it: "noord-brabant" → "Noord-Brabant". */
export function place(code: string): string {
  return code.replace(/(^|-)(\p{L})/gu, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
