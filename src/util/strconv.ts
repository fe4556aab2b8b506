// Go's strconv parsers where their exact acceptance and error text show through (flags, query parameters,
// --runtime-config values).

/** The text of Go's *strconv.NumError: `strconv.<fn>: parsing "<s>": <why>`. */
export function numError(fn: string, s: string, why: 'invalid syntax' | 'value out of range'): string {
  return `strconv.${fn}: parsing ${goQuote(s)}: ${why}`;
}

/** Go's strconv.ParseBool; throws Error with Go's message. */
export function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new Error(numError('ParseBool', s, 'invalid syntax'));
}

/** Go's strconv.Quote (%q) for the strings that reach error messages: printable text as is, escapes otherwise. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

const UINT64_MAX = 18446744073709551615n;

/**
 * Go's strconv.ParseUint(s, 10, 64): decimal digits only, no sign; throws Error with Go's message. Values
 * above 2^53 lose precision as a JS number (etcd revisions stay far below).
 */
export function parseGoUint(s: string): number {
  if (!/^[0-9]+$/.test(s)) throw new Error(numError('ParseUint', s, 'invalid syntax'));
  if (s.length > 19 && BigInt(s) > UINT64_MAX) throw new Error(numError('ParseUint', s, 'value out of range'));
  return Number(s);
}
