/** The twelve Dutch provinces, as `lfi_regions.code`: a segment's region is one of these. */
export const regionCodes = [
  'groningen',
  'friesland',
  'drenthe',
  'overijssel',
  'flevoland',
  'gelderland',
  'utrecht',
  'noord-holland',
  'zuid-holland',
  'zeeland',
  'noord-brabant',
  'limburg',
] as const;
