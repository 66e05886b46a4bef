export * from './import.ts';
export { parseAddressCsv, parseWhere } from './parse-csv.ts';
export { parseMispEvents } from './parse-misp.ts';
export { fromStixObjects, parseStixBundle, tlpOfObject } from './parse-stix.ts';
export { parseAddressText } from './parse-text.ts';
export * from './types.ts';
