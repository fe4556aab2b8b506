// Server-side apply and metadata.managedFields, as kube-apiserver 1.32 does them
// (k8s.io/apimachinery/pkg/util/managedfields over sigs.k8s.io/structured-merge-diff/v4).
//
// kube's field manager is a chain of wrappers; this module runs the same steps in the same order:
//   apply:  version check → last-applied annotation update (manager "kubectl") → conflicts allowed
//           by the last-applied annotation (manager "kubectl") → "before-first-apply" for objects
//           that have no managedFields yet → manager identifier → apply (merge, prune, conflicts)
//           → strip metadata fields → time of the manager
//   update: managedFields from the request (valid ones replace the stored ones, [] resets them)
//           → skip objects that exist without managedFields → manager identifier → update as
//           "current-operation", merged into the manager's entry → strip metadata fields → time
//           → cap of 10 Update managers ("ancient-changes")
// A pure library: no storage, no HTTP. The store calls recordUpdate on create, update, patch
// (JSON, merge, strategic) and their status variants, and serverSideApply on apply patches.
import { deepFreeze } from '../../util/freeze.js';
import { rfc3339 } from '../../util/time.js';
import { StatusError, badRequest } from '../../api/errors.js';
import type { KObject, ManagedFieldsEntry } from '../../api/types.js';
import { ApplyConflicts, conflictError, type Conflict } from './conflict.js';
import { FieldSet, fieldPE, fieldSetOfNames, goJson, type Path } from './fieldpath.js';
import {
  decodeManagedFields,
  emptyManaged,
  encodeManagedFields,
  managerIdentifier,
  validateManagedFields,
  type Managed,
} from './managed.js';
import type { TypeResolver } from './schema.js';
import { compare, toFieldSet, validate, validationErrorsString, TypedError } from './typed.js';
import { updaterApply, updaterUpdate, type ManagedSets, type UpdaterOptions } from './updater.js';

export type { TypeResolver, TypeNode, ListType, MapType, ScalarType } from './schema.js';
export { builtinTypeResolver, structuralTypeResolver } from './schema.js';
export { FieldSet, pathString, type Path, type PathElement } from './fieldpath.js';
export { conflictError, conflictMessage, printManager, type Conflict } from './conflict.js';
export { validateManagedFields, decodeManagedFields, encodeManagedFields, managerIdentifier } from './managed.js';

export interface ApplyOptions {
  /** the fieldManager query parameter (required for apply; "" becomes "unknown") */
  manager: string;
  /** the force query parameter */
  force: boolean;
  /** the request's group/version, e.g. "apps/v1" or "v1" */
  apiVersion: string;
  /** "status" for /status; undefined for the main resource */
  subresource?: string;
  now: Date;
  /** the expected kind (defaults to the resolver's); the applied object must carry it */
  kind?: string;
  /**
   * The strategy's reset fields for this endpoint: nobody gains ownership of them here (kube's
   * GetResetFields, e.g. [["status"]] on the main resource of a type with a status subresource,
   * [["spec"], ["metadata", "labels"]] on deployments/status). See defaultResetFields.
   */
  resetFields?: readonly (readonly string[])[];
}

export interface UpdateOptions {
  manager: string;
  apiVersion: string;
  subresource?: string;
  now: Date;
  resetFields?: readonly (readonly string[])[];
}

/** kube's DefaultMaxUpdateManagers. */
export const MAX_UPDATE_MANAGERS = 10;
/** kube's FieldManagerMaxLength. */
export const FIELD_MANAGER_MAX_LENGTH = 128;
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

const CURRENT_OPERATION = 'current-operation';
const BEFORE_FIRST_APPLY = 'before-first-apply';

