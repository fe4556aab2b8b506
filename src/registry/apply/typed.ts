// Operations on values typed by a TypeNode, as structured-merge-diff's typed/ package does them:
// validation, the field set of a value, comparing two values, merging an applied configuration
// onto a live object, and removing field sets from a value.
//
// Values are decoded JSON; `undefined` is an absent field (Go's nil Value), `null` a JSON null.
import type { JsonValue } from '../../api/types.js';
import {
  FieldSet,
  fieldPE,
  keyPE,
  peKey,
  peString,
  valueEquals,
  valuePE,
  type Path,
  type PathElement,
} from './fieldpath.js';
import { DEDUCED, type ListType, type MapType, type TypeNode } from './schema.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

type Atom = { kind: 'map'; map: MapType } | { kind: 'scalar' } | { kind: 'list'; list: ListType } | { kind: 'none' };

/** deduceAtom + handleAtom: which part of the type handles `v` (map first, then scalar, then list). */
function atomFor(t: TypeNode, v: unknown): Atom {
  if (v !== undefined) {
    if (isScalar(v) && t.scalar) return { kind: 'scalar' };
    if (Array.isArray(v) && t.list) return { kind: 'list', list: t.list };
    if (isObj(v) && t.map) return { kind: 'map', map: t.map };
  }
  if (t.map) return { kind: 'map', map: t.map };
  if (t.scalar) return { kind: 'scalar' };
  if (t.list) return { kind: 'list', list: t.list };
  return { kind: 'none' };
}

function sameAtom(a: Atom, b: Atom): boolean {
  return a.kind === b.kind;
}

/** The type of map key `key`: the declared field, else the element type (free-form when neither). */
function fieldType(m: MapType, key: string): TypeNode {
  return m.field(key) ?? m.elementType() ?? DEDUCED;
}

function entries(o: Obj): Array<[string, unknown]> {
  return Object.entries(o).filter(([, v]) => v !== undefined);
}

/** Does o have a field that is present (not undefined)? Without entries()' arrays: compare runs on every write. */
function hasEntries(o: Obj): boolean {
  for (const k in o) if (o[k] !== undefined) return true;
  return false;
}

/** The present fields of l, then those of r that l lacks (in order). */
function unionKeys(l: Obj | undefined, r: Obj | undefined): string[] {
  const keys: string[] = [];
  if (l) for (const k in l) if (l[k] !== undefined) keys.push(k);
  if (r) for (const k in r) if (r[k] !== undefined && (l === undefined || l[k] === undefined)) keys.push(k);
  return keys;
}

export class TypedError extends Error {}

