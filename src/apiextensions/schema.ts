// Pruning, defaulting and OpenAPI v3 validation of custom resources against their structural schema.
// Semantics and messages: k8s.io/apiextensions-apiserver v0.32
//   pkg/apiserver/schema/pruning/algorithm.go, schema/defaulting/algorithm.go, schema/objectmeta/{coerce,validation}.go,
//   schema/listtype/validation.go, pkg/apiserver/validation/validation.go (kubeOpenAPIResultToFieldErrors),
//   pkg/registry/customresource/strategy.go (hasBlockingErr)
// and k8s.io/kube-openapi pkg/validation/validate (validator order, paths) + pkg/validation/errors/schema.go (texts).

import { OMIT_VALUE, fieldErr, type FieldError } from '../api/field-errors.js';
import type { JsonValue } from '../api/types.js';
import { checkFormat, normalizeFormat } from './formats.js';
import { childPath, indexPath, isPlainObject, keyPath, type StructuralSchema } from './structural.js';

export { toStructural, type StructuralSchema, type ValidationRule } from './structural.js';

// ------------------------------------------------------------------------------------------ pruning

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

type MetaCheck = (v: unknown) => boolean;
const isStr: MetaCheck = (v) => typeof v === 'string';
const isStrOrNull: MetaCheck = (v) => typeof v === 'string' || v === null;
const isInt: MetaCheck = (v) => typeof v === 'number' && Number.isInteger(v);
const isStrMap: MetaCheck = (v) => v === null || (isPlainObject(v) && Object.values(v).every((x) => typeof x === 'string'));
const isStrList: MetaCheck = (v) => v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
const isObjList: MetaCheck = (v) => v === null || (Array.isArray(v) && v.every((x) => isPlainObject(x)));

/** metav1.ObjectMeta JSON fields and the JSON shape each must have to decode. */
const OBJECT_META_FIELDS: Record<string, MetaCheck> = {
  name: isStr,
  generateName: isStr,
  namespace: isStr,
  selfLink: isStr,
  uid: isStr,
  resourceVersion: isStr,
  generation: isInt,
  creationTimestamp: isStrOrNull,
  deletionTimestamp: isStrOrNull,
  deletionGracePeriodSeconds: (v) => v === null || isInt(v),
  labels: isStrMap,
  annotations: isStrMap,
  ownerReferences: isObjList,
  finalizers: isStrList,
  managedFields: isObjList,
};

/** Prunes `metadata` to ObjectMeta fields (objectmeta.GetObjectMetaWithOptions with DropMalformedFields). */
function pruneObjectMeta(x: Record<string, unknown>, parent: string, out: string[]): void {
  const meta = x.metadata;
  if (meta === undefined) return;
  if (!isPlainObject(meta)) {
    delete x.metadata;
    return;
  }
  const prefix = childPath(parent, 'metadata');
  for (const k of Object.keys(meta)) {
    const check = OBJECT_META_FIELDS[k];
    if (!check) {
      out.push(`${prefix}.${k}`);
      delete meta[k];
    } else if (!check(meta[k])) {
      delete meta[k]; // malformed: dropped silently
    }
  }
}

/**
 * Drops unknown fields (not under x-kubernetes-preserve-unknown-fields); metadata of the root and of embedded
 * resources is pruned to ObjectMeta fields as kube does. Returns the pruned paths, sorted
 * (for fieldValidation Strict/Warn: `unknown field "spec.foo"`).
 */
export function prune(obj: unknown, s: StructuralSchema, isResourceRoot: boolean): string[] {
  const out: string[] = [];
  const root: StructuralSchema = isResourceRoot && !s.xEmbeddedResource ? { ...s, xEmbeddedResource: true } : s;
  pruneNode(obj, root, '', out);
  if (isResourceRoot && isPlainObject(obj)) pruneObjectMeta(obj, '', out);
  out.sort();
  return out;
}

