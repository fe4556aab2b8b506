// Small JSON helpers shared by the built-in conversion functions.
import type { KObject } from '../../api/types.js';

export type J = Record<string, unknown>;

export function isObj(v: unknown): v is J {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): J | undefined {
  return isObj(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function objArr(v: unknown): J[] {
  return arr(v).filter(isObj);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (structuredClone(v) as T);
}

/** Go's zero-value check for the scalar kinds we map (nil/undefined, "", 0, false). */
export function isZero(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === false;
}

/** Set key only when value is not undefined (a Go pointer/omitempty field that is set). */
export function put(o: J, key: string, value: unknown): void {
  if (value !== undefined) o[key] = value;
}

/** Set key when value is not Go-zero (an omitempty scalar). */
export function putNonZero(o: J, key: string, value: unknown): void {
  if (!isZero(value)) o[key] = value;
}

/** A copy of obj's metadata (always present in the output, as Go serializes ObjectMeta). */
export function metaOf(o: KObject): J {
  return isObj(o.metadata) ? (clone(o.metadata) as J) : {};
}

/** Remove the given annotation keys; drop the annotations map when it ends up empty (omitempty). */
export function dropAnnotations(meta: J, keys: readonly string[]): void {
  const ann = obj(meta['annotations']);
  if (!ann) return;
  let changed = false;
  for (const k of keys) {
    if (k in ann) {
      delete ann[k];
      changed = true;
    }
  }
  if (changed && Object.keys(ann).length === 0) delete meta['annotations'];
}

export function setAnnotation(meta: J, key: string, value: string): void {
  const ann = obj(meta['annotations']) ?? {};
  ann[key] = value;
  meta['annotations'] = ann;
}

/** Copy every field of src except the listed ones (fields a converter rewrites or drops). */
export function copyExcept(src: J, omit: readonly string[]): J {
  const out: J = {};
  for (const [k, v] of Object.entries(src)) if (!omit.includes(k)) out[k] = clone(v);
  return out;
}
