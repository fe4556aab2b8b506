// Helpers shared by the patch implementations: JSON decoding with Go encoding/json's
// error messages, Go fmt-style rendering of decoded values (%v), and plain JSON-value utilities.

/** An error whose message is what Go's encoding/json (or sigs.k8s.io/json) would report. */
export class GoJsonError extends Error {}

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'bool' | 'null';

/** The JSON kind name as Go's UnmarshalTypeError prints it ("object", "array", "string", "number", "bool"). */
export function jsonKind(v: unknown): JsonKind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => deepClone(x)) as unknown as T;
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepClone(x);
    return out as T;
  }
  return v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Syntax checking with Go's scanner messages (encoding/json/scanner.go).

function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  // strconv.Quote(string(rune(c))) without the surrounding double quotes
  const special: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x5c: '\\\\' };
  if (special[c]) return `'${special[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c >= 0x80 && (c < 0xa1 || c === 0xad)) return `'\\u00${c.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

const enum P {
  ObjectKey,
  ObjectValue,
  ArrayValue,
}

/** Returns Go's syntax error message for `data`, or undefined when it is valid JSON. */
export function goJsonSyntaxError(data: Uint8Array): string | undefined {
  const stack: P[] = [];
  let i = 0;
  const n = data.length;
  const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
  const err = (c: number, ctx: string) => `invalid character ${quoteChar(c)} ${ctx}`;
  const EOF = 'unexpected end of JSON input';

  // Returns error message, or undefined and advances i past one value.
  const value = (): string | undefined => {
    while (i < n && isSpace(data[i]!)) i++;
    if (i >= n) return EOF;
    const c = data[i]!;
    if (c === 0x7b) {
      // object
      i++;
      if (stack.length >= 10000) return 'exceeded max depth';
      stack.push(P.ObjectKey);
      while (i < n && isSpace(data[i]!)) i++;
      if (i >= n) return EOF;
      if (data[i] === 0x7d) {
        i++;
        stack.pop();
        return undefined;
      }
      for (;;) {
        while (i < n && isSpace(data[i]!)) i++;
        if (i >= n) return EOF;
        if (data[i] !== 0x22) return err(data[i]!, 'looking for beginning of object key string');
        const e = str();
        if (e) return e;
        while (i < n && isSpace(data[i]!)) i++;
        if (i >= n) return EOF;
        if (data[i] !== 0x3a) return err(data[i]!, 'after object key');
        i++;
        stack[stack.length - 1] = P.ObjectValue;
        const e2 = value();
        if (e2) return e2;
        while (i < n && isSpace(data[i]!)) i++;
        if (i >= n) return EOF;
        if (data[i] === 0x2c) {
          i++;
          stack[stack.length - 1] = P.ObjectKey;
          continue;
        }
        if (data[i] === 0x7d) {
          i++;
          stack.pop();
          return undefined;
        }
        return err(data[i]!, 'after object key:value pair');
      }
    }
    if (c === 0x5b) {
      i++;
      if (stack.length >= 10000) return 'exceeded max depth';
      stack.push(P.ArrayValue);
      while (i < n && isSpace(data[i]!)) i++;
      if (i >= n) return EOF;
      if (data[i] === 0x5d) {
        i++;
        stack.pop();
        return undefined;
      }
      for (;;) {
        const e = value();
        if (e) return e;
        while (i < n && isSpace(data[i]!)) i++;
        if (i >= n) return EOF;
        if (data[i] === 0x2c) {
          i++;
          continue;
        }
        if (data[i] === 0x5d) {
          i++;
          stack.pop();
          return undefined;
        }
        return err(data[i]!, 'after array element');
      }
    }
    if (c === 0x22) return str();
    if (c === 0x2d || isDigit(c)) return num();
    const lit = (word: string): string | undefined => {
      i++;
      for (let k = 1; k < word.length; k++) {
        if (i >= n) return EOF;
        if (data[i] !== word.charCodeAt(k)) return err(data[i]!, `in literal ${word} (expecting '${word[k]}')`);
        i++;
      }
      return undefined;
    };
    if (c === 0x74) return lit('true');
    if (c === 0x66) return lit('false');
    if (c === 0x6e) return lit('null');
    return err(c, 'looking for beginning of value');
  };

  const str = (): string | undefined => {
    i++; // opening quote
    for (;;) {
      if (i >= n) return EOF;
      const c = data[i]!;
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        i++;
        if (i >= n) return EOF;
        const e = data[i]!;
        if ('bfnrt\\/"'.includes(String.fromCharCode(e))) {
          i++;
          continue;
        }
        if (e === 0x75) {
          i++;
          for (let k = 0; k < 4; k++) {
            if (i >= n) return EOF;
            const h = data[i]!;
            if (!(isDigit(h) || (h >= 0x61 && h <= 0x66) || (h >= 0x41 && h <= 0x46))) return err(h, 'in \\u hexadecimal character escape');
            i++;
          }
          continue;
        }
        return err(e, 'in string escape code');
      }
      if (c < 0x20) return err(c, 'in string literal');
      i++;
    }
  };

  const num = (): string | undefined => {
    if (data[i] === 0x2d) {
      i++;
      if (i >= n) return EOF;
      if (!isDigit(data[i]!)) return err(data[i]!, 'in numeric literal');
    }
    if (data[i] === 0x30) i++;
    else while (i < n && isDigit(data[i]!)) i++;
    if (i < n && data[i] === 0x2e) {
      i++;
      if (i >= n) return EOF;
      if (!isDigit(data[i]!)) return err(data[i]!, 'after decimal point in numeric literal');
      while (i < n && isDigit(data[i]!)) i++;
    }
    if (i < n && (data[i] === 0x65 || data[i] === 0x45)) {
      i++;
      if (i < n && (data[i] === 0x2b || data[i] === 0x2d)) i++;
      if (i >= n) return EOF;
      if (!isDigit(data[i]!)) return err(data[i]!, 'in exponent of numeric literal');
      while (i < n && isDigit(data[i]!)) i++;
    }
    return undefined;
  };

  const e = value();
  if (e) return e;
  while (i < n && isSpace(data[i]!)) i++;
  if (i < n) return err(data[i]!, 'after top-level value');
  return undefined;
}

