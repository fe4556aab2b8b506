// Small helpers for walking decoded JSON objects inside the strategies module.
// Go's defaulters test "nil pointer" / "zero value"; these helpers express the same on JSON.
import { isObject } from '../../api/types.js';

export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj | undefined {
  return isObject(v) ? v : undefined;
}

/** The object at parent[key], created ({}) if absent or null. */
export function ensureObj(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isObject(v)) return v;
  const o: Obj = {};
  parent[key] = o;
  return o;
}

/** The objects of an array field (non-objects skipped). */
export function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

export function isNil(v: unknown): boolean {
  return v === undefined || v === null;
}

/** Pointer-style default: set when absent or null. */
export function defPtr(o: Obj, key: string, value: unknown): void {
  if (isNil(o[key])) o[key] = value;
}

/** String default: set when absent, null or "". */
export function defStr(o: Obj, key: string, value: string): void {
  if (isNil(o[key]) || o[key] === '') o[key] = value;
}

/** Non-pointer number default: set when absent, null or 0. */
export function defNum(o: Obj, key: string, value: number): void {
  if (isNil(o[key]) || o[key] === 0) o[key] = value;
}

/** Empty (nil or zero-length) slice/map test, as Go's len(x) == 0. */
export function isEmpty(v: unknown): boolean {
  if (isNil(v)) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  if (typeof v === 'string') return v.length === 0;
  return false;
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Key-order-insensitive JSON equality (Go's semantic DeepEqual on decoded JSON, nil vs absent alike). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

function stableStringify(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined && v[k] !== null)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Parse a resource.Quantity string to a number (approximate; enough for comparisons and QoS). */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) {
    const pow = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 }[m[2]] ?? 0;
    return base * 1024 ** pow;
  }
  if (m[3]) return base * 10 ** Number(m[3].slice(1));
  if (m[4]) {
    const exp = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }[m[4]] ?? 0;
    return base * 10 ** exp;
  }
  return base;
}

/** Go's label-map "merge into nil map" helper. */
export function labelsOf(o: Obj): Record<string, string> | undefined {
  const md = asObj(o['metadata']);
  const l = md ? asObj(md['labels']) : undefined;
  return l as Record<string, string> | undefined;
}
