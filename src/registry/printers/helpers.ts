// Small helpers shared by the printers: safe access into decoded JSON objects, and the formatting
// helpers kube's printers call (labels.FormatLabels, metav1.FormatLabelSelector, layoutContainerCells, ...).

import { labelSelectorObjectToString } from '../selectors/labels.js';
import type { KObject } from '../../api/types.js';
import { doc } from './descriptions.js';
import type { TableColumnDefinition } from './types.js';

export type JObj = Record<string, unknown>;

export function isObj(v: unknown): v is JObj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at v, or an empty object (Go's zero-valued struct). */
export function obj(v: unknown): JObj {
  return isObj(v) ? v : {};
}

/** The array at v, or an empty array (Go's nil slice). */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Array of objects (non-objects become empty objects, as Go would decode them to zero structs). */
export function objs(v: unknown): JObj[] {
  return arr(v).map(obj);
}

/** A string field, or "" (Go's zero string). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A number field, or 0. */
export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** A boolean field, or false. */
export function bool(v: unknown): boolean {
  return v === true;
}

/** A string map (labels, selectors, nodeSelector...). */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, val] of Object.entries(v)) out[k] = str(val);
  return out;
}

/** The number of keys of a JSON map (len() of a Go map). */
export function mapLen(v: unknown): number {
  return isObj(v) ? Object.keys(v).length : 0;
}

export function metadata(o: KObject): JObj {
  return obj(o.metadata);
}

export function nameOf(o: KObject): string {
  return str(metadata(o).name);
}

export function spec(o: KObject): JObj {
  return obj(o.spec);
}

export function status(o: KObject): JObj {
  return obj(o.status);
}

export function hasDeletionTimestamp(o: KObject): boolean {
  const d = metadata(o).deletionTimestamp;
  return d !== undefined && d !== null;
}

/** Go string ordering (byte-wise for the ASCII data that label keys/values are made of). */
export function goCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** sets.NewString(...).List(): unique and sorted. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(goCompare);
}

/** labels.FormatLabels: "k=v" pairs sorted, joined with ","; "<none>" when empty. */
export function formatLabels(v: unknown): string {
  const m = strMap(v);
  const pairs = Object.entries(m).map(([k, val]) => `${k}=${val}`).sort(goCompare);
  const l = pairs.join(',');
  return l === '' ? '<none>' : l;
}

// ---- label selectors (metav1.LabelSelectorAsSelector + labels.Selector.String) ----

/**
 * metav1.LabelSelectorAsSelector(sel).String(). Returns null when the selector is invalid (Go returns an error).
 * A nil selector is labels.Nothing() and an empty one labels.Everything(): both print "".
 */
export function labelSelectorString(sel: unknown): string | null {
  if (!isObj(sel)) return '';
  try {
    return labelSelectorObjectToString(sel);
  } catch {
    return null;
  }
}

/** metav1.FormatLabelSelector: "<error>" for an invalid selector, "<none>" for an empty one. */
export function formatLabelSelector(sel: unknown): string {
  const s = labelSelectorString(sel);
  if (s === null) return '<error>';
  return s === '' ? '<none>' : s;
}

/** (*metav1.LabelSelector).String(): the gogo-protobuf generated debug string. */
export function labelSelectorGoString(sel: JObj): string {
  const exprs = objs(sel.matchExpressions)
    .map((e) => `LabelSelectorRequirement{Key:${str(e.key)},Operator:${str(e.operator)},Values:[${arr(e.values).map(str).join(' ')}],},`)
    .join('');
  const ml = strMap(sel.matchLabels);
  const labels = Object.keys(ml)
    .sort(goCompare)
    .map((k) => `${k}: ${ml[k]},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

/** layoutContainerCells: container names and images, each joined with ",". */
export function layoutContainerCells(containers: unknown): [string, string] {
  const cs = objs(containers);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}

/** resource.Quantity.String() of an optional quantity: "<nil>" for a nil pointer. */
export function quantityPtr(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  return quantity(v);
}

/** resource.Quantity.String() of a (non-pointer) quantity: "0" when unset. The JSON form is taken as canonical. */
export function quantity(v: unknown): string {
  if (typeof v === 'string') return v === '' ? '0' : v;
  if (typeof v === 'number') return String(v);
  return '0';
}

/** intstr.IntOrString.String(). */
export function intOrString(v: unknown): string {
  if (typeof v === 'number') return String(Math.trunc(v));
  if (typeof v === 'string') return v;
  return '<nil>';
}

/** printBoolPtr: "True"/"False", or "<unset>" for nil. */
export function printBoolPtr(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return '<unset>';
}

// ---- column helpers ----

export function col(name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}

export const NAME_DOC = doc('meta/v1.ObjectMeta.name');
export const AGE_DOC = doc('meta/v1.ObjectMeta.creationTimestamp');

/** {Name: "Name", Type: "string", Format: "name", Description: ObjectMeta name}. */
export function nameCol(priority = 0): TableColumnDefinition {
  return col('Name', 'string', NAME_DOC, priority, 'name');
}

/** {Name: "Age", Type: "string", Description: ObjectMeta creationTimestamp}. */
export function ageCol(): TableColumnDefinition {
  return col('Age', 'string', AGE_DOC);
}

export const CONTAINERS_DESC = 'Names of each container in the template.';
export const IMAGES_DESC = 'Images referenced by each container in the template.';
