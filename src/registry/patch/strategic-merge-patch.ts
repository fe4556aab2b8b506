// Strategic merge patch for built-in types, following k8s.io/apimachinery/pkg/util/strategicpatch
// (release-1.32: StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls) and
// kube-apiserver's error mapping (interpretStrategicMergePatchError in handlers/patch.go).
// Patch metadata (merge keys, strategies) comes from the OpenAPI v2 extensions, which are generated
// from the same Go struct tags the apiserver reads.
import type { KObject } from '../../api/types.js';
import { StatusError, badRequest } from '../../api/errors.js';
import { GoJsonError, decodeBody, deepClone, goS, goTypeName, goV, isObject, jsonKind } from './gojson.js';
import { patchApplyError } from './json-patch.js';
import { SchemaNode, schemaFor } from './schema.js';

const directiveMarker = '$patch';
const deleteDirective = 'delete';
const replaceDirective = 'replace';
const mergeDirective = 'merge';
const retainKeysStrategy = 'retainKeys';
const deleteFromPrimitiveListDirectivePrefix = '$deleteFromPrimitiveList';
const retainKeysDirective = '$' + retainKeysStrategy;
const setElementOrderDirectivePrefix = '$setElementOrder';

// mergepatch errors
export const ErrBadJSONDoc = 'invalid JSON document';
export const ErrNoListOfLists = 'lists of lists are not supported';
export const ErrBadPatchFormatForPrimitiveList = 'invalid patch format of primitive list';
export const ErrBadPatchFormatForRetainKeys = 'invalid patch format of retainKeys';
export const ErrBadPatchFormatForSetElementOrderList = 'invalid patch format of setElementOrder list';
export const ErrPatchContentNotMatchRetainKeys = "patch content doesn't match retainKeys list";
export const ErrUnsupportedStrategicMergePatchFormat = 'strategic merge patch format is not supported';

/** An error from the strategicpatch package; the message is the Go error text. */
export class SmpError extends Error {}

const BAD_REQUEST_ERRORS = new Set([
  ErrBadJSONDoc,
  ErrBadPatchFormatForPrimitiveList,
  ErrBadPatchFormatForRetainKeys,
  ErrBadPatchFormatForSetElementOrderList,
  ErrUnsupportedStrategicMergePatchFormat,
]);
const UNPROCESSABLE_ERRORS = new Set([ErrNoListOfLists, ErrPatchContentNotMatchRetainKeys]);

/** interpretStrategicMergePatchError: 400 / 422 for the known errors, else the bare error (a 500 with no reason). */
export function interpretSmpError(e: SmpError): StatusError {
  if (BAD_REQUEST_ERRORS.has(e.message)) return badRequest(e.message);
  if (UNPROCESSABLE_ERRORS.has(e.message)) return patchApplyError();
  return new StatusError(500, '', e.message);
}

type JMap = Record<string, unknown>;

const errNoMergeKey = (m: JMap, k: string) => new SmpError(`map: ${goV(m)} does not contain declared merge key: ${k}`);
const errBadArgType = (expected: string, actual: unknown) =>
  new SmpError(`expected a ${expected}, but received a ${actual === null || actual === undefined ? '%!s(<nil>)' : goTypeName(actual)}`);
const errBadPatchType = (t: unknown, m: JMap) => new SmpError(`unknown patch type: ${goS(t)} in map: ${goV(m)}`);
const MAP_T = 'map[string]interface {}';
const SLICE_T = '[]interface {}';

// ---------------------------------------------------------------------------------------------
// Patch metadata lookup (PatchMetaFromStruct semantics over OpenAPI schemas).

interface PatchMeta {
  strategies: string[];
  mergeKey: string;
}

class Lookup {
  constructor(readonly node: SchemaNode | undefined) {}