/**
 * Decodes a request body as Go's encoding/json would, throwing GoJsonError with Go's message for
 * syntax errors. Already-decoded values are returned as they are.
 */
export function decodeBody(body: unknown): unknown {
  let bytes: Uint8Array;
  if (typeof body === 'string') bytes = new TextEncoder().encode(body);
  else if (body instanceof Uint8Array) bytes = body;
  else return body === undefined ? null : body;
  const e = goJsonSyntaxError(bytes);
  if (e) throw new GoJsonError(e);
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
}

// ---------------------------------------------------------------------------------------------
// Go fmt rendering of decoded JSON values (map[string]interface{}, []interface{}, ...).

function goFloat(f: number): string {
  if (Number.isInteger(f) && Math.abs(f) < 1e21) {
    // int64 in Go (preserved ints) prints as a plain integer
    return String(f);
  }
  const exp = Math.floor(Math.log10(Math.abs(f)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = f.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return `${m}e${sign}${digits}`;
  }
  return String(f);
}

/** Go's %v for a decoded JSON value. */
export function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goV(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** Go's %s for a decoded JSON value (non-strings render as %!s(type=value)). */
export function goS(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'number') return `%!s(${Number.isInteger(v) ? 'int64' : 'float64'}=${goFloat(v)})`;
  if (typeof v === 'boolean') return `%!s(bool=${v})`;
  if (Array.isArray(v)) return `[${v.map(goS).join(' ')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goS(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** reflect.TypeOf(v).String() for a value decoded by kube (ints preserved as int64). */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}
