// The structural schema of a CRD version: JSONSchemaProps parsed once into a typed tree.
// Semantics: k8s.io/apiextensions-apiserver v0.32 pkg/apiserver/schema/structural.go + convert.go
// (the "structural spine": type/properties/items/additionalProperties + extensions), but value
// validations (enum, min/max, allOf/anyOf/oneOf/not, ...) are kept on every node because this one tree
// also drives OpenAPI validation (kube-openapi runs on the raw JSONSchemaProps).

import type { JsonValue } from '../api/types.js';

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export interface StructuralSchema {
  type?: string;
  format?: string;
  title?: string;
  description?: string;
  nullable: boolean;
  /** Present when the schema declares `default` (which may be `null`). */
  default?: JsonValue;
  hasDefault: boolean;
  properties?: Map<string, StructuralSchema>;
  /** Schema for additional properties; `true` means any value (additionalProperties: true). */
  additionalProperties?: StructuralSchema | true;
  /** additionalProperties: false (only legal without properties). */
  additionalPropertiesFalse?: boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: JsonValue[];
  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  multipleOf?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  maxProperties?: number;
  minProperties?: number;
  allOf?: StructuralSchema[];
  anyOf?: StructuralSchema[];
  oneOf?: StructuralSchema[];
  not?: StructuralSchema;
  xPreserveUnknownFields: boolean;
  xEmbeddedResource: boolean;
  xIntOrString: boolean;
  xListType?: string;
  xListMapKeys?: string[];
  xMapType?: string;
  xValidations?: ValidationRule[];
  /** The JSONSchemaProps this node came from. */
  raw: { [key: string]: JsonValue };
  /** Lazily filled caches (compiled regexes, compiled CEL rules). */
  cache: { pattern?: RegExp | null; cel?: unknown };
}

function isObj(v: unknown): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const cache = new WeakMap<object, StructuralSchema>();

/** Parses JSONSchemaProps JSON. Cached per input object identity (parse once per CRD version). */
export function toStructural(props: unknown): StructuralSchema {
  if (isObj(props)) {
    const hit = cache.get(props);
    if (hit) return hit;
    const s = parse(props);
    cache.set(props, s);
    return s;
  }
  return parse({});
}

function parse(p: { [key: string]: JsonValue }): StructuralSchema {
  const s: StructuralSchema = {
    nullable: p.nullable === true,
    hasDefault: 'default' in p,
    xPreserveUnknownFields: p['x-kubernetes-preserve-unknown-fields'] === true,
    xEmbeddedResource: p['x-kubernetes-embedded-resource'] === true,
    xIntOrString: p['x-kubernetes-int-or-string'] === true,
    raw: p,
    cache: {},
  };
  if (typeof p.type === 'string' && p.type) s.type = p.type;
  if (typeof p.format === 'string' && p.format) s.format = p.format;
  if (typeof p.title === 'string') s.title = p.title;
  if (typeof p.description === 'string') s.description = p.description;
  if (s.hasDefault) s.default = p.default;
  if (isObj(p.properties)) {
    s.properties = new Map();
    for (const [k, v] of Object.entries(p.properties)) s.properties.set(k, parse(isObj(v) ? v : {}));
  }
  if (p.additionalProperties === true) s.additionalProperties = true;
  else if (p.additionalProperties === false) s.additionalPropertiesFalse = true;
  else if (isObj(p.additionalProperties)) s.additionalProperties = parse(p.additionalProperties);
  if (isObj(p.items)) s.items = parse(p.items);
  if (Array.isArray(p.required)) s.required = p.required.filter((x): x is string => typeof x === 'string');
  if (Array.isArray(p.enum)) s.enum = p.enum;
  s.maximum = num(p.maximum);
  s.minimum = num(p.minimum);
  s.exclusiveMaximum = p.exclusiveMaximum === true;
  s.exclusiveMinimum = p.exclusiveMinimum === true;
  s.multipleOf = num(p.multipleOf);
  s.maxLength = num(p.maxLength);
  s.minLength = num(p.minLength);
  s.pattern = str(p.pattern) || undefined;
  s.maxItems = num(p.maxItems);
  s.minItems = num(p.minItems);
  s.uniqueItems = p.uniqueItems === true;
  s.maxProperties = num(p.maxProperties);
  s.minProperties = num(p.minProperties);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const v = p[k];
    if (Array.isArray(v) && v.length) s[k] = v.map((x) => parse(isObj(x) ? x : {}));
  }
  if (isObj(p.not)) s.not = parse(p.not);
  if (typeof p['x-kubernetes-list-type'] === 'string') s.xListType = p['x-kubernetes-list-type'];
  const mk = p['x-kubernetes-list-map-keys'];
  if (Array.isArray(mk)) s.xListMapKeys = mk.filter((x): x is string => typeof x === 'string');
  if (typeof p['x-kubernetes-map-type'] === 'string') s.xMapType = p['x-kubernetes-map-type'];
  const xv = p['x-kubernetes-validations'];
  if (Array.isArray(xv)) {
    s.xValidations = xv.filter(isObj).map((r) => {
      const rule: ValidationRule = { rule: str(r.rule) ?? '' };
      if (typeof r.message === 'string') rule.message = r.message;
      if (typeof r.messageExpression === 'string') rule.messageExpression = r.messageExpression;
      if (typeof r.reason === 'string') rule.reason = r.reason;
      if (typeof r.fieldPath === 'string') rule.fieldPath = r.fieldPath;
      if (typeof r.optionalOldSelf === 'boolean') rule.optionalOldSelf = r.optionalOldSelf;
      return rule;
    });
  }
  return s;
}

/** Schema for a map value / object property named `key` under `s` (properties first, then additionalProperties). */
export function childSchema(s: StructuralSchema | undefined, key: string): StructuralSchema | undefined {
  if (!s) return undefined;
  const p = s.properties?.get(key);
  if (p) return p;
  if (s.additionalProperties && s.additionalProperties !== true) return s.additionalProperties;
  return undefined;
}

/** Appends an object key to a field path the way field.Path.Child does. */
export function childPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
/** field.Path.Key: `base[key]`. */
export function keyPath(base: string, key: string): string {
  return `${base}[${key}]`;
}
export function indexPath(base: string, i: number): string {
  return `${base}[${i}]`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