  /** reflect Kind().String() of the Go type. */
  name(): string {
    const n = this.node;
    if (!n) return 'interface';
    switch (n.kind) {
      case 'struct':
        return 'struct';
      case 'map':
        return 'map';
      case 'array':
        return 'slice';
      case 'scalar':
        return n.type === 'integer' ? (n.schema.format === 'int32' ? 'int32' : 'int64') : n.type === 'number' ? 'float64' : n.type === 'boolean' ? 'bool' : 'string';
      default:
        return 'interface';
    }
  }

  forStruct(key: string): [Lookup, PatchMeta] {
    const n = this.node;
    if (!n || n.kind !== 'struct') {
      throw new SmpError(`merging an object in json but data type is not struct, instead is: ${this.name()}`);
    }
    let prop = n.property(key);
    if (!prop) {
      const folded = n.propertyNames.find((p) => p.toLowerCase() === key.toLowerCase());
      if (folded !== undefined) prop = n.property(folded);
    }
    if (!prop) throw new SmpError(`unable to find api field in struct ${n.goName} for the json field ${JSON.stringify(key)}`);
    const strategy = prop.patchStrategy ?? '';
    return [new Lookup(prop), { strategies: strategy.split(','), mergeKey: prop.patchMergeKey ?? '' }];
  }

  forSlice(key: string): [Lookup, PatchMeta] {
    const [sub, meta] = this.forStruct(key);
    const n = sub.node;
    // A pointer-typed field (e.g. *MergeItem) is looked through in Go; OpenAPI cannot tell pointers
    // apart, so struct-typed fields are treated that way.
    if (n && n.kind === 'struct') return [sub, meta];
    if (!n || n.kind !== 'array') throw new SmpError(`expected slice or array type, but got: ${this.name()}`);
    const items = n.items();
    if (items && items.kind === 'array') throw new SmpError('unexpected slice of slice');
    return [new Lookup(items), meta];
  }
}

function extractRetainKeysPatchStrategy(strategies: string[]): string {
  switch (strategies.length) {
    case 0:
      return '';
    case 1:
      return strategies[0] === retainKeysStrategy ? '' : strategies[0]!;
    case 2:
      if (strategies[0] === retainKeysStrategy) return strategies[1]!;
      if (strategies[1] === retainKeysStrategy) return strategies[0]!;
      throw new SmpError(`unexpected patch strategy: [${strategies.join(' ')}]`);
    default:
      throw new SmpError(`unexpected patch strategy: [${strategies.join(' ')}]`);
  }
}

// ---------------------------------------------------------------------------------------------
// Go-semantics helpers

/** The Go dynamic type of a decoded value, for reflect.TypeOf comparisons. */
function goType(v: unknown): string {
  return goTypeName(v);
}
function goKind(v: unknown): 'map' | 'slice' | 'other' {
  if (Array.isArray(v)) return 'slice';
  if (isObject(v)) return 'map';
  return 'other';
}

/** Go `==` on interface{} values holding scalars (maps/slices would panic in Go; they never match here). */
function ifaceEq(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a === 'number' && typeof b === 'number') return a === b && Number.isInteger(a) === Number.isInteger(b);
  if (typeof a === 'object' && a !== null) return a === b;
  return a === b;
}

