// Kubernetes CEL libraries (k8s.io/apiserver pkg/cel/library) on top of @bufbuild/cel's standard functions and
// strings extension: lists (isSorted, sum, min, max, indexOf, lastIndexOf), regex (find, findAll), url,
// quantity, and the optional-value subset used by optionalOldSelf (optional.none/of, hasValue, value, orValue).
// Opaque kube types (URL, Quantity, optional) are represented as tagged CEL maps.

import { celFunc, celMethod, CelScalar, listType, mapType, isCelList, isCelMap, isCelUint, type CelFunc, type CelValue, type CelList, type CelMap } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

const D = CelScalar.DYN;
const S = CelScalar.STRING;
const B = CelScalar.BOOL;
const I = CelScalar.INT;
const F = CelScalar.DOUBLE;
const L = listType(D);
const M = mapType(S, D);

export const OPT_TAG = '__k8s_optional__';
const URL_TAG = '__k8s_url__';
const QTY_TAG = '__k8s_quantity__';

export function optionalNone(): Map<string, unknown> {
  return new Map<string, unknown>([[OPT_TAG, false]]);
}
export function optionalOf<T>(v: T): Map<string, unknown> {
  return new Map<string, unknown>([[OPT_TAG, true], ['value', v]]);
}

function tagged(m: CelMap, tag: string): boolean {
  return m.has(tag);
}

function cmp(a: CelValue, b: CelValue): number {
  if (typeof a === 'bigint' || typeof a === 'number') {
    if (typeof b !== 'bigint' && typeof b !== 'number') throw new Error('no such overload');
    const x = typeof a === 'bigint' && typeof b === 'bigint' ? (a < b ? -1 : a > b ? 1 : 0) : Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
    return x;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (isCelUint(a) && isCelUint(b)) return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  throw new Error('no such overload');
}

function eq(a: CelValue, b: CelValue): boolean {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return Number(a) === Number(b);
  if (isCelList(a) && isCelList(b)) {
    if (a.size !== b.size) return false;
    for (let i = 0; i < a.size; i++) if (!eq(a.get(i)!, b.get(i)!)) return false;
    return true;
  }
  if (isCelMap(a) && isCelMap(b)) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      const w = b.get(k);
      if (w === undefined || !eq(v, w)) return false;
    }
    return true;
  }
  return a === b;
}

function items(l: CelList): CelValue[] {
  return [...l];
}

// --------------------------------------------------------------------------- quantity

const BIN: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DEC: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const qtyRe = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

export function parseQuantity(s: string): number | undefined {
  const m = qtyRe.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suf = m[2] ?? '';
  if (suf in BIN) return n * BIN[suf]!;
  if (suf in DEC) return n * DEC[suf]!;
  if (/^[eE]/.test(suf)) return n * 10 ** Number(suf.slice(1));
  return undefined;
}

function qty(s: string): Map<string, unknown> {
  if (parseQuantity(s) === undefined) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  return new Map<string, unknown>([[QTY_TAG, s]]);
}
function qv(m: CelMap): number {
  const s = m.get(QTY_TAG);
  if (typeof s !== 'string') throw new Error('no such overload');
  return parseQuantity(s) ?? 0;
}
function qtyFromNumber(n: number): Map<string, unknown> {
  return new Map<string, unknown>([[QTY_TAG, String(n)]]);
}

// --------------------------------------------------------------------------- url

function parseURL(s: string): URL {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(s) && !s.startsWith('/')) throw new Error(`URL parse error during conversion from string: parse "${s}": invalid URI for request`);
  return new URL(s, 'http://relative.invalid');
}
function urlOf(m: CelMap): { raw: string; u: URL } {
  const s = m.get(URL_TAG);
  if (typeof s !== 'string') throw new Error('no such overload');
  return { raw: s, u: parseURL(s) };
}

// --------------------------------------------------------------------------- registration