function pruneNode(x: unknown, s: StructuralSchema | undefined, path: string, out: string[]): void {
  if (s && s.xPreserveUnknownFields) {
    skipPrune(x, s, path, out);
    return;
  }
  if (isPlainObject(x)) {
    if (!s) {
      for (const k of Object.keys(x)) {
        out.push(childPath(path, k));
        delete x[k];
      }
      return;
    }
    for (const k of Object.keys(x)) {
      if (s.xEmbeddedResource && META_FIELDS.has(k)) continue;
      const prop = s.properties?.get(k);
      if (prop) pruneNode(x[k], prop, childPath(path, k), out);
      else if (s.additionalProperties !== undefined) pruneNode(x[k], s.additionalProperties === true ? undefined : s.additionalProperties, childPath(path, k), out);
      else {
        if (!META_FIELDS.has(k) || path !== '') out.push(childPath(path, k));
        delete x[k];
      }
    }
    if (s.xEmbeddedResource && path !== '') pruneObjectMeta(x, path, out);
  } else if (Array.isArray(x)) {
    x.forEach((v, i) => pruneNode(v, s?.items, indexPath(path, i), out));
  }
}

function skipPrune(x: unknown, s: StructuralSchema, path: string, out: string[]): void {
  if (isPlainObject(x)) {
    for (const k of Object.keys(x)) {
      if (s.xEmbeddedResource && META_FIELDS.has(k)) continue;
      const prop = s.properties?.get(k);
      if (prop) pruneNode(x[k], prop, childPath(path, k), out);
      else if (s.additionalProperties !== undefined && s.additionalProperties !== true) pruneNode(x[k], s.additionalProperties, childPath(path, k), out);
    }
    if (s.xEmbeddedResource && path !== '') pruneObjectMeta(x, path, out);
  } else if (Array.isArray(x) && s.items) {
    x.forEach((v, i) => skipPrune(v, s.items!, indexPath(path, i), out));
  }
}

// ---------------------------------------------------------------------------------------- defaulting

function deepCopy<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

const isNonNullableNull = (x: unknown, s: StructuralSchema | undefined): boolean => x === null && !!s && !s.nullable;

/** Applies `default`s (kube's defaulting algorithm; nulls of non-nullable fields with a default are replaced). */
export function applyDefaults(obj: unknown, s: StructuralSchema): void {
  defaultNode(obj, s);
}

function defaultNode(x: unknown, s: StructuralSchema | undefined): void {
  if (!s) return;
  if (isPlainObject(x)) {
    if (s.properties) {
      for (const [k, prop] of s.properties) {
        if (!prop.hasDefault || prop.default === null) continue;
        if (!(k in x) || isNonNullableNull(x[k], prop)) x[k] = deepCopy(prop.default);
      }
    }
    for (const k of Object.keys(x)) {
      const prop = s.properties?.get(k);
      if (prop) defaultNode(x[k], prop);
      else if (s.additionalProperties && s.additionalProperties !== true) {
        const ap = s.additionalProperties;
        if (isNonNullableNull(x[k], ap) && ap.hasDefault && ap.default !== null) x[k] = deepCopy(ap.default);
        defaultNode(x[k], ap);
      }
    }
  } else if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      if (s.items && isNonNullableNull(x[i], s.items) && s.items.hasDefault && s.items.default !== null) x[i] = deepCopy(s.items.default);
      defaultNode(x[i], s.items);
    }
  }
}

/** Drops nulls of non-nullable fields without default (defaulting.PruneNonNullableNullsWithoutDefaults). */
export function pruneNonNullableNullsWithoutDefaults(x: unknown, s: StructuralSchema | undefined): void {
  if (!s) return;
  if (isPlainObject(x)) {
    for (const k of Object.keys(x)) {
      const prop = s.properties?.get(k) ?? (s.additionalProperties !== true ? s.additionalProperties : undefined);
      if (!prop) continue;
      if (x[k] === null && !prop.nullable && !prop.hasDefault) delete x[k];
      else pruneNonNullableNullsWithoutDefaults(x[k], prop);
    }
  } else if (Array.isArray(x)) {
    for (const v of x) pruneNonNullableNullsWithoutDefaults(v, s.items);
  }
}

// ---------------------------------------------------------------------------------------- validation