function has(m: JMap, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

/** sort.SliceStable with Go's exact algorithm (insertion sort blocks of 20 + SymMerge). */
function goSliceStable<T>(data: T[], less: (i: number, j: number) => boolean): void {
  const swap = (i: number, j: number) => {
    const t = data[i]!;
    data[i] = data[j]!;
    data[j] = t;
  };
  const insertionSort = (a: number, b: number) => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && less(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, n: number) => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number) => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (less(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!less(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!less(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };
  const n = data.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}

/**
 * A Go slice over a shared backing array. kube's list merging appends into and deletes from the
 * live list's backing array, which a caller ($setElementOrder handling) still reads through its
 * own (longer) slice header; emulating that keeps element ordering identical to kube's.
 */
class GoSlice {
  constructor(
    public backing: unknown[],
    public len: number,
  ) {}
  static of(a: unknown[]): GoSlice {
    return new GoSlice(a, a.length);
  }
  get(i: number): unknown {
    return this.backing[i];
  }
  set(i: number, v: unknown): void {
    this.backing[i] = v;
  }
  /** s = append(s[:k], s[k+1:]...) */
  deleteAt(k: number): void {
    for (let i = k; i < this.len - 1; i++) this.backing[i] = this.backing[i + 1];
    this.len--;
  }
  /** s = append(s, v): in place while capacity (the backing array's length) allows. */
  append(v: unknown): void {
    if (this.len < this.backing.length) {
      this.backing[this.len++] = v;
    } else {
      this.backing = this.backing.slice(0, this.len);
      this.backing.push(v);
      this.len++;
    }
  }
  toArray(): unknown[] {
    return this.backing.slice(0, this.len);
  }
}

// ---------------------------------------------------------------------------------------------
// The algorithm


function handleDirectiveInMergeMap(directive: unknown, patch: JMap): JMap {
  if (directive === replaceDirective) {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === deleteDirective) return {};
  throw errBadPatchType(directive, patch);
}

function containsDirectiveMarker(item: unknown): boolean {
  return isObject(item) && has(item, directiveMarker);
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey.length === 0) return ifaceEq(left, right);
  if (!isObject(left)) throw errBadArgType(MAP_T, left);
  if (!isObject(right)) throw errBadArgType(MAP_T, right);
  if (!has(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return ifaceEq(left[mergeKey], right[mergeKey]);
}

function extractKey(s: string, prefix: string): string {
  const idx = s.indexOf('/');
  if (idx < 0 || s.slice(0, idx) !== prefix) {
    if (prefix === deleteFromPrimitiveListDirectivePrefix) throw new SmpError(ErrBadPatchFormatForPrimitiveList);
    if (prefix === setElementOrderDirectivePrefix) throw new SmpError(ErrBadPatchFormatForSetElementOrderList);
    throw new SmpError(`fail to find unknown prefix ${JSON.stringify(prefix)} in ${s}\n`);
  }
  return s.slice(idx + 1);
}

function extractToDeleteItems(l: unknown[]): [unknown[], unknown[]] {
  const nonDelete: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of l) {
    if (!isObject(v)) throw errBadArgType(MAP_T, v);
    if (has(v, directiveMarker) && v[directiveMarker] === deleteDirective) toDelete.push(v);
    else nonDelete.push(v);
  }
  return [nonDelete, toDelete];
}

function validatePatchWithSetOrderList(patchList: unknown[] | undefined, setOrderList: unknown[], mergeKey: string): void {
  // a nil patch list type-asserts to []interface{} in Go; anything else was rejected by the caller
  const typedPatchList = patchList ?? [];
  if (setOrderList.length === 0 || typedPatchList.length === 0) return;
  const nonDeleteList = mergeKey.length > 0 ? extractToDeleteItems(typedPatchList)[0] : typedPatchList;
  let patchIndex = 0;
  let setOrderIndex = 0;
  while (patchIndex < nonDeleteList.length && setOrderIndex < setOrderList.length) {
    if (containsDirectiveMarker(nonDeleteList[patchIndex])) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(nonDeleteList[patchIndex], setOrderList[setOrderIndex], mergeKey)) patchIndex++;
    setOrderIndex++;
  }
  if (patchIndex < nonDeleteList.length && setOrderIndex >= setOrderList.length) {
    throw new SmpError(
      `The order in patch list:\n${goV(typedPatchList)}\n doesn't match ${setElementOrderDirectivePrefix} list:\n${goV(setOrderList)}\n`,
    );
  }
}

function applyRetainKeysDirective(original: JMap, patch: JMap): void {
  if (!has(patch, retainKeysDirective)) return;
  const retainKeysInPatch = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retainKeysInPatch)) throw new SmpError(ErrBadPatchFormatForRetainKeys);
  const keep = (k: string) => retainKeysInPatch.some((x) => ifaceEq(x, k));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListDirectivePrefix) || k.startsWith(setElementOrderDirectivePrefix)) continue;
    if (!keep(k)) throw new SmpError(ErrBadPatchFormatForRetainKeys);
  }
  for (const k of Object.keys(original)) if (!keep(k)) delete original[k];
}