/** The path element identifying a list item (listItemToPathElement); throws TypedError. */
export function listItemPE(list: ListType, item: unknown): PathElement {
  if (list.atomic) throw new TypedError('invalid indexing of non-associative list');
  if (list.keys.length > 0) {
    if (item === null) throw new TypedError('associative list with keys may not have a null element');
    if (!isObj(item)) throw new TypedError('associative list with keys may not have non-map elements');
    const fields: Array<[string, JsonValue]> = [];
    for (const k of list.keys) {
      if (item[k] !== undefined) {
        fields.push([k, item[k] as JsonValue]);
        continue;
      }
      const em = list.elementType().map;
      if (!em) throw new TypedError(`couldn't find default value for ${k}: associative list may not have non-map types`);
      const def = em.fieldDefault(k);
      if (def !== undefined && def !== null) fields.push([k, def]);
      else throw new TypedError(`associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
    }
    return keyPE(fields);
  }
  if (isObj(item)) throw new TypedError("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new TypedError('not supported: associative list with lists as elements');
  if (item === null) throw new TypedError("associative list without keys has an element that's an explicit null");
  return valuePE(item as JsonValue);
}

function tryListItemPE(list: ListType, item: unknown): PathElement | undefined {
  try {
    return listItemPE(list, item);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation (typed.AsTyped): the messages of structured-merge-diff's ValidationErrors

export interface ValidationError {
  path: string;
  message: string;
}

/** ValidationErrors.Error(): one "path: message", or "errors:\n  path: message..." */
export function validationErrorsString(errs: ValidationError[]): string {
  const one = (e: ValidationError) => (e.path ? `${e.path}: ${e.message}` : e.message);
  if (errs.length === 1) return one(errs[0]!);
  return ['errors:', ...errs.map((e) => '  ' + one(e))].join('\n');
}

function goTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (isObj(v)) return 'map[string]interface {}';
  return '<nil>';
}

function goValueV(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(goValueV).join(' ') + ']';
  if (isObj(v)) return 'map[' + Object.keys(v).sort().map((k) => `${k}:${goValueV(v[k])}`).join(' ') + ']';
  return '<nil>';
}

function validateScalar(t: TypeNode, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  switch (t.scalar) {
    case 'numeric':
      if (typeof v !== 'number') return `expected numeric (int or float), got ${goTypeName(v)}`;
      break;
    case 'string':
      if (typeof v !== 'string') return `expected string, got &value.valueUnstructured{Value:${typeof v === 'number' || typeof v === 'boolean' ? String(v) : goValueV(v)}}`;
      break;
    case 'boolean':
      if (typeof v !== 'boolean') return `expected boolean, got &{${goValueV(v)}}`;
      break;
    case 'untyped':
      if (!isScalar(v)) return `expected any scalar, got &{${goValueV(v)}}`;
      break;
  }
  return undefined;
}

/** Validates `v` against `t` (duplicates in sets/associative lists are errors unless allowed). */
export function validate(v: unknown, t: TypeNode, allowDuplicates = false): ValidationError[] {
  const errs: ValidationError[] = [];
  walkValidate(v, t, '', allowDuplicates, errs);
  return errs;
}

function walkValidate(v: unknown, t: TypeNode, path: string, allowDup: boolean, errs: ValidationError[]): void {
  const a = atomFor(t, v);
  switch (a.kind) {
    case 'none':
      errs.push({ path, message: 'schema error: invalid atom: inlined' });
      return;
    case 'scalar': {
      const m = validateScalar(t, v);
      if (m) errs.push({ path, message: m });
      return;
    }
    case 'list': {
      if (v === null || v === undefined) return;
      if (!Array.isArray(v)) {
        errs.push({ path, message: `expected list, got ${goValueV(v)}` });
        return;
      }
      const seen = new Set<string>();
      for (let i = 0; i < v.length; i++) {
        const child = v[i];
        let pe: PathElement;
        if (a.list.atomic) pe = { kind: 'index', index: i };
        else {
          try {
            pe = listItemPE(a.list, child);
          } catch (e) {
            errs.push({ path, message: `element ${i}: ${(e as Error).message}` });
            return;
          }
          const k = peKey(pe);
          if (seen.has(k) && !allowDup) errs.push({ path, message: `duplicate entries for key ${peString(pe)}` });
          seen.add(k);
        }
        walkValidate(child, a.list.elementType(), path + peString(pe), allowDup, errs);
      }
      return;
    }
    case 'map': {
      if (v === null || v === undefined) return;
      if (!isObj(v)) {
        errs.push({ path, message: `expected map, got ${goValueV(v)}` });
        return;
      }
      for (const [k, child] of entries(v)) {
        const pe = '.' + k;
        const ft = a.map.field(k) ?? a.map.elementType();
        if (!ft) {
          errs.push({ path: path + pe, message: 'field not declared in schema' });
          return;
        }
        walkValidate(child, ft, path + pe, allowDup, errs);
      }
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ToFieldSet

/** The set of fields `v` sets (typed.TypedValue.ToFieldSet). */
export function toFieldSet(v: unknown, t: TypeNode): FieldSet {
  const set = new FieldSet();
  walkToFieldSet(v, t, [], set);
  return set;
}

function walkToFieldSet(v: unknown, t: TypeNode, path: PathElement[], set: FieldSet): void {
  const a = atomFor(t, v);
  switch (a.kind) {
    case 'scalar':
      set.insert(path);
      return;
    case 'list': {
      if (a.list.atomic) {
        set.insert(path);
        return;
      }
      if (!Array.isArray(v)) return;
      const seen = new Set<string>();
      const dups = new Set<string>();
      const pes = v.map((item) => tryListItemPE(a.list, item));
      for (const pe of pes) {
        if (!pe) continue;
        const k = peKey(pe);
        if (seen.has(k)) {
          if (!dups.has(k)) {
            set.insert([...path, pe]);
            dups.add(k);
          }
        } else seen.add(k);
      }
      for (let i = 0; i < v.length; i++) {
        const pe = pes[i];
        if (!pe || dups.has(peKey(pe))) continue;
        const p2 = [...path, pe];
        walkToFieldSet(v[i], a.list.elementType(), p2, set);
        set.insert(p2);
      }
      return;
    }
    case 'map': {
      if (a.map.atomic) {
        set.insert(path);
        return;
      }
      if (!isObj(v)) return;
      for (const [k, child] of entries(v)) {
        const p2 = [...path, fieldPE(k)];
        walkToFieldSet(child, fieldType(a.map, k), p2, set);
        if (child === null || (isObj(child) && !hasEntries(child))) set.insert(p2);
        else if (!a.map.field(k)) set.insert(p2);
      }
      return;
    }
    default:
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Compare

export interface Comparison {
  removed: FieldSet;
  modified: FieldSet;
  added: FieldSet;
}

/** The fields removed, modified and added going from `lhs` to `rhs` (typed.TypedValue.Compare). */
export function compare(lhs: unknown, rhs: unknown, t: TypeNode): Comparison {
  const c: Comparison = { removed: new FieldSet(), modified: new FieldSet(), added: new FieldSet() };
  walkCompare(lhs, rhs, t, [], c);
  return c;
}

interface LeafState {
  inLeaf: boolean;
}

function walkCompare(lhs: unknown, rhs: unknown, t: TypeNode, path: PathElement[], c: Comparison): void {
  if (lhs === undefined && rhs === undefined) return;
  const al = atomFor(t, lhs);
  const ar = atomFor(t, rhs);
  const st: LeafState = { inLeaf: false };
  if (rhs === undefined) compareAtom(al, lhs, rhs, t, path, c, st);
  else if (lhs === undefined || sameAtom(al, ar)) compareAtom(ar, lhs, rhs, t, path, c, st);
  else {
    compareAtom(al, lhs, rhs, t, path, c, { inLeaf: st.inLeaf });
    compareAtom(ar, lhs, rhs, t, path, c, st);
  }
  if (!st.inLeaf) {
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
  }
}

function compareLeaf(lhs: unknown, rhs: unknown, path: PathElement[], c: Comparison, st: LeafState): void {
  if (st.inLeaf) return;
  st.inLeaf = true;
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (!valueEquals(rhs, lhs)) c.modified.insert(path);
}

function asList(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

function asMap(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

function compareAtom(a: Atom, lhs: unknown, rhs: unknown, t: TypeNode, path: PathElement[], c: Comparison, st: LeafState): void {
  switch (a.kind) {
    case 'scalar':
      compareLeaf(lhs, rhs, path, c, st);
      return;
    case 'list': {
      const l = asList(lhs);
      const r = asList(rhs);
      const empty = (!l || l.length === 0) && (!r || r.length === 0);
      if (a.list.atomic || empty) {
        compareLeaf(lhs, rhs, path, c, st);
        return;
      }
      compareListItems(a.list, l ?? [], r ?? [], path, c);
      return;
    }
    case 'map': {
      const l = asMap(lhs);
      const r = asMap(rhs);
      const empty = (!l || !hasEntries(l)) && (!r || !hasEntries(r));
      if (a.map.atomic || empty) {
        compareLeaf(lhs, rhs, path, c, st);
        return;
      }
      for (const k of unionKeys(l, r)) {
        walkCompare(l?.[k], r?.[k], fieldType(a.map, k), [...path, fieldPE(k)], c);
      }
      return;
    }
    default:
      return;
  }
}

function compareListItems(list: ListType, lhs: unknown[], rhs: unknown[], path: PathElement[], c: Comparison): void {
  const order: PathElement[] = [];
  const lValues = new Map<string, unknown[]>();
  const rValues = new Map<string, unknown[]>();
  for (const item of lhs) {
    const pe = tryListItemPE(list, item);
    if (!pe) continue;
    const k = peKey(pe);
    const cur = lValues.get(k);
    if (cur) cur.push(item);
    else {
      lValues.set(k, [item]);
      order.push(pe);
    }
  }
  for (const item of rhs) {
    const pe = tryListItemPE(list, item);
    if (!pe) continue;
    const k = peKey(pe);
    const cur = rValues.get(k);
    if (cur) cur.push(item);
    else {
      rValues.set(k, [item]);
      if (!lValues.has(k)) order.push(pe);
    }
  }
  const elem = list.elementType();
  for (const pe of order) {
    const k = peKey(pe);
    const ll = lValues.get(k) ?? [];
    const rl = rValues.get(k) ?? [];
    const p2 = [...path, pe];
    if (ll.length === 0 && rl.length === 0) return;
    if (ll.length <= 1 && rl.length <= 1) {
      walkCompare(ll[0], rl[0], elem, p2, c);
    } else if (ll.length >= 2 && rl.length >= 2) {
      const same = ll.length === rl.length && ll.every((x, i) => valueEquals(x, rl[i]));
      if (!same) c.modified.insert(p2);
    } else if (ll.length >= 2) {
      if (rl.length !== 0) walkCompare(undefined, rl[0], elem, p2, c);
      c.removed.insert(p2);
    } else {
      if (ll.length !== 0) walkCompare(ll[0], undefined, elem, p2, c);
      c.added.insert(p2);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Merge (the applied configuration onto the live object: the right-hand side wins at leaves)

/** Merges `rhs` (the applied configuration) onto `lhs` (the live object); throws TypedError. */
export function merge(lhs: unknown, rhs: unknown, t: TypeNode): unknown {
  return walkMerge(lhs, rhs, t);
}

function walkMerge(lhs: unknown, rhs: unknown, t: TypeNode): unknown {
  if (lhs === undefined && rhs === undefined) throw new TypedError('at least one of lhs and rhs must be provided');
  const al = atomFor(t, lhs);
  const ar = atomFor(t, rhs);
  const st: LeafState = { inLeaf: false };
  if (rhs === undefined) return mergeAtom(al, lhs, rhs, st);
  if (lhs === undefined || sameAtom(al, ar)) return mergeAtom(ar, lhs, rhs, st);
  mergeAtom(al, lhs, rhs, { inLeaf: false });
  return mergeAtom(ar, lhs, rhs, st);
}

function keepRHS(lhs: unknown, rhs: unknown, st: LeafState): unknown {
  if (st.inLeaf) return undefined;
  st.inLeaf = true;
  return rhs !== undefined ? structuredClone(rhs) : lhs !== undefined ? structuredClone(lhs) : undefined;
}

function mergeAtom(a: Atom, lhs: unknown, rhs: unknown, st: LeafState): unknown {
  switch (a.kind) {
    case 'scalar':
      return keepRHS(lhs, rhs, st);
    case 'list': {
      const l = asList(lhs);
      const r = asList(rhs);
      const empty = (!l || l.length === 0) && (!r || r.length === 0);
      if (a.list.atomic || empty) return keepRHS(lhs, rhs, st);
      return mergeListItems(a.list, l, r);
    }
    case 'map': {
      const l = asMap(lhs);
      const r = asMap(rhs);
      const empty = (!l || !hasEntries(l)) && (!r || !hasEntries(r));
      if (a.map.atomic || empty) return keepRHS(lhs, rhs, st);
      const out: Obj = {};
      for (const k of unionKeys(l, r)) {
        const m = walkMerge(l?.[k], r?.[k], fieldType(a.map, k));
        if (m !== undefined) out[k] = m;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    default:
      return undefined;
  }
}

interface Indexed {
  pes: PathElement[];
  items: unknown[];
  observed: Map<string, unknown>;
}

function indexList(list: ListType, items: unknown[] | undefined, allowDuplicates: boolean): Indexed {
  const out: Indexed = { pes: [], items: [], observed: new Map() };
  for (let i = 0; i < (items?.length ?? 0); i++) {
    const child = items![i];
    const pe = listItemPE(list, child);
    const k = peKey(pe);
    if (out.observed.has(k)) {
      if (!allowDuplicates) throw new TypedError(`duplicate entries for key ${peString(pe)}`);
      out.observed.set(k, null);
    } else out.observed.set(k, child);
    out.pes.push(pe);
    out.items.push(child);
  }
  return out;
}

function mergeListItems(list: ListType, lhs: unknown[] | undefined, rhs: unknown[] | undefined): unknown {
  const R = indexList(list, rhs, false);
  const L = indexList(list, lhs, true);
  const elem = list.elementType();
  const out: unknown[] = [];
  const shared = R.pes.filter((pe) => L.observed.has(peKey(pe)));
  let nextShared: PathElement | undefined = shared.shift();
  const mergedRHS = new Set<string>();
  const push = (l: unknown, r: unknown) => {
    const m = walkMerge(l, r, elem);
    if (m !== undefined) out.push(m);
  };
  let lI = 0;
  let rI = 0;
  const lLen = L.pes.length;
  const rLen = R.pes.length;
  while (lI < lLen || rI < rLen) {
    if (lI < lLen && rI < rLen) {
      const pe = L.pes[lI]!;
      const k = peKey(pe);
      if (k === peKey(R.pes[rI]!)) {
        mergedRHS.add(k);
        push(L.observed.get(k), R.observed.get(k));
        lI++;
        rI++;
        nextShared = shared.shift();
        continue;
      }
      if (R.observed.has(k) && nextShared && peKey(nextShared) !== k) {
        lI++;
        continue;
      }
    }
    if (lI < lLen) {
      const k = peKey(L.pes[lI]!);
      if (!R.observed.has(k)) {
        push(L.items[lI], undefined);
        lI++;
        continue;
      } else if (mergedRHS.has(k)) {
        lI++;
      }
    }
    if (rI < rLen) {
      const pe = R.pes[rI]!;
      const k = peKey(pe);
      mergedRHS.add(k);
      push(L.observed.get(k), R.observed.get(k));
      rI++;
      if (nextShared && peKey(nextShared) === k) nextShared = shared.shift();
    }
  }
  return out.length > 0 ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// RemoveItems

/** `v` without the fields in `toRemove` (typed.TypedValue.RemoveItems). */
export function removeItems(v: unknown, toRemove: FieldSet, t: TypeNode): unknown {
  const a = atomFor(t, v);
  switch (a.kind) {
    case 'scalar':
      return v === undefined ? null : v;
    case 'list': {
      if (!Array.isArray(v) || v.length === 0 || a.list.atomic) return null;
      const out: unknown[] = [];
      for (const item0 of v) {
        let item = item0;
        const pe = tryListItemPE(a.list, item);
        if (pe && toRemove.has([pe])) continue;
        if (pe) {
          const sub = toRemove.withPrefix(pe);
          if (!sub.isEmpty()) item = removeItems(item, sub, a.list.elementType());
        }
        out.push(item);
      }
      return out.length > 0 ? out : null;
    }
    case 'map': {
      if (!isObj(v) || entries(v).length === 0 || a.map.atomic) return null;
      const out: Obj = {};
      for (const [k, val0] of entries(v)) {
        let val = val0;
        const pe = fieldPE(k);
        if (toRemove.has([pe])) continue;
        const sub = toRemove.withPrefix(pe);
        if (!sub.isEmpty()) val = removeItems(val, sub, fieldType(a.map, k));
        out[k] = val;
      }
      return Object.keys(out).length > 0 ? out : null;
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// EnsureNamedFieldsAreMembers

/** Adds as members the declared struct fields that only appear as parents of other paths. */
export function ensureNamedFieldsAreMembers(s: FieldSet, t: TypeNode | undefined): FieldSet {
  const out = new FieldSet();
  for (const pe of s.memberElements()) out.insert([pe]);
  const m = t?.map;
  const l = t?.list;
  for (const { pe, set } of s.childEntries()) {
    let ct: TypeNode | undefined;
    if (pe.kind === 'field' && m) {
      const declared = m.field(pe.name);
      if (declared) out.insert([pe]);
      ct = declared ?? m.elementType();
    } else if (pe.kind === 'key' && l) ct = l.elementType();
    const sub = ensureNamedFieldsAreMembers(set, ct);
    for (const p of sub.paths()) out.insert([pe, ...p]);
  }
  return out;
}

export type { Path };
