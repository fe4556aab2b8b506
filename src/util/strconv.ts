// Go's strconv parsers where their exact acceptance and error text show through (flags, query parameters,
// --runtime-config values).

/** Go's strconv.ParseBool; throws Error with Go's message. */
export function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}