function indexIn(l: readonly unknown[], valToLookUp: unknown, mergeKey: string, isMap: boolean): number {
  const getVal = isMap ? (item: unknown) => (isObject(item) ? (has(item, mergeKey) ? item[mergeKey] : null) : null) : (item: unknown) => item;
  const want = getVal(valToLookUp);
  for (let i = 0; i < l.length; i++) if (ifaceEq(want, getVal(l[i]))) return i;
  return -1;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType(MAP_T, item);
      if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

function normalizeSliceOrder(toSort: unknown[], order: readonly unknown[], mergeKey: string, isMap: boolean): unknown[] {
  let toDelete: unknown[] = [];
  if (isMap) {
    validateMergeKeyInLists(mergeKey, toSort, order as unknown[]);
    [toSort, toDelete] = extractToDeleteItems(toSort);
  }
  goSliceStable(toSort, (i, j) => {
    const ii = indexIn(order, toSort[i], mergeKey, isMap);
    if (ii >= 0) {
      const ij = indexIn(order, toSort[j], mergeKey, isMap);
      if (ij >= 0) return ii < ij;
    }
    return true;
  });
  return toSort.concat(toDelete);
}

function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: readonly unknown[], mergeKey: string, isMap: boolean): unknown[] {
  const less = (l: unknown, r: unknown): [boolean, boolean] => {
    const li = indexIn(serverOrder, l, mergeKey, isMap);
    const ri = indexIn(serverOrder, r, mergeKey, isMap);
    if (li >= 0 && ri >= 0) return [li < ri, true];
    return [false, false];
  };
  const size = left.length + right.length;
  let i = 0;
  let j = 0;
  const s: unknown[] = [];
  for (let k = 0; k < size; k++) {
    if (i >= left.length && j < right.length) {
      s.push(right[j++]);
    } else if (j >= right.length && i < left.length) {
      s.push(left[i++]);
    } else {
      const [isLess, foundBoth] = less(left[i], right[j]);
      if (foundBoth && isLess) s.push(left[i++]);
      else s.push(right[j++]);
    }
  }
  return s;
}

function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  isMap: boolean,
): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, isMap);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, isMap);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, isMap);
}

function partitionPrimitivesByPresentInList(original: unknown[], partitionBy: readonly unknown[]): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of original) {
    if (partitionBy.some((x) => ifaceEq(x, v))) patch.push(v);
    else serverOnly.push(v);
  }
  return [patch, serverOnly];
}

function findMapInSliceBasedOnKeyValue(m: readonly unknown[], key: string, value: unknown): [JMap | undefined, number, boolean] {
  for (let k = 0; k < m.length; k++) {
    const v = m[k];
    if (!isObject(v)) throw new SmpError(`value for key ${k} is not a map`);
    if (has(v, key) && ifaceEq(v[key], value)) return [v, k, true];
  }
  return [undefined, 0, false];
}

function partitionMapsByPresentInList(original: unknown[], partitionBy: readonly unknown[], mergeKey: string): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of original) {
    if (!isObject(v)) throw errBadArgType(MAP_T, v);
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    const [, , found] = findMapInSliceBasedOnKeyValue(partitionBy, mergeKey, v[mergeKey]);
    if (found) patch.push(v);
    else serverOnly.push(v);
  }
  return [patch, serverOnly];
}