/** The fields kube never records as owned (stripmeta.go). Removed as exact paths only. */
const STRIP_SET = FieldSet.of(
  [fieldPE('apiVersion')],
  [fieldPE('kind')],
  [fieldPE('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (n): Path => [fieldPE('metadata'), fieldPE(n)],
  ),
);

/**
 * A generic default for reset fields: the main resource of a type with a status subresource
 * ignores status, the status subresource ignores spec. Types whose strategies reset more
 * (pods/status also metadata.deletionTimestamp and ownerReferences, deployments/status
 * metadata.labels, ...) should pass their own list.
 */
export function defaultResetFields(subresource: string | undefined, hasStatusSubresource: boolean): string[][] {
  if (subresource === 'status') return [['spec']];
  if (!subresource && hasStatusSubresource) return [['status']];
  return [];
}

// ---------------------------------------------------------------------------------------------
// helpers

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function metaOf(o: unknown): Obj | undefined {
  return isObj(o) && isObj(o['metadata']) ? o['metadata'] : undefined;
}

/** A copy without metadata.managedFields (the field manager never compares those). */
function withoutManagedFields<T>(o: T): T {
  const c = structuredClone(o);
  const m = metaOf(c);
  if (m) delete m['managedFields'];
  return c;
}

const emptyViews = new WeakMap<TypeResolver, unknown>();

/** The type's empty object for read-only use (comparisons), built once per type. */
function emptyView(types: TypeResolver): unknown {
  let v = emptyViews.get(types);
  if (v === undefined) {
    v = deepFreeze(types.emptyObject());
    emptyViews.set(types, v);
  }
  return v;
}

/**
 * The object without metadata.managedFields, for reading only (compare): the top level and metadata are
 * copied, everything below is shared.
 */
function viewWithoutManagedFields(o: KObject): KObject {
  const m = o.metadata;
  if (!m || !('managedFields' in m)) return o;
  const { managedFields: _, ...rest } = m;
  return { ...o, metadata: rest };
}

function cloneManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

function stripMeta(sets: ManagedSets, manager: string): void {
  const vs = sets.get(manager);
  if (!vs) return;
  const s = vs.set.difference(STRIP_SET);
  if (s.isEmpty()) sets.delete(manager);
  else sets.set(manager, { ...vs, set: s });
}

function parseGroupVersion(apiVersion: unknown): { group: string; version: string } | undefined {
  if (typeof apiVersion !== 'string' || apiVersion === '') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

/** schema.GroupVersionKind.String(): "apps/v1, Kind=Deployment", "/v1, Kind=ConfigMap". */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const gv = parseGroupVersion(apiVersion) ?? { group: '', version: '' };
  return `${gv.group}/${gv.version}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

/** objectGVKNN: "namespace/name; group/version, Kind=Kind" */
function objectGVKNN(o: KObject): string {
  const m = o.metadata ?? {};
  return `${m.namespace ?? ''}/${m.name ?? ''}; ${gvkString(o.apiVersion, o.kind)}`;
}

/** A plain error kube does not turn into a Status: 500 with no reason, the message as is. */
function plainError(message: string): StatusError {
  return new StatusError(500, '', message);
}

/**
 * Drops null values from maps (Go decodes them into nil pointers, empty maps and zero values that
 * are then omitted), keeping creationTimestamp: null as Go writes it.
 */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      if (x === null && k !== 'creationTimestamp') continue;
      out[k] = dropNulls(x);
    }
    return out;
  }
  return v;
}

function setManagedFields(o: KObject, entries: ManagedFieldsEntry[] | undefined): void {
  if (entries) {
    o.metadata ??= {};
    o.metadata.managedFields = entries;
  } else if (o.metadata) delete o.metadata.managedFields;
}

function managerName(m: string): string {
  return m === '' ? 'unknown' : m;
}

function isResetManagedFields(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  if (mf.length === 0) return true;
  if (mf.length === 1) {
    const e: unknown = mf[0];
    return isObj(e) && Object.values(e).every((x) => x === undefined);
  }
  return false;
}

function decodeOrEmpty(entries: unknown): Managed {
  try {
    return decodeManagedFields(entries as ManagedFieldsEntry[] | undefined);
  } catch {
    return emptyManaged();
  }
}

/** decodeLiveOrNew: valid managedFields in the request replace the stored ones; [] or [{}] resets them. */
function decodeLiveOrNew(live: KObject | undefined, next: KObject, ignoreRequest: boolean): Managed {
  const liveMF = live?.metadata?.managedFields;
  if (ignoreRequest) return decodeOrEmpty(liveMF);
  const newMF: unknown = next.metadata?.managedFields;
  if (isResetManagedFields(newMF)) return emptyManaged();
  try {
    const m = decodeManagedFields(newMF as ManagedFieldsEntry[] | undefined);
    if (m.fields.size > 0) return m;
  } catch {
    // invalid managedFields in the request are ignored
  }
  return decodeOrEmpty(liveMF);
}

function capUpdateManagers(m: Managed, max: number): void {
  const updaters = [...m.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= max) return;
  const secs = (id: string) => {
    const t = m.times.get(id);
    const ms = t ? Date.parse(t) : NaN;
    return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
  };
  updaters.sort((a, b) => {
    const d = secs(a) - secs(b);
    if (d !== 0) return d;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const versionToFirst = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i]!;
    const vs = m.fields.get(id)!;
    const time = m.times.get(id);
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = versionToFirst.get(vs.apiVersion);
    if (first !== undefined) {
      if (!m.fields.has(bucket)) {
        const s = m.fields.get(first)!;
        m.fields.delete(first);
        m.fields.set(bucket, s);
      }
      m.fields.set(bucket, { set: vs.set.union(m.fields.get(bucket)!.set), apiVersion: vs.apiVersion, applied: false });
      m.fields.delete(id);
      length--;
      m.times.set(bucket, time);
    } else versionToFirst.set(vs.apiVersion, id);
  }
}

function updaterOptions(types: TypeResolver, resetFields: readonly (readonly string[])[] | undefined): UpdaterOptions {
  const o: UpdaterOptions = { root: types.root };
  if (resetFields && resetFields.length > 0) o.ignore = fieldSetOfNames(resetFields);
  return o;
}

/**
 * The Update step with kube's ManagedFieldsUpdater/BuildManagerInfo/StripMeta/CapManagers around
 * structured-merge-diff's Updater.Update. Mutates `managed`.
 */
function runUpdate(o: UpdaterOptions, live: unknown, next: unknown, managed: Managed, info: { manager: string; apiVersion: string; subresource?: string | undefined; now: Date }): void {
  const id = managerIdentifier({
    manager: managerName(info.manager),
    operation: 'Update',
    apiVersion: info.apiVersion,
    ...(info.subresource ? { subresource: info.subresource } : {}),
  });
  const sets = managed.fields;
  updaterUpdate(o, live, next, info.apiVersion, sets, CURRENT_OPERATION);
  stripMeta(sets, CURRENT_OPERATION);
  const vs = sets.get(CURRENT_OPERATION);
  if (vs) {
    sets.delete(CURRENT_OPERATION);
    const prev = sets.get(id);
    sets.set(id, { set: prev ? vs.set.union(prev.set) : vs.set, apiVersion: vs.apiVersion, applied: vs.applied });
    managed.times.set(id, rfc3339(info.now));
  }
  capUpdateManagers(managed, MAX_UPDATE_MANAGERS);
}

// ---------------------------------------------------------------------------------------------
// Update

/**
 * Records an Update operation (create, update/PUT, JSON/merge/strategic patch, and their status
 * variants) by `opts.manager`: the manager gains the fields that changed from `old` to `next`,
 * other managers lose them. Returns `next` (a copy) with metadata.managedFields set.
 *
 * `old` is the stored object, undefined on create. managedFields in `next` (the request) are
 * honoured as kube does: valid non-empty ones replace the stored ones, `[]` (or `[{}]`) clears
 * them, invalid ones are ignored; on subresources they are always ignored. An existing object
 * without managedFields stays without (kube only starts tracking on create or apply). Never
 * throws: like kube's UpdateNoErrors, a failure drops managedFields.
 */
export function recordUpdate(old: KObject | undefined, next: KObject, types: TypeResolver, opts: UpdateOptions): KObject {
  const out = structuredClone(next);
  setManagedFields(out, managedFieldsAfterUpdate(old, next, types, opts));
  return out;
}

/**
 * recordUpdate's managedFields for `next`, without copying it (the store's path): the entries to set, or
 * undefined when the object is to have none.
 */
export function managedFieldsAfterUpdate(old: KObject | undefined, next: KObject, types: TypeResolver, opts: UpdateOptions): ManagedFieldsEntry[] | undefined {
  try {
    const managed = decodeLiveOrNew(old, next, !!opts.subresource);
    if (managed.fields.size === 0 && old && old.metadata?.uid) return undefined;
    // compare only reads both sides: views, not copies.
    const live = old ? viewWithoutManagedFields(old) : emptyView(types);
    runUpdate(updaterOptions(types, opts.resetFields), live, viewWithoutManagedFields(next), managed, opts);
    return encodeManagedFields(managed);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Apply

interface ApplyCore {
  object: KObject;
  managed: Managed;
}

function applyCore(
  o: UpdaterOptions,
  types: TypeResolver,
  liveIn: KObject,
  applied: KObject,
  managedIn: Managed,
  opts: ApplyOptions,
  force: boolean,
): ApplyCore {
  const managed = cloneManaged(managedIn);
  const live = withoutManagedFields(liveIn);
  // skipNonApplied: an object without managedFields gets a "before-first-apply" owner of everything it has
  if (managed.fields.size === 0) {
    runUpdate(o, emptyView(types), live, managed, { manager: BEFORE_FIRST_APPLY, apiVersion: opts.apiVersion, subresource: opts.subresource, now: opts.now });
  }
  const id = managerIdentifier({ manager: managerName(opts.manager), operation: 'Apply', ...(opts.subresource ? { subresource: opts.subresource } : {}) });

  // structuredMergeManager.Apply
  if (metaOf(applied) && Array.isArray(metaOf(applied)!['managedFields'])) throw badRequest('metadata.managedFields must be nil');
  const errs = validate(applied, o.root);
  if (errs.length > 0) throw plainError(`failed to create typed patch object (${objectGVKNN(applied)}): ${validationErrorsString(errs)}`);
  let merged: unknown;
  try {
    merged = updaterApply(o, live, applied, opts.apiVersion, managed.fields, id, force);
  } catch (e) {
    if (e instanceof ApplyConflicts) throw e;
    if (e instanceof TypedError) throw plainError(`failed to merge config: ${e.message}`);
    throw e;
  }
  stripMeta(managed.fields, id);
  if (merged === undefined) return { object: live, managed };
  managed.times.set(id, rfc3339(opts.now));
  return { object: dropNulls(merged) as KObject, managed };
}

/** The fields of the last-applied annotation whose values the live object still has (lastappliedmanager.go). */
function allowedConflictsFromLastApplied(o: UpdaterOptions, live: KObject, apiVersion: string): FieldSet | undefined {
  const ann = live.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!ann) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(ann);
  } catch {
    return undefined;
  }
  if (!isObj(last) || last['apiVersion'] !== apiVersion) return undefined;
  if (validate(last, o.root).length > 0) return undefined;
  const liveObj = withoutManagedFields(live);
  const set = toFieldSet(last, o.root);
  const cmp = compare(last, liveObj, o.root);
  return set.difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
}

/**
 * Server-side apply of `applied` (the request body, decoded) onto `live` (the stored object, or
 * undefined when the object does not exist yet). Returns the merged object with
 * metadata.managedFields updated; the caller then runs the usual create/update path on it
 * (defaulting, PrepareForCreate/Update, validation, preconditions such as a resourceVersion the
 * applied object carries, and the name/namespace checks against the URL).
 *
 * Throws StatusError:
 * - 400 `invalid object type: <group>/<version>, Kind=<kind>` when apiVersion/kind differ from
 *   the endpoint's (missing ones included);
 * - 400 `metadata.managedFields must be nil`;
 * - 500 (no reason) `failed to create typed patch object (<ns>/<name>; <gvk>): <errors>` when the
 *   body does not fit the schema (e.g. `.spec.foo: field not declared in schema`);
 * - 409 Conflict `Apply failed with N conflict(s): ...` with FieldManagerConflict causes when
 *   another manager owns a field whose value would change and !force.
 */
export function serverSideApply(live: KObject | undefined, applied: KObject, types: TypeResolver, opts: ApplyOptions): KObject {
  // versionCheckManager
  const want = parseGroupVersion(opts.apiVersion);
  const got = parseGroupVersion(applied.apiVersion);
  const kind = opts.kind ?? types.kind;
  if (
    !got ||
    !want ||
    got.group !== want.group ||
    got.version !== want.version ||
    typeof applied.kind !== 'string' ||
    applied.kind === '' ||
    (kind !== undefined && applied.kind !== kind)
  ) {
    throw badRequest(`invalid object type: ${got ? gvkString(applied.apiVersion, applied.kind) : `/, Kind=${typeof applied.kind === 'string' ? applied.kind : ''}`}`);
  }
  const liveObj: KObject = live ? structuredClone(live) : { apiVersion: applied.apiVersion, kind: applied.kind, ...(types.emptyObject() as KObject) };
  let managed: Managed;
  try {
    managed = decodeManagedFields(liveObj.metadata?.managedFields);
  } catch (e) {
    throw plainError(`failed to decode managed fields: ${(e as Error).message}`);
  }
  const o = updaterOptions(types, opts.resetFields);

  let result: ApplyCore;
  try {
    result = applyCore(o, types, liveObj, applied, managed, opts, opts.force);
  } catch (e) {
    if (!(e instanceof ApplyConflicts)) throw e;
    // lastAppliedManager: kubectl's conflicts with values it set itself through client-side apply are forced
    if (opts.manager !== 'kubectl') throw conflictError(e.conflicts);
    const allowed = allowedConflictsFromLastApplied(o, liveObj, opts.apiVersion);
    if (!allowed) throw conflictError(e.conflicts);
    const remaining: Conflict[] = e.conflicts.filter((c) => !allowed.has(c.path));
    if (remaining.length > 0) throw conflictError(remaining);
    try {
      result = applyCore(o, types, liveObj, applied, managed, opts, true);
    } catch (e2) {
      if (e2 instanceof ApplyConflicts) throw conflictError(e2.conflicts);
      throw e2;
    }
  }
  const out = result.object;
  setManagedFields(out, encodeManagedFields(result.managed));

  // lastAppliedUpdater: keep kubectl's last-applied annotation in step with what it applies
  if (opts.manager === 'kubectl' && out.metadata?.annotations?.[LAST_APPLIED_ANNOTATION]) {
    const cfg = structuredClone(applied);
    if (cfg.metadata?.annotations) {
      delete cfg.metadata.annotations[LAST_APPLIED_ANNOTATION];
    }
    out.metadata.annotations[LAST_APPLIED_ANNOTATION] = goJson(cfg) + '\n' /* encoding/json of the unstructured object: sorted keys */;
  }
  return out;
}


// ---------------------------------------------------------------------------------------------
// Field managers

/**
 * kube's default manager name when fieldManager is absent: the User-Agent up to the first "/",
 * without unprintable characters, at most 128 bytes ("kubectl/v1.32.4 (linux/amd64) kubernetes/abc"
 * → "kubectl"). An empty result is recorded as "unknown".
 */
export function managerFromUserAgent(ua: string | undefined): string {
  const head = (ua ?? '').split('/')[0] ?? '';
  let out = '';
  let bytes = 0;
  for (const ch of head) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * ValidateFieldManager (PatchOptions/CreateOptions/UpdateOptions.fieldManager): the problems with
 * a client-supplied fieldManager, as [type, detail] pairs for the caller's field errors:
 * TooLong over 128 bytes, Invalid `invalid character U+0007 (at position 3)` per unprintable rune.
 */
export function fieldManagerProblems(fieldManager: string): Array<{ type: 'TooLong' | 'Invalid'; detail: string }> {
  const out: Array<{ type: 'TooLong' | 'Invalid'; detail: string }> = [];
  if (Buffer.byteLength(fieldManager, 'utf8') > FIELD_MANAGER_MAX_LENGTH) out.push({ type: 'TooLong', detail: String(FIELD_MANAGER_MAX_LENGTH) });
  let pos = 0;
  for (const ch of fieldManager) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      const cp = ch.codePointAt(0)!;
      out.push({ type: 'Invalid', detail: `invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${pos})` });
    }
    pos += Buffer.byteLength(ch, 'utf8');
  }
  return out;
}

/** Whether entries decode as kube requires (see validateManagedFields for the message). */
export function isValidManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): boolean {
  return validateManagedFields(entries) === undefined;
}