export function kubernetesLibrary(): CelFunc[] {
  const out: CelFunc[] = [...strings];
  // lists
  out.push(
    celMethod('isSorted', L, [], B, function () {
      const a = items(this);
      for (let i = 1; i < a.length; i++) if (cmp(a[i - 1]!, a[i]!) > 0) return false;
      return true;
    }),
    celMethod('sum', L, [], D, function () {
      const a = items(this);
      if (!a.length) return 0n;
      if (a.every((x) => typeof x === 'bigint')) return (a as bigint[]).reduce((x, y) => x + y, 0n);
      if (a.every((x) => typeof x === 'number')) return (a as number[]).reduce((x, y) => x + y, 0);
      throw new Error('no such overload');
    }),
    celMethod('min', L, [], D, function () {
      const a = items(this);
      if (!a.length) throw new Error('min called on empty list');
      return a.reduce((x, y) => (cmp(y, x) < 0 ? y : x));
    }),
    celMethod('max', L, [], D, function () {
      const a = items(this);
      if (!a.length) throw new Error('max called on empty list');
      return a.reduce((x, y) => (cmp(y, x) > 0 ? y : x));
    }),
    celMethod('indexOf', L, [D], I, function (x) {
      return BigInt(items(this).findIndex((y) => eq(y, x)));
    }),
    celMethod('lastIndexOf', L, [D], I, function (x) {
      const a = items(this);
      for (let i = a.length - 1; i >= 0; i--) if (eq(a[i]!, x)) return BigInt(i);
      return -1n;
    }),
  );
  // regex
  out.push(
    celMethod('find', S, [S], S, function (re) {
      const m = new RegExp(re, 'u').exec(this);
      return m ? m[0] : '';
    }),
    celMethod('findAll', S, [S], listType(S), function (re) {
      return [...this.matchAll(new RegExp(re, 'gu'))].map((m) => m[0]);
    }),
    celMethod('findAll', S, [S, I], listType(S), function (re, n) {
      const all = [...this.matchAll(new RegExp(re, 'gu'))].map((m) => m[0]);
      return n < 0n ? all : all.slice(0, Number(n));
    }),
  );
  // url
  out.push(
    celFunc('url', [S], M, (s) => {
      parseURL(s);
      return new Map<string, unknown>([[URL_TAG, s]]) as Map<string, never>;
    }),
    celFunc('isURL', [S], B, (s) => {
      try {
        parseURL(s);
        return true;
      } catch {
        return false;
      }
    }),
    celMethod('getScheme', M, [], S, function () {
      const { raw, u } = urlOf(this);
      return raw.startsWith('/') ? '' : u.protocol.replace(/:$/, '');
    }),
    celMethod('getHost', M, [], S, function () {
      const { raw, u } = urlOf(this);
      return raw.startsWith('/') ? '' : u.host;
    }),
    celMethod('getHostname', M, [], S, function () {
      const { raw, u } = urlOf(this);
      return raw.startsWith('/') ? '' : u.hostname.replace(/^\[|\]$/g, '');
    }),
    celMethod('getPort', M, [], S, function () {
      const { raw, u } = urlOf(this);
      return raw.startsWith('/') ? '' : u.port;
    }),
    celMethod('getEscapedPath', M, [], S, function () {
      return urlOf(this).u.pathname;
    }),
    celMethod('getQuery', M, [], mapType(S, listType(S)), function () {
      const q = new Map<string, string[]>();
      for (const [k, v] of urlOf(this).u.searchParams) q.set(k, [...(q.get(k) ?? []), v]);
      return q as Map<string, never>;
    }),
  );
  // quantity
  out.push(
    celFunc('quantity', [S], M, (s) => qty(s) as Map<string, never>),
    celFunc('isQuantity', [S], B, (s) => parseQuantity(s) !== undefined),
    celMethod('isInteger', M, [], B, function () {
      if (!tagged(this, QTY_TAG)) throw new Error('no such overload');
      return Number.isInteger(qv(this));
    }),
    celMethod('asInteger', M, [], I, function () {
      const v = qv(this);
      if (!Number.isInteger(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER) throw new Error('cannot convert value to integer');
      return BigInt(v);
    }),
    celMethod('asApproximateFloat', M, [], F, function () {
      return qv(this);
    }),
    celMethod('sign', M, [], I, function () {
      return BigInt(Math.sign(qv(this)));
    }),
    celMethod('isGreaterThan', M, [M], B, function (o) {
      return qv(this) > qv(o);
    }),
    celMethod('isLessThan', M, [M], B, function (o) {
      return qv(this) < qv(o);
    }),
    celMethod('compareTo', M, [M], I, function (o) {
      return BigInt(Math.sign(qv(this) - qv(o)));
    }),
    celMethod('add', M, [M], M, function (o) {
      return qtyFromNumber(qv(this) + qv(o)) as Map<string, never>;
    }),
    celMethod('add', M, [I], M, function (o) {
      return qtyFromNumber(qv(this) + Number(o)) as Map<string, never>;
    }),
    celMethod('sub', M, [M], M, function (o) {
      return qtyFromNumber(qv(this) - qv(o)) as Map<string, never>;
    }),
    celMethod('sub', M, [I], M, function (o) {
      return qtyFromNumber(qv(this) - Number(o)) as Map<string, never>;
    }),
  );
  // optional (subset)
  out.push(
    celFunc('optional.none', [], M, () => optionalNone() as Map<string, never>),
    celFunc('optional.of', [D], M, (v) => optionalOf(v) as Map<string, never>),
    celMethod('hasValue', M, [], B, function () {
      if (!tagged(this, OPT_TAG)) throw new Error('no such overload');
      return this.get(OPT_TAG) === true;
    }),
    celMethod('value', M, [], D, function () {
      if (this.get(OPT_TAG) !== true) throw new Error('optional.none() dereference');
      return this.get('value')!;
    }),
    celMethod('orValue', M, [D], D, function (d) {
      if (!tagged(this, OPT_TAG)) throw new Error('no such overload');
      return this.get(OPT_TAG) === true ? this.get('value')! : d;
    }),
  );
  return out;
}