/** Removes maps carrying $patch (recursively); returns [value, keep]. Mutates maps in place. */
function removeDirectives(obj: unknown): [unknown, boolean] {
  if (obj === null || obj === undefined) return [obj, true];
  if (isObject(obj)) {
    if (has(obj, directiveMarker)) return [null, false];
    for (const [k, v] of Object.entries(obj)) {
      const [nv, keep] = removeDirectives(v);
      if (!keep) delete obj[k];
      else obj[k] = nv;
    }
    return [obj, true];
  }
  if (Array.isArray(obj)) {
    const res: unknown[] = [];
    for (const v of obj) {
      const [nv, keep] = removeDirectives(v);
      if (keep) res.push(nv);
    }
    return [res, true];
  }
  return [obj, true];
}

function discardNullValuesFromPatch(v: unknown): void {
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else discardNullValuesFromPatch(x);
    }
  } else if (Array.isArray(v)) {
    for (const x of v) discardNullValuesFromPatch(x);
  }
}

/** Returns [elementType, isMap] like sliceElementType; throws for mixed types or lists of lists. */
function sliceElementType(...slices: (readonly unknown[] | undefined)[]): string {
  let prev: string | undefined;
  for (const s of slices) {
    for (const v of s ?? []) {
      const cur = goType(v);
      if (prev === undefined) {
        prev = cur;
        if (Array.isArray(v)) throw new SmpError(ErrNoListOfLists);
      } else if (prev !== cur) {
        throw new SmpError(`list element types are not identical: [${slices.map((x) => goV(x ?? [])).join(' ')}]`);
      }
    }
  }
  if (prev === undefined) throw new SmpError('no elements in any of the given slices');
  return prev;
}

function mergePatchIntoOriginal(original: JMap, patch: JMap, schema: Lookup): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderDirectivePrefix)) continue;
    if (!has(patch, key)) continue;
    const setElementOrderInPatch = patch[key];
    delete patch[key];

    if (!Array.isArray(setElementOrderInPatch)) throw errBadArgType(SLICE_T, setElementOrderInPatch);
    const typedSetElementOrderList = setElementOrderInPatch;
    const originalKey = extractKey(key, setElementOrderDirectivePrefix);
    const foundOriginal = has(original, originalKey);
    const foundPatch = has(patch, originalKey);
    const originalList = original[originalKey];
    const patchList = patch[originalKey];
    let originalFieldValue: unknown[] | undefined;
    let patchFieldValue: unknown[] | undefined;
    if (foundOriginal) {
      if (!Array.isArray(originalList)) throw errBadArgType(SLICE_T, originalList);
      originalFieldValue = originalList;
    }
    if (foundPatch) {
      if (!Array.isArray(patchList)) throw errBadArgType(SLICE_T, patchList);
      patchFieldValue = patchList;
    }
    const [subschema, patchMeta] = schema.forSlice(originalKey);
    const patchStrategy = extractRetainKeysPatchStrategy(patchMeta.strategies);
    validatePatchWithSetOrderList(patchFieldValue, typedSetElementOrderList, patchMeta.mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) {
      merged = originalFieldValue ?? [];
    } else if (!foundOriginal && foundPatch) {
      const [v] = removeDirectives(patchFieldValue ?? []);
      merged = v as unknown[];
    } else if (foundOriginal && foundPatch) {
      merged = mergeSliceHandler(originalList, patchList, subschema, patchStrategy, patchMeta.mergeKey, false);
    } else {
      continue;
    }

    let patchItems: unknown[];
    let serverOnlyItems: unknown[];
    if (patchMeta.mergeKey.length === 0) {
      [patchItems, serverOnlyItems] = partitionPrimitivesByPresentInList(merged, typedSetElementOrderList);
    } else {
      [patchItems, serverOnlyItems] = partitionMapsByPresentInList(merged, typedSetElementOrderList, patchMeta.mergeKey);
    }
    const elementType = sliceElementType(originalFieldValue, patchFieldValue);
    // originalFieldValue is read through Go's original slice header: it sees in-place edits made while merging
    const both = normalizeElementOrder(
      patchItems,
      serverOnlyItems,
      typedSetElementOrderList,
      originalFieldValue ?? [],
      patchMeta.mergeKey,
      elementType === MAP_T,
    );
    original[originalKey] = both;
    delete patch[originalKey];
  }
}

