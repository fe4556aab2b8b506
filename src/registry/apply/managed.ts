// metadata.managedFields <-> the in-memory form kube's field manager works on
// (k8s.io/apimachinery/pkg/util/managedfields/internal: managedfields.go, buildmanagerinfo.go).
//
// A manager is identified by the JSON of its entry without fieldsType, fieldsV1 and time (and
// without apiVersion for Apply entries): entries of the same manager, operation, subresource (and,
// for Update, apiVersion) are one manager.
import type { ManagedFieldsEntry } from '../../api/types.js';
import { FieldSet, FieldsV1Error, goJsonString } from './fieldpath.js';
import { Memo } from '../../util/memo.js';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

export interface Managed {
  /** manager identifier → its fields */
  fields: Map<string, VersionedSet>;
  /** manager identifier → time (RFC 3339), when known */
  times: Map<string, string | undefined>;
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

export interface ManagerInfo {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

// A few managers write most objects.
const identifiers = new Memo<string>(1024);

/** BuildManagerIdentifier: the JSON of the entry's identifying fields, in Go's field order. */
export function managerIdentifier(info: ManagerInfo): string {
  return identifiers.get(`${info.manager}\x00${info.operation}\x00${info.apiVersion ?? ''}\x00${info.subresource ?? ''}`, () => buildManagerIdentifier(info));
}

function buildManagerIdentifier(info: ManagerInfo): string {
  const parts: string[] = [];
  if (info.manager) parts.push(`"manager":${goJsonString(info.manager)}`);
  parts.push(`"operation":${goJsonString(info.operation)}`);
  if (info.operation !== 'Apply' && info.apiVersion) parts.push(`"apiVersion":${goJsonString(info.apiVersion)}`);
  if (info.subresource) parts.push(`"subresource":${goJsonString(info.subresource)}`);
  return '{' + parts.join(',') + '}';
}

const parsedIdentifiers = new Memo<ManagerInfo | null>(1024);

/** The identifying fields of a manager identifier (shared: do not change the result); undefined when it is not JSON. */
export function parseManagerIdentifier(id: string): Readonly<ManagerInfo> | undefined {
  return parsedIdentifiers.get(id, () => parseIdentifier(id) ?? null) ?? undefined;
}

function parseIdentifier(id: string): ManagerInfo | undefined {
  try {
    const v = JSON.parse(id) as Record<string, unknown>;
    if (typeof v !== 'object' || v === null) return undefined;
    const info: ManagerInfo = {
      manager: typeof v['manager'] === 'string' ? v['manager'] : '',
      operation: v['operation'] === 'Apply' ? 'Apply' : 'Update',
    };
    if (typeof v['apiVersion'] === 'string') info.apiVersion = v['apiVersion'];
    if (typeof v['subresource'] === 'string') info.subresource = v['subresource'];
    return info;
  } catch {
    return undefined;
  }
}

export class ManagedFieldsError extends Error {}

function goEntryString(e: ManagedFieldsEntry): string {
  // what Go's %v prints for a ManagedFieldsEntry struct (approximately: pointers print as addresses)
  return `{${e.manager ?? ''} ${e.operation ?? ''} ${e.apiVersion ?? ''} ${e.time ?? '<nil>'} ${e.fieldsType ?? ''} ${e.fieldsV1 === undefined ? '<nil>' : JSON.stringify(e.fieldsV1)} ${e.subresource ?? ''}}`;
}

/** DecodeManagedFields; throws ManagedFieldsError with kube's message when an entry is invalid. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined | null): Managed {
  const m = emptyManaged();
  if (!entries) return m;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  entries.forEach((e, i) => {
    if (typeof e !== 'object' || e === null) throw new ManagedFieldsError(`invalid managed fields entry ${i}`);
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new ManagedFieldsError('apiVersion must not be empty');
    if (e.fieldsType === undefined || e.fieldsType === '') throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const info: ManagerInfo = { manager: e.manager ?? '', operation: e.operation };
    if (e.apiVersion) info.apiVersion = e.apiVersion;
    if (e.subresource) info.subresource = e.subresource;
    const id = managerIdentifier(info);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
    } catch (err) {
      const msg = err instanceof FieldsV1Error ? err.message : String(err);
      throw new ManagedFieldsError(`error decoding versioned set from ${goEntryString(e)}: error decoding set: ${msg}`);
    }
    m.fields.set(id, { set, apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    m.times.set(id, typeof e.time === 'string' ? e.time : undefined);
  });
  return m;
}

/** kube's ValidateManagedFields: undefined when the entries decode, else the error message. */
export function validateManagedFields(entries: readonly ManagedFieldsEntry[] | undefined | null): string | undefined {
  try {
    decodeManagedFields(entries);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function unixSeconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function goLess(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** encodeManagedFields: entries sorted by operation, time, manager, apiVersion, subresource; undefined when none. */
export function encodeManagedFields(m: Managed): ManagedFieldsEntry[] | undefined {
  if (m.fields.size === 0) return undefined;
  const out: ManagedFieldsEntry[] = [];
  for (const [id, vs] of m.fields) {
    const info = parseManagerIdentifier(id) ?? { manager: id, operation: vs.applied ? 'Apply' : 'Update' };
    const e: ManagedFieldsEntry = {};
    if (info.manager) e.manager = info.manager;
    e.operation = vs.applied ? 'Apply' : info.operation;
    e.apiVersion = vs.apiVersion;
    const t = m.times.get(id);
    if (t) e.time = t;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = vs.set.toFieldsV1();
    if (info.subresource) e.subresource = info.subresource;
    out.push(e);
  }
  out.sort((p, q) => {
    if (p.operation !== q.operation) return goLess(p.operation ?? '', q.operation ?? '');
    const ps = unixSeconds(p.time);
    const qs = unixSeconds(q.time);
    if (ps !== qs) return ps < qs ? -1 : 1;
    if (p.manager !== q.manager) return goLess(p.manager ?? '', q.manager ?? '');
    if (p.apiVersion !== q.apiVersion) return goLess(p.apiVersion ?? '', q.apiVersion ?? '');
    return goLess(p.subresource ?? '', q.subresource ?? '');
  });
  return out;
}

