/**
 * Money in LFI's TypeScript is integer micros of EUR (as Google Ads counts), never a float sum.
 * SQL keeps euros as numeric; these helpers cross between the two exactly.
 */
export type Micros = number;

export const MICROS_PER_EURO = 1_000_000;
export const MICROS_PER_CENT = 10_000;

const DECIMAL_EUROS = /^([+-]?)(\d+)(?:\.(\d{1,6}))?$/;

/**
 * Parses a decimal amount of euros ('12.34', as numeric columns arrive) into micros without
 * going through floating point. A number is read through its shortest decimal form, so 12.34
 * gives exactly 12_340_000. More than 6 decimals or an exponent is rejected rather than rounded.
 */
export function microsFromEuros(euros: string | number): Micros {
  const text = typeof euros === 'number' ? String(euros) : euros.trim();
  const match = DECIMAL_EUROS.exec(text);
  if (!match) throw new RangeError(`Not a euro amount with at most 6 decimals: '${text}'.`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const magnitude = BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
  const micros = sign === '-' ? -magnitude : magnitude;
  if (micros > BigInt(Number.MAX_SAFE_INTEGER) || micros < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`Euro amount too large to hold in micros: '${text}'.`);
  }
  return Number(micros) + 0; // + 0 turns -0 into 0
}

/** Euros as a decimal string with `decimals` places (2 for numeric(12, 2) columns), rounded half away from zero. */
export function eurosFromMicros(micros: Micros, decimals = 2): string {
  assertMicros(micros);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6) {
    throw new RangeError(`decimals must be an integer from 0 to 6, got ${decimals}.`);
  }
  const unit = 10 ** (6 - decimals);
  const units = divideRounded(BigInt(Math.abs(micros)), BigInt(unit), 'half-up');
  const sign = micros < 0 && units > 0n ? '-' : '';
  const digits = units.toString().padStart(decimals + 1, '0');
  if (decimals === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** Rounds to whole cents, half away from zero. */
export function roundToCents(micros: Micros): Micros {
  return toCents(micros, 'half-up');
}

/** Rounds down (toward −∞) to whole cents: for upper bounds that must never be exceeded. */
export function floorToCents(micros: Micros): Micros {
  return toCents(micros, 'floor');
}

/** Rounds up (toward +∞) to whole cents: for lower bounds that must never be undercut. */
export function ceilToCents(micros: Micros): Micros {
  return toCents(micros, 'ceil');
}

export function isWholeCents(micros: Micros): boolean {
  return Number.isSafeInteger(micros) && micros % MICROS_PER_CENT === 0;
}

/**
 * `micros × numerator / denominator` computed exactly in BigInt, then rounded to whole cents in
 * the given direction. Used for percentage bounds so 20% of a budget is never off by a float.
 */
export function scaleToCents(
  micros: Micros,
  numerator: number,
  denominator: number,
  rounding: 'floor' | 'ceil' | 'half-up',
): Micros {
  assertMicros(micros);
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError(`scaleToCents needs integer numerator and a positive integer denominator.`);
  }
  const product = BigInt(micros) * BigInt(numerator);
  const cents = divideRounded(product, BigInt(denominator) * BigInt(MICROS_PER_CENT), rounding);
  return Number(cents * BigInt(MICROS_PER_CENT)) + 0;
}

/** For people: `€1,234.56`, `-€5.00` (thousands grouped with commas, as the CLI and explanations write all money). */
export function formatEuros(micros: Micros): string {
  const text = eurosFromMicros(micros, 2);
  const [whole = '', cents = ''] = (text.startsWith('-') ? text.slice(1) : text).split('.');
  const grouped = `€${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents}`;
  return text.startsWith('-') ? `-${grouped}` : grouped;
}

function toCents(micros: Micros, rounding: 'floor' | 'ceil' | 'half-up'): Micros {
  return scaleToCents(micros, 1, 1, rounding);
}

function assertMicros(micros: Micros): void {
  if (!Number.isSafeInteger(micros)) throw new RangeError(`Micros must be a safe integer, got ${micros}.`);
}

/** Integer division with explicit rounding; BigInt `/` truncates toward zero, which suits none of these. */
function divideRounded(
  numerator: bigint,
  denominator: bigint,
  rounding: 'floor' | 'ceil' | 'half-up',
): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const negative = numerator < 0n !== denominator < 0n;
  if (rounding === 'floor') return negative ? quotient - 1n : quotient;
  if (rounding === 'ceil') return negative ? quotient : quotient + 1n;
  const twiceRemainder = (remainder < 0n ? -remainder : remainder) * 2n;
  const absDenominator = denominator < 0n ? -denominator : denominator;
  if (twiceRemainder < absDenominator) return quotient;
  return negative ? quotient - 1n : quotient + 1n;
}