function mergeMap(originalIn: JMap | null | undefined, patch: JMap, schema: Lookup): JMap {
  if (has(patch, directiveMarker)) return handleDirectiveInMergeMap(patch[directiveMarker], patch);
  const original: JMap = originalIn ?? {};

  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, schema);

  for (const key of Object.keys(patch)) {
    if (!has(patch, key)) continue;
    const patchV = patch[key];
    let k = key;
    let isDeleteList = false;
    if (k.startsWith(deleteFromPrimitiveListDirectivePrefix)) {
      k = extractKey(k, deleteFromPrimitiveListDirectivePrefix);
      isDeleteList = true;
    }

    if (patchV === null) {
      delete original[k];
      continue; // IgnoreUnmatchedNulls
    }

    if (!has(original, k)) {
      if (!isDeleteList) {
        discardNullValuesFromPatch(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) original[k] = v;
        else delete original[k];
      }
      continue;
    }

    const origV = original[k];
    if (goType(origV) !== goType(patchV)) {
      if (!isDeleteList) {
        discardNullValuesFromPatch(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) original[k] = v;
        else delete original[k];
      }
      continue;
    }
    switch (goKind(origV)) {
      case 'map': {
        const [subschema, patchMeta] = schema.forStruct(k);
        const patchStrategy = extractRetainKeysPatchStrategy(patchMeta.strategies);
        original[k] = patchStrategy !== replaceDirective ? mergeMap(origV as JMap, patchV as JMap, subschema) : patchV;
        break;
      }
      case 'slice': {
        const [subschema, patchMeta] = schema.forSlice(k);
        const patchStrategy = extractRetainKeysPatchStrategy(patchMeta.strategies);
        original[k] = mergeSliceHandler(origV, patchV, subschema, patchStrategy, patchMeta.mergeKey, isDeleteList);
        break;
      }
      default: {
        const [v, keep] = removeDirectives(patchV);
        if (keep) original[k] = v;
        else delete original[k];
      }
    }
  }
  return original;
}

function mergeSliceHandler(original: unknown, patch: unknown, schema: Lookup, fieldPatchStrategy: string, fieldPatchMergeKey: string, isDeleteList: boolean): unknown[] {
  if (!Array.isArray(original)) throw errBadArgType(SLICE_T, original);
  if (!Array.isArray(patch)) throw errBadArgType(SLICE_T, patch);
  const o = original;
  const p = patch;
  if (fieldPatchStrategy === mergeDirective || isDeleteList) return mergeSlice(o, p, schema, fieldPatchMergeKey, isDeleteList);
  return p;
}

function mergeSlice(originalArr: unknown[], patch: unknown[], schema: Lookup, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (originalArr.length === 0 && patch.length === 0) return originalArr;
  const t = sliceElementType(originalArr, patch);
  const isMap = t === MAP_T;
  let merged: unknown[];
  let serverOrder: unknown[];
  if (!isMap) {
    if (isDeleteList) return patchDeleteFromSlice(originalArr, patch);
    merged = deduplicateScalars([...originalArr, ...patch]);
    serverOrder = originalArr;
  } else {
    if (mergeKey === '') throw new SmpError(`cannot merge lists without merge key for ${schema.name()}`);
    const original = GoSlice.of(originalArr);
    const special = mergeSliceWithSpecialElements(original, patch, mergeKey);
    let orig: GoSlice = original;
    if (special.replace) {
      orig = GoSlice.of(special.patch);
      patch = [];
    } else {
      patch = special.patch;
    }
    serverOrder = orig.toArray();
    merged = mergeSliceWithoutSpecialElements(orig, patch, mergeKey, schema);
  }
  let patchItems: unknown[];
  let serverOnlyItems: unknown[];
  if (mergeKey.length === 0) [patchItems, serverOnlyItems] = partitionPrimitivesByPresentInList(merged, patch);
  else [patchItems, serverOnlyItems] = partitionMapsByPresentInList(merged, patch, mergeKey);
  return normalizeElementOrder(patchItems, serverOnlyItems, patch, serverOrder, mergeKey, isMap);
}