/** A kube-openapi validation error before conversion to a field error. */
interface OAErr {
  code: 'required' | 'enum' | 'tooLong' | 'maxItems' | 'maxProperties' | 'type' | 'other';
  name: string;
  value?: unknown;
  valid?: unknown;
  message: string;
}

function jsType(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** Go's %v for a float64/int64 bound. */
function goNum(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e\+?(-?)(\d)$/, 'e$10$2').replace(/e\+/, 'e+');
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go %v of an []interface{} enum list. */
function goEnumList(vals: unknown[]): string {
  const f = (v: unknown): string => {
    if (v === null) return '<nil>';
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return `[${v.map(f).join(' ')}]`;
    if (isPlainObject(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${f(v[k])}`).join(' ')}]`;
    return String(v);
  };
  return `[${vals.map(f).join(' ')}]`;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function patternOf(s: StructuralSchema): RegExp | null {
  if (s.cache.pattern !== undefined) return s.cache.pattern;
  try {
    s.cache.pattern = new RegExp(s.pattern!, 'u');
  } catch {
    try {
      s.cache.pattern = new RegExp(s.pattern!);
    } catch {
      s.cache.pattern = null;
    }
  }
  return s.cache.pattern;
}

function typesOf(s: StructuralSchema): string[] {
  if (s.xIntOrString) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

/** kube-openapi SchemaValidator.Validate for one node. `name` is kube-openapi's path ("" at the root). */
function oaValidate(data: unknown, s: StructuralSchema, name: string, errs: OAErr[]): void {
  const types = typesOf(s);
  const where = `${name} in body`;
  // type validator
  if (data === null || data === undefined) {
    if (types.length && !s.nullable) errs.push({ code: 'type', name, value: 'null', message: `${where} must be of type ${types.join(',')}: "null"` });
    if (s.enum && s.enum.length && !s.enum.some((e) => e === null)) {
      errs.push({ code: 'enum', name, value: null, valid: s.enum, message: `${where} should be one of ${goEnumList(s.enum)}` });
    }
    return;
  }
  const kind = jsType(data);
  let typeOK = true;
  if (types.length) {
    const fmt = s.format;
    const isString = kind === 'string' || kind === 'array';
    const skip = !(types.includes('number') || types.includes('integer')) && !!fmt && isString;
    if (!skip) {
      const ok = types.includes(kind) || (kind === 'integer' && types.includes('number'));
      if (!ok) {
        errs.push({ code: 'type', name, value: kind, message: `${where} must be of type ${types.join(',')}: ${goQuote(kind)}` });
        typeOK = false;
      }
    }
  }
  // schema props validator: allOf / oneOf / anyOf / not
  if (s.anyOf) {
    let ok = false;
    let best: OAErr[] | undefined;
    for (const sub of s.anyOf) {
      const e: OAErr[] = [];
      oaValidate(data, sub, name, e);
      if (!e.length) {
        ok = true;
        best = undefined;
        break;
      }
      if (!best) best = e;
    }
    if (!ok) errs.push({ code: 'other', name, message: `${goQuote(name)} must validate at least one schema (anyOf)` });
    if (best) errs.push(...best);
  }
  if (s.oneOf) {
    let validated = 0;
    let best: OAErr[] | undefined;
    for (const sub of s.oneOf) {
      const e: OAErr[] = [];
      oaValidate(data, sub, name, e);
      if (!e.length) validated++;
      else if (validated === 0 && !best) best = e;
    }
    if (validated !== 1) {
      const add = validated === 0 ? 'Found none valid' : `Found ${validated} valid alternatives`;
      errs.push({ code: 'other', name, message: `${goQuote(name)} must validate one and only one schema (oneOf). ${add}` });
      if (validated === 0 && best) errs.push(...best);
    }
  }
  if (s.allOf) {
    let validated = 0;
    for (const sub of s.allOf) {
      const e: OAErr[] = [];
      oaValidate(data, sub, name, e);
      if (!e.length) validated++;
      errs.push(...e);
    }
    if (validated !== s.allOf.length) {
      errs.push({ code: 'other', name, message: `${goQuote(name)} must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}` });
    }
  }
  if (s.not) {
    const e: OAErr[] = [];
    oaValidate(data, s.not, name, e);
    if (!e.length) errs.push({ code: 'other', name, message: `${goQuote(name)} must not validate the schema (not)` });
  }
  // string validator (applies when the schema is a string schema and data is a string)
  if (kind === 'string' && (types.includes('string') || (!types.length && (s.maxLength !== undefined || s.minLength !== undefined || s.pattern)))) {
    const str = data as string;
    const len = [...str].length;
    if (s.maxLength !== undefined && len > s.maxLength) {
      errs.push({ code: 'tooLong', name, value: str, valid: s.maxLength, message: `${where} should be at most ${s.maxLength} chars long` });
    } else if (s.minLength !== undefined && len < s.minLength) {
      errs.push({ code: 'other', name, value: str, message: `${where} should be at least ${s.minLength} chars long` });
    } else if (s.pattern) {
      const re = patternOf(s);
      if (re && !re.test(str)) errs.push({ code: 'other', name, value: str, message: `${where} should match '${s.pattern}'` });
    }
  }
  // format validator (string schemas with a supported format)
  if (kind === 'string' && s.format && types.includes('string')) {
    const n = normalizeFormat(s.format);
    if (n && !checkFormat(n, data as string)) {
      errs.push({ code: 'type', name, value: data, message: `${where} must be of type ${s.format}: ${goQuote(data as string)}` });
    }
  }
  // number validator
  if ((kind === 'integer' || kind === 'number') && typeOK) {
    const n = data as number;
    if (s.multipleOf !== undefined && s.multipleOf !== 0) {
      const q = n / s.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) errs.push({ code: 'other', name, value: n, message: `${where} should be a multiple of ${goNum(s.multipleOf)}` });
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? n >= s.maximum : n > s.maximum)) {
      errs.push({ code: 'other', name, value: n, message: s.exclusiveMaximum ? `${where} should be less than ${goNum(s.maximum)}` : `${where} should be less than or equal to ${goNum(s.maximum)}` });
    }
    if (s.minimum !== undefined && (s.exclusiveMinimum ? n <= s.minimum : n < s.minimum)) {
      errs.push({ code: 'other', name, value: n, message: s.exclusiveMinimum ? `${where} should be greater than ${goNum(s.minimum)}` : `${where} should be greater than or equal to ${goNum(s.minimum)}` });
    }
  }
  // slice validator
  if (kind === 'array') {
    const arr = data as unknown[];
    if (s.items) arr.forEach((v, i) => oaValidate(v, s.items!, `${name}[${i}]`, errs));
    if (s.minItems !== undefined && arr.length < s.minItems) errs.push({ code: 'other', name, value: arr.length, message: `${where} should have at least ${s.minItems} items` });
    if (s.maxItems !== undefined && arr.length > s.maxItems) errs.push({ code: 'maxItems', name, value: arr.length, valid: s.maxItems, message: `${where} should have at most ${s.maxItems} items` });
    if (s.uniqueItems && arr.some((v, i) => arr.findIndex((w) => deepEqual(v, w)) !== i)) errs.push({ code: 'other', name, message: `${where} shouldn't contain duplicates` });
  }
  // common validator (enum)
  if (s.enum && s.enum.length) {
    if (!s.enum.some((e) => deepEqual(e, data))) {
      errs.push({ code: 'enum', name, value: data, valid: s.enum, message: `${where} should be one of ${goEnumList(s.enum)}` });
    }
  }
  // object validator
  if (kind === 'object') {
    const o = data as Record<string, unknown>;
    const nkeys = Object.keys(o).length;
    if (s.minProperties !== undefined && nkeys < s.minProperties) errs.push({ code: 'other', name, value: nkeys, message: `${where} should have at least ${s.minProperties} properties` });
    if (s.maxProperties !== undefined && nkeys > s.maxProperties) errs.push({ code: 'maxProperties', name, value: nkeys, valid: s.maxProperties, message: `${where} should have at most ${s.maxProperties} properties` });
    if (s.additionalPropertiesFalse && !s.properties) {
      for (const k of Object.keys(o)) errs.push({ code: 'other', name: name ? `${name}.${k}` : k, message: `${name}.${k} in body is a forbidden property` });
    }
    if (s.additionalProperties && s.additionalProperties !== true) {
      for (const k of Object.keys(o)) {
        if (s.properties?.has(k)) continue;
        oaValidate(o[k], s.additionalProperties, `${name}.${k}`, errs);
      }
    }
    if (s.properties) {
      for (const [k, p] of s.properties) {
        if (k in o) oaValidate(o[k], p, name ? `${name}.${k}` : k, errs);
      }
    }
    if (s.required) {
      for (const k of s.required) {
        if (!(k in o)) errs.push({ code: 'required', name: `${name}.${k}`, message: `${name}.${k} in body is required` });
      }
    }
  }
}

function toFieldErrors(base: string, errs: OAErr[]): FieldError[] {
  return errs.map((e) => {
    let p = base;
    if (e.name && e.name !== '.') {
      const n = e.name.replace(/^\./, '');
      p = base ? `${base}.${n}` : n;
    }
    const value = e.value === undefined ? '' : e.value;
    switch (e.code) {
      case 'required':
        return fieldErr.required(p, '');
      case 'enum': {
        const vals = ((e.valid as unknown[]) ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
        return fieldErr.notSupported(p, e.value, vals);
      }
      case 'tooLong':
        return fieldErr.tooLong(p, '', typeof e.valid === 'number' ? e.valid : -1);
      case 'maxItems':
      case 'maxProperties':
        return fieldErr.tooMany(p, typeof e.value === 'number' ? e.value : -1, typeof e.valid === 'number' ? e.valid : -1);
      case 'type':
        return fieldErr.typeInvalid(p, value, e.message);
      default:
        return fieldErr.invalid(p, value, e.message);
    }
  });
}

/** Validates embedded resources (objectmeta.Validate): apiVersion/kind required and well-formed, metadata sane. */
function validateEmbedded(x: unknown, s: StructuralSchema | undefined, path: string, errs: FieldError[]): void {
  if (!s) return;
  if (isPlainObject(x)) {
    if (s.xEmbeddedResource) {
      if (!('apiVersion' in x)) errs.push(fieldErr.required(childPath(path, 'apiVersion'), 'must not be empty'));
      if (!('kind' in x)) errs.push(fieldErr.required(childPath(path, 'kind'), 'must not be empty'));
      for (const [k, v] of Object.entries(x)) {
        if (k === 'apiVersion') {
          if (typeof v !== 'string') errs.push(fieldErr.invalid(childPath(path, k), v, 'must be a string'));
          else if (!v) errs.push(fieldErr.invalid(childPath(path, k), v, 'must not be empty'));
          else if (v.split('/').length > 2 || v.startsWith('/') || v.endsWith('/')) errs.push(fieldErr.invalid(childPath(path, k), v, `unexpected GroupVersion string: ${v}`));
        } else if (k === 'kind') {
          if (typeof v !== 'string') errs.push(fieldErr.invalid(childPath(path, k), v, 'must be a string'));
          else if (!v) errs.push(fieldErr.invalid(childPath(path, k), v, 'must not be empty'));
          else if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v.toLowerCase()) || v.length > 63) {
            errs.push(fieldErr.invalid(childPath(path, k), v, "may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"));
          }
        } else if (k === 'metadata') {
          const mp = childPath(path, 'metadata');
          if (!isPlainObject(v)) errs.push(fieldErr.invalid(mp, v, 'must be an object'));
          else {
            const name = v.name;
            if (typeof name === 'string' && name) {
              if (name === '.' || name === '..') errs.push(fieldErr.invalid(childPath(mp, 'name'), name, `may not be '${name}'`));
              else if (name.includes('/')) errs.push(fieldErr.invalid(childPath(mp, 'name'), name, "may not contain '/'"));
              else if (name.includes('%')) errs.push(fieldErr.invalid(childPath(mp, 'name'), name, "may not contain '%'"));
            }
          }
        }
      }
    }
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.get(k);
      if (prop) validateEmbedded(v, prop, childPath(path, k), errs);
      else if (s.additionalProperties && s.additionalProperties !== true) validateEmbedded(v, s.additionalProperties, keyPath(path, k), errs);
    }
  } else if (Array.isArray(x)) {
    x.forEach((v, i) => validateEmbedded(v, s.items, indexPath(path, i), errs));
  }
}

/** Go %#v of the duplicate map key value listtype reports (map[string]interface {}{...}). */
function goMapLiteral(m: Record<string, unknown>): string {
  const keys = Object.keys(m).sort();
  const f = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? (Number.isInteger(v) ? `${v}` : String(v)) : typeof v === 'boolean' ? String(v) : v === null ? 'interface {}(nil)' : JSON.stringify(v));
  return `map[string]interface {}{${keys.map((k) => `${JSON.stringify(k)}:${f(m[k])}`).join(', ')}}`;
}

