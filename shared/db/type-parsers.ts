/**
 * Result parsing that pg and PGlite do differently out of the box, made the same on both so code
 * tested on one lane behaves alike on the other. Everything else keeps the drivers' common
 * defaults: int2/int4/float → number, numeric → string (exact), json/jsonb → parsed,
 * boolean → boolean, timestamptz → Date, text/uuid → string.
 */
const INT8 = 20;
const DATE = 1082;
const VOID = 2278;

export const alignedParsers: Readonly<Record<number, (text: string) => unknown>> = {
  // PGlite returns a (possibly rounded) number, pg the exact text: keep it exact.
  [INT8]: (text) => text,
  // pg reads a date as local midnight, PGlite as UTC midnight: use UTC on both, whatever TZ says.
  [DATE]: (text) => new Date(`${text}T00:00:00Z`),
  // A void function's result is an empty string on both drivers; it means "no value".
  [VOID]: () => null,
};