function mergeSliceWithSpecialElements(original: GoSlice, patch: unknown[], mergeKey: string): { replace: boolean; patch: unknown[] } {
  const without: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const typedV = v as JMap;
    if (!has(typedV, directiveMarker)) {
      without.push(v);
      continue;
    }
    const patchType = typedV[directiveMarker];
    if (patchType === deleteDirective) {
      if (!has(typedV, mergeKey)) throw errNoMergeKey(typedV, mergeKey);
      const mergeValue = typedV[mergeKey];
      for (;;) {
        const [, idx, found] = findMapInSliceBasedOnKeyValue(original.toArray(), mergeKey, mergeValue);
        if (!found) break;
        original.deleteAt(idx);
      }
    } else if (patchType === replaceDirective) {
      replace = true;
    } else if (patchType === mergeDirective) {
      throw new SmpError('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(patchType, typedV);
    }
  }
  return { replace, patch: without };
}

function mergeSliceWithoutSpecialElements(original: GoSlice, patch: unknown[], mergeKey: string, schema: Lookup): unknown[] {
  for (const v of patch) {
    const typedV = v as JMap;
    if (!has(typedV, mergeKey)) throw errNoMergeKey(typedV, mergeKey);
    const [originalMap, originalKey, found] = findMapInSliceBasedOnKeyValue(original.toArray(), mergeKey, typedV[mergeKey]);
    if (found) original.set(originalKey, mergeMap(originalMap, typedV, schema));
    else original.append(v);
  }
  return original.toArray();
}

function patchDeleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  return current.filter((v) => !toDelete.some((d) => ifaceEq(d, v)));
}

/** The "clever" in-place deduplication of strategicpatch (it reorders: a duplicate's slot takes the last element). */
function deduplicateScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (ifaceEq(s[i], s[j])) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * StrategicMergeMapPatch over plain JSON maps with a schema node (no copying, no error mapping).
 * Throws SmpError. Both inputs are modified.
 */
export function strategicMergeMapPatch(original: JMap, patch: JMap, schema: SchemaNode | undefined): JMap {
  return mergeMap(original, patch, new Lookup(schema));
}

/** Decodes an SMP body as kube does (into map[string]interface{}); null decodes to an empty patch. */
export function decodeStrategicMergePatch(patch: unknown): JMap {
  let p: unknown;
  try {
    p = decodeBody(patch);
  } catch (e) {
    if (e instanceof GoJsonError) throw badRequest(e.message);
    throw e;
  }
  if (p === null) return {};
  if (!isObject(p)) throw badRequest(`json: cannot unmarshal ${jsonKind(p)} into Go value of type map[string]interface {}`);
  return p;
}

/**
 * Applies a strategic merge patch to a copy of `doc`. `definition` is the OpenAPI v2 definition
 * name of the object's kind (e.g. "io.k8s.api.apps.v1.Deployment"). Throws kube's StatusError.
 */
export function applyStrategicMergePatch(doc: KObject, patch: unknown, definition: string): KObject {
  const schema = schemaFor(definition);
  if (!schema) throw badRequest(ErrUnsupportedStrategicMergePatchFormat);
  const patchMap = deepClone(decodeStrategicMergePatch(patch));
  const original = deepClone(doc) as JMap;
  try {
    return mergeMap(original, patchMap, new Lookup(schema)) as KObject;
  } catch (e) {
    if (e instanceof SmpError) throw interpretSmpError(e);
    throw e;
  }
}
