import type { ReasonFormat } from '../../shared/domain/decision-reason.ts';
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

/** How a decision's reason shows its numbers in the page's language (money as € 1.234,56). */
export function reasonFormat(language: Language): ReasonFormat {
  const loc = locale(language);
  return {
    euros: (amount) => {
      const value = Number(amount);
      if (!Number.isFinite(value)) return '∞';
      // A model's estimate above €100 reads best in whole euros; exact budgets keep their cents.
      const whole = typeof amount === 'number' && value >= 100;
      return new Intl.NumberFormat(loc, {
        style: 'currency',
        currency: 'EUR',
        maximumFractionDigits: whole ? 0 : 2,
        minimumFractionDigits: whole ? 0 : 2,
      }).format(value);
    },
    number: (value, digits) =>
      new Intl.NumberFormat(loc, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
        value,
      ),
  };
}

/**
 * Gap % on the Marktkaart's scale: warm steps under target (too few leads, at most +100%), cool
 * steps over target, clamped at −200% so a market far over target still shows its outliers.
 */
export const gapScale = [
  { name: 'scale-under-4', from: 75, to: Number.POSITIVE_INFINITY, label: '≥ +75%' },
  { name: 'scale-under-3', from: 50, to: 75, label: '+50% … +75%' },
  { name: 'scale-under-2', from: 25, to: 50, label: '+25% … +50%' },
  { name: 'scale-under-1', from: 10, to: 25, label: '+10% … +25%' },
  { name: 'scale-ok', from: -10, to: 10, label: '±10%' },
  { name: 'scale-over-1', from: -25, to: -10, label: '−10% … −25%' },
  { name: 'scale-over-2', from: -50, to: -25, label: '−25% … −50%' },
  { name: 'scale-over-3', from: -100, to: -50, label: '−50% … −100%' },
  { name: 'scale-over-4', from: -200, to: -100, label: '−100% … −200%' },
  { name: 'scale-over-5', from: Number.NEGATIVE_INFINITY, to: -200, label: '≤ −200%' },
] as const;

export function gapScaleClass(gap: number | null | undefined): string {
  if (gap === null || gap === undefined) return 'gap-none';
  return gapScale.find((step) => gap >= step.from && gap < step.to)?.name ?? 'scale-under-4';
}

/** A business date for a text field: dd-mm-yyyy, whatever the browser's locale. */
export function inputDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}-${m}-${y}`;
}

/** dd-mm-yyyy (or d-m-yyyy, with - / or .) or YYYY-MM-DD as YYYY-MM-DD; null when it is no real date. */
export function parseInputDate(text: string): string | null {
  const trimmed = text.trim();
  const dutch = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(trimmed);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  const [y, m, d] = dutch ? [dutch[3], dutch[2], dutch[1]] : iso ? [iso[1], iso[2], iso[3]] : [];
  if (!y || !m || !d) return null;
  const value = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : value;
}