function stableKey(v: unknown): string {
  if (v === undefined) return '\u0000undefined';
  if (isPlainObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableKey(v[k])}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(stableKey).join(',')}]`;
  return `${typeof v}:${JSON.stringify(v)}`;
}

/** listtype.ValidateListSetsAndMaps: uniqueness of set items and map-list keys. */
function validateListTypes(x: unknown, s: StructuralSchema | undefined, path: string, errs: FieldError[]): void {
  if (!s) return;
  if (Array.isArray(x)) {
    if (s.xListType === 'set') {
      const seen = new Map<string, number>();
      x.forEach((v, i) => {
        const k = stableKey(v);
        const n = seen.get(k) ?? 0;
        if (n === 1) errs.push(fieldErr.duplicate(indexPath(path, i), v));
        seen.set(k, n + 1);
      });
    } else if (s.xListType === 'map') {
      const bad = x.findIndex((v) => v !== null && !isPlainObject(v));
      if (bad >= 0) errs.push(fieldErr.invalid(indexPath(path, bad), x[bad], 'must be an object for an array of list-type map'));
      else {
        const keys = s.xListMapKeys ?? [];
        const seen = new Map<string, number>();
        x.forEach((v, i) => {
          const key: Record<string, unknown> = {};
          if (isPlainObject(v)) for (const k of keys) if (k in v) key[k] = v[k];
          const sk = stableKey(key);
          const n = seen.get(sk) ?? 0;
          if (n === 1) errs.push({ type: 'FieldValueDuplicate', field: indexPath(path, i), badValue: OMIT_VALUE, detail: goMapLiteral(key) });
          seen.set(sk, n + 1);
        });
      }
    }
    x.forEach((v, i) => validateListTypes(v, s.items, indexPath(path, i), errs));
  } else if (isPlainObject(x)) {
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.get(k);
      if (prop) validateListTypes(v, prop, childPath(path, k), errs);
      else if (s.additionalProperties && s.additionalProperties !== true) validateListTypes(v, s.additionalProperties, keyPath(path, k), errs);
    }
  }
}

/**
 * OpenAPI v3 schema validation with kube's messages (kube-openapi + kubeOpenAPIResultToFieldErrors), followed by
 * embedded-resource validation and x-kubernetes-list-type set/map uniqueness, in the order kube's
 * customresource strategy runs them. `opts.path` prefixes every field path.
 */
export function validateAgainstSchema(obj: unknown, s: StructuralSchema, opts?: { path?: string; isResourceRoot?: boolean }): FieldError[] {
  const base = opts?.path ?? '';
  const oa: OAErr[] = [];
  oaValidate(obj, s, '', oa);
  const errs = toFieldErrors(base, oa);
  const embedded: StructuralSchema = s;
  validateEmbedded(obj, embedded, base, errs);
  validateListTypes(obj, s, base, errs);
  return errs;
}

/** strategy.go hasBlockingErr: such schema errors stop CEL rules from running. */
export function blockingError(errs: FieldError[]): FieldError | undefined {
  for (const e of errs) {
    if (e.type === 'FieldValueNotSupported' || e.type === 'FieldValueRequired' || e.type === 'FieldValueTooLong' || e.type === 'FieldValueTooMany' || e.type === 'FieldValueTypeInvalid') {
      return fieldErr.invalid('', null, 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation');
    }
  }
  return undefined;
}

export { type JsonValue };
