// The generic store: kube-apiserver's REST semantics (registry/generic/registry.Store) implemented once
// for every resource. Per-type behaviour comes from a Strategy and a Validator; storage from the
// Storage interface; output version from the conversion registry.
import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  generateNameConflict,
  invalid,
  internalError,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
  resourceExpired,
  StatusError,
} from '../api/errors.js';
import { fieldErr, type FieldError } from '../api/field-errors.js';
import { apiVersionOf, isObject, type KObject, type ManagedFieldsEntry, type ObjectMeta, type UserInfo } from '../api/types.js';
import {
  CompactedError,
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  type PutOptions,
  type Storage,
  type WatchEvent as StorageWatchEvent,
} from '../storage/interface.js';
import type { ResourceInfo } from './catalog.js';
import { convertObject } from './conversion.js';
import { listPrefix, objectKey } from './keys.js';
import type { OpContext, StoreReader, Strategy } from './strategy.js';
import type { Validator } from './validation/index.js';
import { labelSelectorObjectToString, parseLabelSelector, type LabelSelector } from './selectors/labels.js';
import { parseFieldSelector, selectableFields, transformFieldSelector, type FieldSelector } from './selectors/fields.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch/index.js';
import { builtinTypeResolver, defaultResetFields, managerFromUserAgent, managedFieldsAfterUpdate, serverSideApply, type TypeResolver } from './apply/index.js';
import { enforceFieldValidation, pruneUnknownFields, type FieldValidation } from './field-validation.js';
import { normalizeGoJson } from './normalize.js';
import { checkNoResourceVersionOnCreate, objectResourceVersion, resourceVersionParam } from './resource-version.js';
import { rfc3339 } from '../util/time.js';
import { getPath, setPath } from '../apiextensions/jsonpath.js';
import {
  CacheNotReadyError,
  memoize,
  rememberJson,
  TooLargeResourceVersionError,
  TooOldResourceVersionError,
  type CachedObject,
  type CacheFilter,
  type CacheWatchOptions,
  type StoredJson,
  type WatchCache,
} from './watch-cache.js';

export interface StoreConfig {
  /** The resource as stored (its storage group/version/kind). */
  storageResource: ResourceInfo;
  storage: Storage;
  /** Key prefix ending in "/". */
  prefix: string;
  strategy: Strategy;
  validator: Validator;
  /** Validation of a cohabiting group's version (events.k8s.io Events are stored as core Events). */
  validatorFor?: (group: string, resource: string) => Validator;
  reader: StoreReader;
  /** DELETE answers with the deleted object instead of a Status (kube's ReturnDeletedObject). */
  returnDeletedObject: boolean;
  /** The kind tracks metadata.generation (bumped on spec changes). */
  hasGeneration: boolean;
  /** Custom resources: field selectors limited to metadata.*, no strategic merge patch. */
  custom?: boolean;
  /** Field ownership types for a served version (built-ins: from the OpenAPI definition). */
  typeResolver?: (r: ResourceInfo) => TypeResolver | undefined;
  /** Drop undeclared fields from a body; returns their paths (built-ins: OpenAPI definition; CRDs: structural schema). */
  pruneFields?: (r: ResourceInfo, obj: KObject) => string[];
  /** Checked before creating a namespaced object: throws when the namespace is missing or terminating. */
  namespaceCheck?: (namespace: string, gr: { group: string; resource: string }, name: string) => Promise<void>;
  /**
   * Instead of removing the object, return the object to persist (kube's namespace deletion marks the
   * namespace Terminating while spec.finalizers remain). Undefined = normal deletion.
   */
  softDelete?: (obj: KObject) => KObject | undefined;
  /** Admission check before a delete (kube's NamespaceLifecycle refuses to delete system namespaces). */
  deleteCheck?: (obj: KObject) => void;
  /** Scale subresource paths (CRDs); built-ins use .spec.replicas/.status.replicas/.spec.selector. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** Field selectors beyond metadata.name/namespace for custom resources: field label → JSONPath, per version. */
  selectableFields?: (version: string) => Map<string, string>;
  /** Applied to objects read from storage (CRD defaulting on read). */
  onRead?: (obj: KObject) => void;
  /** The resource's watch cache (lists and watches are served from it once it is ready). */
  cache?: WatchCache;
  /** Asynchronous conversion to apiVersion (CRD conversion webhooks); built-ins convert synchronously. */
  convert?: (objs: KObject[], apiVersion: string) => Promise<KObject[]>;
  /** Objects are deleted this long after their last write (kube's --event-ttl for Events); undefined = kept. */
  ttlSeconds?: number;
  /** Called after an object was persisted or deleted (not on dry runs), e.g. to start controllers. */
  onChange?: (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KObject) => void;
}

/** Per-request scope: which version the client talks, in which namespace, as whom. */
export interface RequestScope {
  resource: ResourceInfo;
  namespace: string | undefined;
  user: UserInfo;
}

export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** Only validated: kube forbids it on a list (any value). */
  sendInitialEvents?: boolean;
}

export interface ListResult {
  items: KObject[];
  /**
   * The same items as the watch cache holds them, when it served the list and they need no conversion:
   * JSON writers take each one's bytes from here instead of encoding items (which then stay undecoded).
   */
  cached?: readonly CachedObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WriteOptions {
  dryRun: boolean;
  fieldManager?: string;
  subresource?: string;
  /** The client's User-Agent: kube derives the field manager from it when fieldManager is absent. */
  userAgent?: string;
  /** Unknown/duplicate field handling for the request body (default Warn, as kube). */
  fieldValidation?: FieldValidation;
  /** Duplicate field paths the body decoder found. */
  duplicateFields?: string[];
  /** Warning header texts are appended here. */
  warnings?: string[];
  /** The body was decoded for this request alone: the store may modify it instead of copying it. */
  bodyOwned?: boolean;
  /**
   * A POST: kube's storage then refuses a body that carries a resourceVersion (after validation, and not on
   * dry-run); creates through PUT or apply do not.
   */
  post?: boolean;
  /** Internal: managedFields were already computed (apply). */
  managedFieldsDone?: boolean;
  /** Internal: record field ownership as made through this subresource (scale). */
  trackSubresource?: string;
}

export interface ApplyOptions extends WriteOptions {
  force: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  orphanDependents?: boolean;
}

export type PatchType = 'json' | 'merge' | 'strategic';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchParams {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  /** When the server will end the watch (epoch ms): a last bookmark goes out just before. */
  deadline?: number;
}

export interface WatchSink {
  /**
   * Returns false when the client is congested (the watch cache then queues until resume()). shared, when
   * set, stands for this event in every watcher that receives it, for as long as the event is kept: the
   * place to memoize its encodings (see memoize). obj may be a function that decodes the object (only called
   * when it is read); json, when given, returns the object's JSON when it is at hand without encoding.
   */
  event(type: WatchEventType, obj: KObject | (() => KObject), shared?: object, json?: () => Buffer | undefined): boolean | void;
  error(err: StatusError): void;
  /** The server ended the watch without an error (slow client, shutdown). */
  end?(): void;
}

export interface StoreWatcher {
  close(): void;
  /** The client drained its buffer: continue delivering. */
  resume(): void;
}

const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

/**
 * A stored value with metadata.resourceVersion = its revision, placed where Go puts it (after uid): parsed
 * from the text with the field spliced in (cheaper than rebuilding the parsed metadata object).
 */
function parseStored(kv: KeyValue): KObject {
  const r = renderStored(kv);
  if (r !== undefined) return JSON.parse(r.text) as KObject;
  const obj = JSON.parse(kv.value) as KObject;
  setResourceVersion(obj, String(kv.modRevision));
  return obj;
}

const STORED_HEAD = /^\{"kind":"([A-Za-z0-9]+)","apiVersion":"([a-z0-9.\-/]+)","metadata":\{"name":"[^"\\]*",(?:"generateName":"[^"\\]*",)?(?:"namespace":"[^"\\]*",)?"uid":"[0-9a-f-]+"/;

/**
 * The JSON of parseStored(kv) without parsing it, for a value as encode() writes it (JSON.stringify, kind and
 * apiVersion first, metadata from name to uid as Go orders it): the stored text with resourceVersion spliced
 * in after uid, which is what stringifying the parsed object gives. Undefined for any other shape.
 */
function renderStored(kv: KeyValue): { text: string; kind: string; apiVersion: string } | undefined {
  const v = kv.value;
  const head = STORED_HEAD.exec(v);
  if (head === null) return undefined;
  const at = head[0].length;
  if (v.startsWith(',"resourceVersion"', at)) return undefined;
  return { text: `${v.slice(0, at)},"resourceVersion":"${kv.modRevision}"${v.slice(at)}`, kind: head[1]!, apiVersion: head[2]! };
}

/** renderStored with the text's UTF-8 bytes, as the watch cache holds them. */
function storedJson(kv: KeyValue): (StoredJson & { readonly text: string }) | undefined {
  const r = renderStored(kv);
  return r && { ...r, bytes: Buffer.from(r.text) };
}

/** Sets metadata.resourceVersion where Go places it (after uid), keeping the other fields' order. */
function setResourceVersion(obj: KObject, rv: string): void {
  const m = metaOf(obj) as Record<string, unknown>;
  if ('resourceVersion' in m) {
    m.resourceVersion = rv;
    return;
  }
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const [k, v] of Object.entries(m)) {
    if (!placed && META_ORDER.indexOf(k) > META_ORDER.indexOf('resourceVersion')) {
      out.resourceVersion = rv;
      placed = true;
    }
    out[k] = v;
  }
  if (!placed) out.resourceVersion = rv;
  obj.metadata = out as ObjectMeta;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function metaOf(obj: KObject): ObjectMeta {
  if (!isObject(obj.metadata)) obj.metadata = {};
  return obj.metadata as ObjectMeta;
}

function withoutMetaAndStatus(obj: KObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

function withoutMeta(obj: KObject): string {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** kube's storage.NewTooLargeResourceVersionError: 504 Timeout with retry and cause. */
export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return new StatusError(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

/** metainternalversion ValidateListOptions (lists) and validateWatchOptions (watches), kube 1.32. */
export function validateListOptions(p: ListParams, watch: boolean): void {
  const errs: FieldError[] = [];
  const match = p.resourceVersionMatch ?? '';
  if (watch) {
    if (p.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
      errs.push(fieldErr.forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
    }
    if (match) {
      if (p.sendInitialEvents === undefined) errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
      if (match !== 'NotOlderThan') errs.push(fieldErr.notSupported('resourceVersionMatch', match, ['NotOlderThan']));
      if (p.continue) errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
  } else {
    if (match) {
      if (p.resourceVersion === undefined || p.resourceVersion === '') errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
      if (p.continue) errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
      if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(fieldErr.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
      if (match === 'Exact' && p.resourceVersion === '0') errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
    if (p.sendInitialEvents !== undefined) errs.push(fieldErr.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  }
  if (errs.length) throw invalid('meta.k8s.io', 'ListOptions', '', errs);
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const j = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (j.v !== 'meta.k8s.io/v1' || typeof j.rv !== 'number' || typeof j.start !== 'string') throw new Error('bad');
    if (j.start.includes('..') || j.start.startsWith('/')) throw new Error('bad');
    return { rv: j.rv, start: j.start };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export class GenericStore {
  readonly gr: { group: string; resource: string };
  /** Every write of the resource carries its TTL, updates included (kube's TTLFunc for Events). */
  private readonly putOptions: PutOptions | undefined;
  constructor(readonly cfg: StoreConfig) {
    this.gr = { group: cfg.storageResource.group, resource: cfg.storageResource.name };
    this.putOptions = cfg.ttlSeconds ? { ttlSeconds: cfg.ttlSeconds } : undefined;
  }

  private grOf(scope: RequestScope) {
    return { group: scope.resource.group, resource: scope.resource.name };
  }

  private decode(kv: KeyValue, scope: RequestScope | undefined): KObject {
    const obj = parseStored(kv);
    const out = scope ? this.toScope(obj, scope) : obj;
    this.cfg.onRead?.(out);
    return out;
  }

  /** A stored value decoded in the storage version (what the watch cache keeps). */
  decodeStored(kv: KeyValue): KObject {
    return this.decode(kv, undefined);
  }

  /**
   * decodeStored(kv) as JSON bytes without decoding, when the two are the same (no read-time hook changes the
   * object, e.g. custom resources' defaulting); see WatchCacheOptions.encodeStored.
   */
  encodeStored(kv: KeyValue): StoredJson | undefined {
    if (this.cfg.onRead) return undefined;
    // Events come in revision order: older renderings were for events that arrived before their write's answer.
    for (const [rev, w] of this.writtenJson) {
      if (rev > kv.modRevision) break;
      this.writtenJson.delete(rev);
      if (rev === kv.modRevision && w.key === kv.key) return w.json;
    }
    return storedJson(kv);
  }

  /**
   * The JSON of values this server just wrote, by revision, until the watch cache takes them (encodeStored):
   * the response and the cache entry share one rendering. Bounded: cleared when no cache takes them.
   */
  private readonly writtenJson = new Map<number, { key: string; json: StoredJson }>();

  /**
   * What a write answers with: decodeA(kv, scope), and when the stored JSON is the client's object (its
   * version, no read-time hook) those bytes are remembered for the response (cachedJson) instead of encoding
   * the object again.
   */
  private async written(kv: KeyValue, scope: RequestScope): Promise<KObject> {
    const json = this.cfg.onRead ? undefined : storedJson(kv);
    if (json === undefined || json.kind !== scope.resource.kind || json.apiVersion !== apiVersionOf(scope.resource.group, scope.resource.version)) return this.decodeA(kv, scope);
    const obj = JSON.parse(json.text) as KObject;
    rememberJson(obj, json.bytes);
    if (this.cfg.cache) {
      if (this.writtenJson.size >= 4096) this.writtenJson.clear();
      this.writtenJson.set(kv.modRevision, { key: kv.key, json: { bytes: json.bytes, kind: json.kind, apiVersion: json.apiVersion } });
    }
    return obj;
  }

  /** decode(), through the resource's asynchronous converter (CRD conversion webhooks) when it has one. */
  private async decodeA(kv: KeyValue, scope: RequestScope | undefined): Promise<KObject> {
    if (!this.cfg.convert || !scope) return this.decode(kv, scope);
    const obj = parseStored(kv);
    const out = (await this.convertMany([obj], scope.resource.group, scope.resource.version, scope.resource.kind))[0]!;
    this.cfg.onRead?.(out);
    return out;
  }

  private async convertMany(objs: KObject[], group: string, version: string, kind: string): Promise<KObject[]> {
    const target = apiVersionOf(group, version);
    if (!this.cfg.convert || objs.every((o) => o.apiVersion === target)) return objs.map((o) => convertObject(o, group, version, kind));
    return this.cfg.convert(objs, target);
  }

  private toScope(obj: KObject, scope: RequestScope): KObject {
    return convertObject(obj, scope.resource.group, scope.resource.version, scope.resource.kind);
  }

  private async toStorageA(obj: KObject): Promise<KObject> {
    const s = this.cfg.storageResource;
    return (await this.convertMany([obj], s.group, s.version, s.kind))[0]!;
  }

  /** Stored JSON, in the field order kube's Go types serialize (kind, apiVersion, metadata first). */
  private encode(obj: KObject): string {
    const { kind, apiVersion, metadata, ...rest } = obj;
    const meta: Record<string, unknown> = {};
    const m = (metadata ?? {}) as Record<string, unknown>;
    for (const k of META_ORDER) if (m[k] !== undefined && k !== 'resourceVersion' && k !== 'selfLink') meta[k] = m[k];
    for (const k of Object.keys(m)) if (!(k in meta) && k !== 'resourceVersion' && k !== 'selfLink') meta[k] = m[k];
    return JSON.stringify({ kind, apiVersion, metadata: meta, ...rest });
  }

  private key(namespace: string | undefined, name: string): string {
    return objectKey(this.cfg.prefix, this.cfg.storageResource.namespaced ? namespace : undefined, name);
  }

  private validatorOf(scope: RequestScope): Validator {
    const r = scope.resource;
    if (this.cfg.validatorFor && r.group !== this.cfg.storageResource.group) return this.cfg.validatorFor(r.group, r.name);
    return this.cfg.validator;
  }

  private types(scope: RequestScope): TypeResolver | undefined {
    if (this.cfg.typeResolver) return this.cfg.typeResolver(scope.resource);
    const def = scope.resource.definition;
    if (!def) return undefined;
    try {
      return builtinTypeResolver(def);
    } catch {
      return undefined;
    }
  }

  private manager(opts: WriteOptions): string {
    return opts.fieldManager ?? managerFromUserAgent(opts.userAgent);
  }

  private hasStatusSubresource(scope: RequestScope): boolean {
    return scope.resource.subresources?.some((s) => s.name === 'status') ?? false;
  }

  /** Record the Update operation's field ownership in next.metadata.managedFields. */
  /**
   * metadata.managedFields after recording this update (undefined: the object has none), or null when the
   * resource's fields are not tracked here and managedFields stay as they are.
   */
  private trackUpdate(scope: RequestScope, old: KObject | undefined, next: KObject, opts: WriteOptions): ManagedFieldsEntry[] | undefined | null {
    if (opts.managedFieldsDone) return null;
    const types = this.types(scope);
    if (!types) return null;
    const sub = opts.subresource === 'status' ? 'status' : opts.trackSubresource;
    return managedFieldsAfterUpdate(old, next, types, {
      manager: this.manager(opts),
      apiVersion: apiVersionOf(scope.resource.group, scope.resource.version),
      subresource: sub,
      now: new Date(),
      resetFields: defaultResetFields(sub, this.hasStatusSubresource(scope)),
    });
  }


  /**
   * Decode as kube does into typed structs: unknown fields are dropped (Strict/Warn report them) and
   * zero-valued omitempty fields vanish.
   */
  private checkFields(scope: RequestScope, obj: KObject, opts: WriteOptions, normalize = true): void {
    const unknown = this.cfg.pruneFields ? this.cfg.pruneFields(scope.resource, obj) : pruneUnknownFields(obj, scope.resource.definition);
    enforceFieldValidation(opts.fieldValidation ?? 'Warn', unknown, opts.duplicateFields ?? [], opts.warnings);
    if (normalize && !this.cfg.custom) normalizeGoJson(obj, scope.resource.definition);
  }

  private ctx(scope: RequestScope, dryRun: boolean, subresource?: string): OpContext {
    return { user: scope.user, namespace: scope.namespace, dryRun, resource: scope.resource, subresource, store: this.cfg.reader };
  }

  // ---------------------------------------------------------------- reads

  async getRaw(namespace: string | undefined, name: string): Promise<KObject | undefined> {
    const kv = await this.cfg.storage.get(this.key(namespace, name));
    return kv ? this.decode(kv, undefined) : undefined;
  }

  /**
   * The object as the watch cache has it now (possibly a moment behind storage), from storage when the
   * cache does not have it: what kube's admission plugins read through their informers.
   */
  async getRecent(namespace: string | undefined, name: string): Promise<KObject | undefined> {
    const c = this.cfg.cache;
    const hit = c?.isReady() ? c.peek(this.key(namespace, name)) : undefined;
    return hit ?? this.getRaw(namespace, name);
  }

  /**
   * get()'s answer as JSON bytes, when the watch cache holds the object in the client's version (no decoding);
   * undefined when get() must answer.
   */
  async getJson(scope: RequestScope, name: string): Promise<Buffer | undefined> {
    const cache = this.cacheFor(scope);
    if (!cache) return undefined;
    try {
      const hit = await cache.getEntry(this.key(scope.namespace, name), 'consistent');
      if (!hit) throw notFound(this.grOf(scope), name);
      if (hit.kind !== scope.resource.kind || hit.apiVersion !== apiVersionOf(scope.resource.group, scope.resource.version)) return undefined;
      return hit.json();
    } catch (e) {
      if (e instanceof TooLargeResourceVersionError || e instanceof CacheNotReadyError) return undefined;
      throw e;
    }
  }

  /**
   * GET's resourceVersion: unset or "0" need nothing (reads here are at least as fresh as kube's cache);
   * a revision the store has not reached is waited for briefly, then kube's 504 "Too large resource version".
   */
  async ensureFresh(resourceVersion: string | undefined): Promise<void> {
    const rv = resourceVersionParam(resourceVersion, this.cfg.cache ? 'cache' : 'storage');
    if (rv !== undefined && rv > 0) await this.waitForRevision(rv);
  }

  async get(scope: RequestScope, name: string): Promise<KObject> {
    const key = this.key(scope.namespace, name);
    const cache = this.cacheFor(scope);
    if (cache) {
      // A consistent read from the watch cache (it first catches up with storage's current revision).
      try {
        const hit = await cache.get(key, 'consistent');
        if (!hit) throw notFound(this.grOf(scope), name);
        return this.converter(scope)(hit.object);
      } catch (e) {
        if (!(e instanceof TooLargeResourceVersionError || e instanceof CacheNotReadyError)) throw e;
      }
    }
    const kv = await this.cfg.storage.get(key);
    if (!kv) throw notFound(this.grOf(scope), name);
    return this.decodeA(kv, scope);
  }

  private selectors(scope: RequestScope, p: { labelSelector?: string; fieldSelector?: string }): { label?: LabelSelector; field?: FieldSelector } {
    const label = p.labelSelector ? parseLabelSelector(p.labelSelector) : undefined;
    let field = p.fieldSelector ? parseFieldSelector(p.fieldSelector) : undefined;
    if (field && !field.empty()) {
      if (this.cfg.selectableFields) {
        const extra = this.cfg.selectableFields(scope.resource.version);
        const allowed = ['metadata.name', 'metadata.namespace', ...extra.keys()];
        for (const r of field.requirements()) {
          if (!allowed.includes(r.field)) {
            throw badRequest(`${JSON.stringify(r.field)} is not a known field selector: only ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
          }
        }
      } else {
        field = transformFieldSelector(scope.resource.group, scope.resource.name, scope.resource.namespaced, field);
      }
    }
    return { label: label && !label.empty() ? label : undefined, field: field && !field.empty() ? field : undefined };
  }

  /** The selectable fields of an object of this resource in the given version (kube's GetAttrs fields). */
  private fieldsOf(r: ResourceInfo): (obj: KObject) => Record<string, string> {
    const { group, name, namespaced } = r;
    const extra = this.cfg.selectableFields?.(r.version);
    if (!extra) return (obj) => selectableFields(group, name, obj, namespaced);
    return (obj) => {
      const f: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '', 'metadata.namespace': obj.metadata?.namespace ?? '' };
      for (const [label, path] of extra) {
        const v = getPath(obj, path);
        f[label] = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
      }
      return f;
    };
  }

  /**
   * The selectable fields the watch cache keeps beside an object it holds only as JSON: those of the
   * storage version, for objects stored in it (others are decoded when a selector needs them).
   */
  storedFields(): (obj: KObject) => Readonly<Record<string, string>> | undefined {
    const r = this.cfg.storageResource;
    const gv = apiVersionOf(r.group, r.version);
    const fieldsOf = this.fieldsOf(r);
    return (obj) => {
      if (obj.apiVersion !== gv || obj.kind !== r.kind) return undefined;
      const f = fieldsOf(obj);
      // metadata.name/namespace alone: the entry keeps those anyway (metadata-only selectors).
      return Object.keys(f).some((k) => !k.startsWith('metadata.')) ? f : undefined;
    };
  }

  private matcher(scope: RequestScope, sel: { label?: LabelSelector; field?: FieldSelector }): (obj: KObject) => boolean {
    const { label, field } = sel;
    if (!label && !field) return () => true;
    const fieldsOf = this.fieldsOf(scope.resource);
    return (obj) => {
      if (label && !label.matches(obj.metadata?.labels)) return false;
      if (field && !field.matches(fieldsOf(obj))) return false;
      return true;
    };
  }

  /**
   * The watch cache's form of a selector (undefined: none). Selectors on labels, metadata.name and
   * metadata.namespace only are metadata-only: those are the same in every version, so no conversion, and
   * the cache can evaluate them on objects it keeps as JSON without decoding them. Through the storage
   * version, other field selectors can be answered from the fields the cache keeps (storedFields).
   */
  private cacheFilter(scope: RequestScope, sel: { label?: LabelSelector; field?: FieldSelector }, match: (o: KObject) => boolean): CacheFilter | undefined {
    const { label, field } = sel;
    if (!label && !field) return undefined;
    const metadataOnly = !field || field.requirements().every((r) => r.field === 'metadata.name' || r.field === 'metadata.namespace');
    if (metadataOnly) return Object.assign((o: KObject) => match(o), { metadataOnly });
    const conv = this.converter(scope);
    const filter = (o: KObject) => match(conv(o));
    const s = this.cfg.storageResource;
    const r = scope.resource;
    if (r.group !== s.group || r.version !== s.version || r.kind !== s.kind) return filter;
    const select = (labels: Readonly<Record<string, string>> | undefined, fields: Readonly<Record<string, string>>) =>
      (!label || label.matches(labels)) && field!.matches(fields);
    return Object.assign(filter, { select });
  }

  async list(scope: RequestScope, p: ListParams): Promise<ListResult> {
    validateListOptions(p, false);
    const prefix = listPrefix(this.cfg.prefix, this.cfg.storageResource.namespaced ? scope.namespace : undefined);
    const sel = this.selectors(scope, p);
    const match = this.matcher(scope, sel);
    const filtered = Boolean(sel.label || sel.field);
    const limit = p.limit && p.limit > 0 ? p.limit : 0;

    // With a continue token, kube refuses any resourceVersion before parsing it (listFromStorage). Otherwise
    // the layer that would serve the list in kube decides the status of one that does not parse.
    const rv = p.continue ? undefined : resourceVersionParam(p.resourceVersion, this.cfg.cache?.servesList(p) ? 'cache' : 'storage');
    const cache = this.cacheFor(scope);
    if (!p.continue && cache && cache.canServeList(p)) {
      try {
        const conv = this.converter(scope);
        const res = await cache.list({
          prefix,
          filter: this.cacheFilter(scope, sel, match),
          minRevision: rv === undefined ? 'consistent' : rv === 0 ? undefined : rv,
          limit: rv === 0 ? 0 : limit,
        });
        const gv = apiVersionOf(scope.resource.group, scope.resource.version);
        const asStored = res.entries.every((e) => e.apiVersion === gv && e.kind === scope.resource.kind);
        let items: KObject[] | undefined;
        const out: ListResult = {
          get items() {
            return (items ??= res.items.map(conv));
          },
          resourceVersion: String(res.revision),
        };
        if (asStored) out.cached = res.entries;
        if (res.more) {
          out.continue = encodeContinue(res.revision, res.keys[res.keys.length - 1]!.slice(prefix.length) + '\x00');
          if (!filtered) out.remainingItemCount = res.remaining;
        }
        return out;
      } catch (e) {
        if (e instanceof TooLargeResourceVersionError) {
          if (rv !== undefined) throw tooLargeResourceVersion(e.requested, e.current);
        } else if (!(e instanceof CacheNotReadyError)) {
          throw e;
        }
        // fall back to storage
      }
    }
    return this.listFromStorage(scope, p, rv, prefix, match, filtered, limit);
  }

  /** rv: p.resourceVersion, parsed (undefined with a continue token). */
  private async listFromStorage(
    scope: RequestScope,
    p: ListParams,
    rv: number | undefined,
    prefix: string,
    match: (o: KObject) => boolean,
    filtered: boolean,
    limit: number,
  ): Promise<ListResult> {
    const storage = this.cfg.storage;
    let revision: number | undefined;
    let startKey: string | undefined;
    let exact = false;
    if (p.continue) {
      if (p.resourceVersion && p.resourceVersion !== '0') throw badRequest('specifying resource version is not allowed when using continue');
      const tok = decodeContinue(p.continue);
      // rv -1: continue at the latest revision (the token a compacted continue hands out)
      revision = tok.rv === -1 ? undefined : tok.rv;
      startKey = prefix + tok.start;
    } else if (p.resourceVersionMatch === 'Exact') {
      revision = rv;
      exact = true;
    } else if (rv !== undefined && rv > 0) {
      await this.waitForRevision(rv);
    }

    const items: KObject[] = [];
    let listRevision = 0;
    let more = false;
    let remaining = 0;
    let lastKey = '';
    const page = limit ? Math.max(limit, 100) : 0;
    for (;;) {
      let res;
      try {
        res = await storage.list(prefix, { revision, limit: page, startKey });
      } catch (e) {
        if (e instanceof CompactedError) {
          if (p.continue) {
            const err = resourceExpired(INCONSISTENT_CONTINUE);
            err.listMeta = { continue: encodeContinue(-1, (startKey ?? prefix).slice(prefix.length)) };
            throw err;
          }
          if (exact) throw resourceExpired('The resourceVersion for the provided list is too old.');
          throw resourceExpired(`too old resource version: ${revision} (${e.compacted})`);
        }
        // kube passes etcd's error through as it is: a Status without a reason.
        if (e instanceof FutureRevisionError) throw new StatusError(500, '', 'etcdserver: mvcc: required revision is a future revision');
        throw e;
      }
      listRevision = res.revision;
      revision = res.revision;
      let stoppedEarly = false;
      for (let i = 0; i < res.items.length; i++) {
        const kv = res.items[i]!;
        const obj = await this.decodeA(kv, scope);
        lastKey = kv.key;
        if (!match(obj)) continue;
        items.push(obj);
        if (limit && items.length >= limit) {
          if (i < res.items.length - 1 || res.more) {
            more = true;
            remaining = res.remaining + (res.items.length - 1 - i);
          }
          stoppedEarly = true;
          break;
        }
      }
      if (stoppedEarly || !res.more) break;
      startKey = lastKey + '\x00';
    }
    const out: ListResult = { items, resourceVersion: String(listRevision) };
    if (more) {
      out.continue = encodeContinue(listRevision, lastKey.slice(prefix.length) + '\x00');
      if (!filtered) out.remainingItemCount = remaining;
    }
    return out;
  }

  /** The watch cache, when it can serve this request's version synchronously (not through a conversion webhook). */
  private cacheFor(scope: RequestScope): WatchCache | undefined {
    const c = this.cfg.cache;
    if (!c || !c.isReady()) return undefined;
    if (this.cfg.convert && scope.resource.version !== this.cfg.storageResource.version) return undefined;
    return c;
  }

  /** Stored-version object → request version, memoized per cached (frozen) object. */
  private converter(scope: RequestScope): (o: KObject) => KObject {
    const { group, version, kind } = scope.resource;
    const slot = `conv|${group}/${version}|${kind}`;
    return (o) => (o.apiVersion === apiVersionOf(group, version) && o.kind === kind ? o : memoize(o, slot, () => convertObject(o, group, version, kind)));
  }

  /** NotOlderThan semantics: wait briefly for the store to reach rv, as kube's watch cache does, then 504. */
  private async waitForRevision(rv: number): Promise<void> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const cur = await this.cfg.storage.currentRevision();
      if (cur >= rv) return;
      if (Date.now() > deadline) throw tooLargeResourceVersion(rv, cur);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // ---------------------------------------------------------------- writes

  private checkBodyIdentity(scope: RequestScope, obj: KObject, urlName?: string): void {
    const want = apiVersionOf(scope.resource.group, scope.resource.version);
    if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== want) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
    }
    if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== scope.resource.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${scope.resource.kind})`);
    }
    obj.apiVersion = want;
    obj.kind = scope.resource.kind;
    const meta = metaOf(obj);
    if (scope.resource.namespaced) {
      if (meta.namespace && scope.namespace && meta.namespace !== scope.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (scope.namespace) meta.namespace = scope.namespace;
    } else if (meta.namespace) {
      delete meta.namespace;
    }
    if (urlName !== undefined && meta.name !== undefined && meta.name !== '' && meta.name !== urlName) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${urlName})`);
    }
  }

  private validateOrThrow(scope: RequestScope, obj: KObject, errs: FieldError[]): void {
    if (errs.length) throw invalid(scope.resource.group, scope.resource.kind, metaOf(obj).name ?? '', errs);
  }

  async create(scope: RequestScope, body: KObject, opts: WriteOptions): Promise<KObject> {
    const generatedName = Boolean(body.metadata?.generateName && !body.metadata?.name);
    const sentResourceVersion = body.metadata?.resourceVersion;
    const obj = opts.bodyOwned ? body : clone(body);
    this.checkBodyIdentity(scope, obj);
    const { strategy } = this.cfg;
    const validator = this.validatorOf(scope);
    const ctx = this.ctx(scope, opts.dryRun);
    const meta = metaOf(obj);
    if (this.cfg.storageResource.namespaced && this.cfg.namespaceCheck && scope.namespace) await this.cfg.namespaceCheck(scope.namespace, this.grOf(scope), meta.name ?? meta.generateName ?? "");

    this.checkFields(scope, obj, opts);
    strategy.default?.(obj);
    // rest.BeforeCreate: system fields are the server's.
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    delete meta.selfLink;
    if (this.cfg.hasGeneration) meta.generation = 1;
    else delete meta.generation;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    const tracked = this.trackUpdate(scope, undefined, obj, opts);
    if (tracked !== null) meta.managedFields = tracked;
    strategy.prepareForCreate?.(obj, ctx);
    if (this.cfg.hasGeneration) meta.generation = 1;
    this.validateOrThrow(scope, obj, validator.validate(obj, ctx));
    await strategy.beforeCreate?.(obj, ctx);

    const name = meta.name!;
    const stored = await this.toStorageA(obj);
    if (opts.dryRun) {
      const existing = await this.cfg.storage.get(this.key(scope.namespace, name));
      if (existing) throw alreadyExists(this.grOf(scope), name);
      return obj;
    }
    if (opts.post) checkNoResourceVersionOnCreate(sentResourceVersion);
    let kv: KeyValue;
    try {
      kv = await this.cfg.storage.create(this.key(scope.namespace, name), this.encode(stored), this.putOptions);
    } catch (e) {
      if (e instanceof KeyExistsError) {
        if (generatedName) throw generateNameConflict(this.grOf(scope), name, 1);
        throw alreadyExists(this.grOf(scope), name);
      }
      throw e;
    }
    const created = await this.written(kv, scope);
    this.cfg.onChange?.('ADDED', created);
    return created;
  }

  /**
   * PUT. For subresource "status" only status changes; for the main resource status is kept when the
   * resource has a status subresource.
   */
  async update(scope: RequestScope, name: string, body: KObject, opts: WriteOptions): Promise<{ obj: KObject; created: boolean }> {
    const obj = opts.bodyOwned ? body : clone(body);
    this.checkBodyIdentity(scope, obj, name);
    if (!opts.managedFieldsDone) this.checkFields(scope, obj, { ...opts, fieldValidation: opts.subresource && opts.subresource !== 'status' ? 'Ignore' : opts.fieldValidation });
    if (!metaOf(obj).name) metaOf(obj).name = name;
    const key = this.key(scope.namespace, name);
    const kv = await this.cfg.storage.get(key);
    if (!kv) {
      if (this.cfg.strategy.allowCreateOnUpdate && !opts.subresource) {
        // kube parses the object's resourceVersion before creating it (then drops it): garbage is a 500.
        objectResourceVersion(metaOf(obj).resourceVersion);
        const created = await this.create(scope, obj, opts);
        return { obj: created, created: true };
      }
      throw notFound(this.grOf(scope), name);
    }
    const wantRV = objectResourceVersion(metaOf(obj).resourceVersion);
    if (wantRV !== undefined && wantRV !== kv.modRevision) {
      throw conflict(this.grOf(scope), name, OPTIMISTIC_LOCK_MESSAGE);
    }
    const old = await this.decodeA(kv, scope);
    const result = await this.writeUpdate(scope, old, obj, kv.modRevision, opts);
    return { obj: result, created: false };
  }

  /** Apply the update rules to obj (old = current stored state, in the request's version) and write with CAS. */
  private async writeUpdate(scope: RequestScope, old: KObject, obj: KObject, expectedRev: number, opts: WriteOptions): Promise<KObject> {
    const { strategy } = this.cfg;
    const validator = this.validatorOf(scope);
    const ctx = this.ctx(scope, opts.dryRun, opts.subresource);
    const meta = metaOf(obj);
    const oldMeta = metaOf(old);
    const name = oldMeta.name!;
    if (meta.uid && meta.uid !== oldMeta.uid) {
      throw conflict(this.grOf(scope), name, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${oldMeta.uid}`);
    }
    strategy.default?.(obj);
    // System fields come from the stored object.
    meta.uid = oldMeta.uid;
    meta.creationTimestamp = oldMeta.creationTimestamp;
    if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    else delete meta.deletionGracePeriodSeconds;
    if (oldMeta.generation !== undefined) meta.generation = oldMeta.generation;
    else delete meta.generation;
    meta.resourceVersion = oldMeta.resourceVersion;

    const hasStatus = scope.resource.subresources?.some((s) => s.name === 'status') ?? false;
    let errs: FieldError[];
    if (opts.subresource === 'status') {
      // Status writes change status only (ResetObjectMetaForStatus + spec from old).
      const next: KObject = { ...clone(old), status: obj.status };
      if (obj.status === undefined) delete next.status;
      const nm = metaOf(next);
      const om = meta;
      // metadata other than the reset fields may change through status (kube keeps them from old anyway)
      nm.resourceVersion = oldMeta.resourceVersion;
      if (om.managedFields !== undefined) nm.managedFields = om.managedFields;
      else delete nm.managedFields;
      const trackedStatus = this.trackUpdate(scope, old, next, opts);
      if (trackedStatus) nm.managedFields = trackedStatus;
      strategy.prepareForStatusUpdate?.(next, old, ctx);
      errs = validator.validateStatusUpdate?.(next, old, ctx) ?? validator.validateUpdate(next, old, ctx);
      return this.finishUpdate(scope, old, next, expectedRev, opts, errs);
    }
    // Other subresources (finalize, approval, ephemeralcontainers) hand in the complete next object.
    const fieldSubresource = opts.subresource !== undefined;
    if (hasStatus && !fieldSubresource) {
      if (old.status === undefined) delete obj.status;
      else obj.status = clone(old.status);
    }
    if (!fieldSubresource) {
      const tracked = this.trackUpdate(scope, old, obj, opts);
      if (tracked) meta.managedFields = tracked;
      else if (tracked === undefined) delete meta.managedFields;
      strategy.prepareForUpdate?.(obj, old, ctx);
    } else if (oldMeta.managedFields) {
      meta.managedFields = oldMeta.managedFields;
    }
    if (this.cfg.hasGeneration && (hasStatus ? withoutMetaAndStatus(obj) !== withoutMetaAndStatus(old) : withoutMeta(obj) !== withoutMeta(old))) {
      meta.generation = (oldMeta.generation ?? 0) + 1;
    }
    errs = validator.validateUpdate(obj, old, ctx);
    return this.finishUpdate(scope, old, obj, expectedRev, opts, errs);
  }

  private async finishUpdate(scope: RequestScope, old: KObject, obj: KObject, expectedRev: number, opts: WriteOptions, errs: FieldError[]): Promise<KObject> {
    this.validateOrThrow(scope, obj, errs);
    const ctx = this.ctx(scope, opts.dryRun, opts.subresource);
    if (!opts.subresource) await this.cfg.strategy.beforeUpdate?.(obj, old, ctx);
    const meta = metaOf(obj);
    const name = meta.name!;
    const key = this.key(scope.namespace, name);
    const stored = await this.toStorageA(obj);
    const encoded = this.encode(stored);
    const oldStored = this.encode(await this.toStorageA(old));
    // Deleting objects whose last finalizer was removed (kube: deleteWithoutFinalizers on update).
    const shouldDelete =
      Boolean(meta.deletionTimestamp) &&
      (meta.finalizers?.length ?? 0) === 0 &&
      (meta.deletionGracePeriodSeconds ?? 0) === 0 &&
      this.cfg.softDelete?.(clone(obj)) === undefined;
    if (opts.dryRun) return obj;
    if (encoded === oldStored && !shouldDelete) return old; // no-op update: no new revision
    try {
      if (shouldDelete) {
        const kv = await this.cfg.storage.delete(key, expectedRev);
        const out = { ...obj };
        metaOf(out).resourceVersion = String(kv.modRevision);
        this.cfg.onChange?.('DELETED', out);
        return out;
      }
      const kv = await this.cfg.storage.update(key, encoded, expectedRev, this.putOptions);
      const res = await this.written(kv, scope);
      this.cfg.onChange?.('MODIFIED', res);
      return res;
    } catch (e) {
      if (e instanceof ConflictError) throw conflict(this.grOf(scope), name, OPTIMISTIC_LOCK_MESSAGE);
      if (e instanceof KeyNotFoundError) throw notFound(this.grOf(scope), name);
      throw e;
    }
  }

  async patch(scope: RequestScope, name: string, type: PatchType, patch: unknown, opts: WriteOptions): Promise<KObject> {
    const key = this.key(scope.namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.cfg.storage.get(key);
      if (!kv) throw notFound(this.grOf(scope), name);
      const old = await this.decodeA(kv, scope);
      let patched: KObject;
      switch (type) {
        case 'json':
          patched = applyJsonPatch(old, patch);
          break;
        case 'merge':
          patched = applyMergePatch(old, patch);
          break;
        case 'strategic': {
          const def = scope.resource.definition;
          if (!def || this.cfg.custom) throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
          patched = applyStrategicMergePatch(old, patch, this.definitionFor(scope, opts.subresource));
          break;
        }
      }
      if (!isObject(patched)) throw badRequest('the patched object is not a JSON object');
      const pm = metaOf(patched);
      // A resourceVersion the patch changed is a precondition, as an update's (one that does not parse is Go's
      // bare 500); a removed one means the latest. Patches otherwise retry on conflict.
      const patchedRV: unknown = pm.resourceVersion;
      if (patchedRV !== undefined && patchedRV !== null && String(patchedRV) !== String(kv.modRevision)) {
        objectResourceVersion(String(patchedRV));
        throw conflict(this.grOf(scope), name, OPTIMISTIC_LOCK_MESSAGE);
      }
      if (pm.name !== name) {
        if (!pm.name) pm.name = name;
        else throw badRequest(`the name of the object (${pm.name}) does not match the name on the URL (${name})`);
      }
      pm.resourceVersion = String(kv.modRevision);
      this.checkBodyIdentity(scope, patched, name);
      this.checkFields(scope, patched, opts);
      try {
        return await this.writeUpdate(scope, old, patched, kv.modRevision, opts);
      } catch (e) {
        if (e instanceof StatusError && e.reason === 'Conflict' && attempt < 5) continue;
        throw e;
      }
    }
  }

  /** Server-side apply (PATCH with application/apply-patch+yaml): creates the object when it is missing. */
  async apply(scope: RequestScope, name: string, body: unknown, opts: ApplyOptions): Promise<{ obj: KObject; created: boolean }> {
    if (!isObject(body)) throw badRequest('error decoding YAML: the apply patch must be an object');
    const types = this.types(scope);
    if (!types) throw new StatusError(415, 'UnsupportedMediaType', 'apply patches are not supported for this resource');
    if (!opts.fieldManager) {
      throw invalid('meta.k8s.io', 'PatchOptions', '', [fieldErr.required('fieldManager', 'is required for apply patch')]);
    }
    const applied = clone(body) as KObject;
    const bm = metaOf(applied);
    if (bm.name !== undefined && bm.name !== name) throw badRequest(`the name of the object (${bm.name}) does not match the name on the URL (${name})`);
    if (scope.resource.namespaced && bm.namespace && scope.namespace && bm.namespace !== scope.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    // Apply configurations keep explicit zero values (field ownership); the merged result is normalized.
    this.checkFields(scope, applied, opts, false);
    const sub = opts.subresource === 'status' ? 'status' : undefined;
    const key = this.key(scope.namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.cfg.storage.get(key);
      const live = kv ? await this.decodeA(kv, scope) : undefined;
      if (!live && sub) throw notFound(this.grOf(scope), name);
      const merged = serverSideApply(live, applied, types, {
        manager: opts.fieldManager,
        force: opts.force,
        apiVersion: apiVersionOf(scope.resource.group, scope.resource.version),
        subresource: sub,
        now: new Date(),
        kind: scope.resource.kind,
        resetFields: defaultResetFields(sub, this.hasStatusSubresource(scope)),
      });
      const mm = metaOf(merged);
      if (!mm.name) mm.name = name;
      if (!this.cfg.custom) normalizeGoJson(merged, scope.resource.definition);
      try {
        if (!live) {
          // As for PUT: a resourceVersion is parsed (garbage is a 500) and dropped when apply creates.
          objectResourceVersion(bm.resourceVersion);
          const created = await this.create(scope, merged, { ...opts, managedFieldsDone: true, fieldValidation: 'Ignore' });
          return { obj: created, created: true };
        }
        const rvWanted = objectResourceVersion(bm.resourceVersion);
        if (rvWanted !== undefined && rvWanted !== kv!.modRevision) throw conflict(this.grOf(scope), name, OPTIMISTIC_LOCK_MESSAGE);
        mm.resourceVersion = String(kv!.modRevision);
        this.checkBodyIdentity(scope, merged, name);
        const res = await this.writeUpdate(scope, live, merged, kv!.modRevision, { ...opts, managedFieldsDone: true, subresource: sub });
        return { obj: res, created: false };
      } catch (e) {
        const retriable = e instanceof StatusError && (e.reason === 'Conflict' || e.reason === 'AlreadyExists') && !(e.details?.causes?.some((c) => c.reason === 'FieldManagerConflict'));
        if (retriable && bm.resourceVersion === undefined && attempt < 5) continue;
        throw e;
      }
    }
  }

  private definitionFor(scope: RequestScope, subresource?: string): string {
    if (subresource === 'scale') return 'io.k8s.api.autoscaling.v1.Scale';
    return scope.resource.definition!;
  }

  // ---------------------------------------------------------------- delete

  async delete(scope: RequestScope, name: string, dopts: DeleteOptions, opts: WriteOptions): Promise<{ obj: KObject; deleted: boolean }> {
    const key = this.key(scope.namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.cfg.storage.get(key);
      if (!kv) throw notFound(this.grOf(scope), name);
      const obj = await this.decodeA(kv, scope);
      const meta = metaOf(obj);
      this.cfg.deleteCheck?.(obj);
      const pre = dopts.preconditions;
      if (pre?.uid && pre.uid !== meta.uid) {
        throw conflict(this.grOf(scope), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
        throw conflict(
          this.grOf(scope),
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
        );
      }
      const finalizers = new Set(meta.finalizers ?? []);
      const policy = dopts.propagationPolicy ?? (dopts.orphanDependents === true ? 'Orphan' : undefined);
      if (policy === 'Foreground' && !meta.deletionTimestamp) finalizers.add('foregroundDeletion');
      if (policy === 'Orphan' && !meta.deletionTimestamp) finalizers.add('orphan');
      const soft = this.cfg.softDelete?.(clone(obj));
      if (soft) {
        if (meta.deletionTimestamp) return { obj, deleted: false };
        const sm = metaOf(soft);
        sm.deletionTimestamp = rfc3339();
        sm.deletionGracePeriodSeconds = 0;
        if (opts.dryRun) return { obj: soft, deleted: false };
        try {
          const w = await this.cfg.storage.update(key, this.encode(await this.toStorageA(soft)), kv.modRevision, this.putOptions);
          const res = await this.decodeA(w, scope);
          this.cfg.onChange?.('MODIFIED', res);
          return { obj: res, deleted: false };
        } catch (e) {
          if (e instanceof ConflictError && attempt < 5) continue;
          throw e;
        }
      }
      const grace = this.gracePeriod(obj, dopts);
      if (finalizers.size > 0 || grace > 0) {
        // Graceful deletion: mark, keep.
        if (meta.deletionTimestamp && finalizers.size === (meta.finalizers?.length ?? 0)) {
          return { obj, deleted: false };
        }
        const next = clone(obj);
        const nm = metaOf(next);
        if (!nm.deletionTimestamp) {
          nm.deletionTimestamp = rfc3339(new Date(Date.now() + grace * 1000));
          nm.deletionGracePeriodSeconds = grace;
          if (nm.generation !== undefined && nm.generation > 0) nm.generation += 1;
        }
        nm.finalizers = [...finalizers];
        if (opts.dryRun) return { obj: next, deleted: false };
        try {
          const w = await this.cfg.storage.update(key, this.encode(await this.toStorageA(next)), kv.modRevision, this.putOptions);
          const res = await this.decodeA(w, scope);
          this.cfg.onChange?.('MODIFIED', res);
          return { obj: res, deleted: false };
        } catch (e) {
          if (e instanceof ConflictError && attempt < 5) continue;
          if (e instanceof KeyNotFoundError) throw notFound(this.grOf(scope), name);
          throw e;
        }
      }
      if (opts.dryRun) return { obj, deleted: true };
      try {
        const d = await this.cfg.storage.delete(key, kv.modRevision);
        metaOf(obj).resourceVersion = String(d.modRevision);
        this.cfg.onChange?.('DELETED', obj);
        return { obj, deleted: true };
      } catch (e) {
        if (e instanceof ConflictError && attempt < 5) continue;
        if (e instanceof KeyNotFoundError) throw notFound(this.grOf(scope), name);
        throw e;
      }
    }
  }

  private gracePeriod(obj: KObject, dopts: DeleteOptions): number {
    // Only pods bound to a node wait for a kubelet; everything else is deleted at once.
    if (this.cfg.storageResource.group !== '' || this.cfg.storageResource.name !== 'pods') return 0;
    const spec = isObject(obj.spec) ? obj.spec : {};
    const status = isObject(obj.status) ? obj.status : {};
    if (!spec.nodeName) return 0;
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
    if (dopts.gracePeriodSeconds !== undefined) return Math.max(0, dopts.gracePeriodSeconds);
    const t = spec.terminationGracePeriodSeconds;
    return typeof t === 'number' ? t : 30;
  }

  async deleteCollection(scope: RequestScope, lp: ListParams, dopts: DeleteOptions, opts: WriteOptions): Promise<KObject[]> {
    validateListOptions(lp, false);
    const list = await this.list(scope, { labelSelector: lp.labelSelector, fieldSelector: lp.fieldSelector, resourceVersion: lp.resourceVersion });
    const out: KObject[] = [];
    for (const item of list.items) {
      try {
        const r = await this.delete({ ...scope, namespace: item.metadata?.namespace ?? scope.namespace }, item.metadata!.name!, dopts, opts);
        out.push(r.obj);
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) continue;
        throw e;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- scale subresource

  async getScale(scope: RequestScope, name: string): Promise<KObject> {
    const obj = await this.get(scope, name);
    return toScale(obj, this.cfg.scale);
  }

  async updateScale(scope: RequestScope, name: string, scale: KObject, opts: WriteOptions): Promise<KObject> {
    const key = this.key(scope.namespace, name);
    const kv = await this.cfg.storage.get(key);
    if (!kv) throw notFound(this.grOf(scope), name);
    const old = await this.decodeA(kv, scope);
    const sm = isObject(scale.metadata) ? (scale.metadata as ObjectMeta) : {};
    if (sm.name && sm.name !== name) throw badRequest(`the name of the object (${sm.name}) does not match the name on the URL (${name})`);
    const replicas = isObject(scale.spec) ? scale.spec.replicas : undefined;
    const errs: FieldError[] = [];
    if (typeof replicas === 'number' && replicas < 0) errs.push(fieldErr.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
    if (errs.length) throw invalid('autoscaling', 'Scale', name, errs);
    const rv = objectResourceVersion(sm.resourceVersion);
    if (rv !== undefined && rv !== kv.modRevision) throw conflict(this.grOf(scope), name, OPTIMISTIC_LOCK_MESSAGE);
    const next = clone(old);
    const r = typeof replicas === 'number' ? replicas : 0;
    if (this.cfg.scale) setPath(next as Record<string, unknown>, this.cfg.scale.specReplicasPath, r);
    else {
      const spec = isObject(next.spec) ? next.spec : (next.spec = {});
      (spec as Record<string, unknown>).replicas = r;
    }
    const res = await this.writeUpdate(scope, old, next, kv.modRevision, { ...opts, subresource: undefined, trackSubresource: 'scale' });
    return toScale(res, this.cfg.scale);
  }

  async patchScale(scope: RequestScope, name: string, type: PatchType, patch: unknown, opts: WriteOptions): Promise<KObject> {
    const cur = await this.getScale(scope, name);
    let patched: KObject;
    if (type === 'json') patched = applyJsonPatch(cur, patch);
    else if (type === 'merge') patched = applyMergePatch(cur, patch);
    else patched = applyStrategicMergePatch(cur, patch, 'io.k8s.api.autoscaling.v1.Scale');
    return this.updateScale(scope, name, patched, opts);
  }

  // ---------------------------------------------------------------- watch

  async watch(scope: RequestScope, p: WatchParams, sink: WatchSink): Promise<StoreWatcher> {
    validateListOptions(p, true);
    const sel = this.selectors(scope, p);
    const match = this.matcher(scope, sel);
    const nsPrefix = listPrefix(this.cfg.prefix, this.cfg.storageResource.namespaced ? scope.namespace : undefined);
    // kube's watch cache and its etcd store both pass a parse failure up bare: a reason-less 500.
    const rv = resourceVersionParam(p.resourceVersion, 'cache');
    const cache = this.cacheFor(scope);
    if (cache) {
      try {
        return await this.watchFromCache(cache, scope, p, sink, nsPrefix, this.cacheFilter(scope, sel, match), rv);
      } catch (e) {
        if (!(e instanceof CacheNotReadyError)) throw e;
      }
    }
    return this.watchFromStorage(scope, p, sink, nsPrefix, match, rv);
  }

  private async watchFromCache(
    cache: WatchCache,
    scope: RequestScope,
    p: WatchParams,
    sink: WatchSink,
    prefix: string,
    filter: CacheFilter | undefined,
    rv: number | undefined,
  ): Promise<StoreWatcher> {
    const conv = this.converter(scope);
    const gv = apiVersionOf(scope.resource.group, scope.resource.version);
    const kind = scope.resource.kind;
    const opts: CacheWatchOptions = {
      prefix,
      filter,
      bookmarks: p.allowWatchBookmarks ?? false,
      deadline: p.deadline,
      sink: {
        event: (ev) => {
          if (ev.type === 'BOOKMARK') return sink.event(ev.type, memoize(ev.object, `bm|${gv}|${ev.initialEventsEnd ? 1 : 0}`, () => this.bookmarkObject(scope, ev.revision, Boolean(ev.initialEventsEnd))), ev);
          // The cache's JSON is the client's when the object is stored in the requested version.
          if (ev.apiVersion === gv && ev.kind === kind) return sink.event(ev.type, () => ev.object, ev, () => ev.json());
          return sink.event(ev.type, () => conv(ev.object), ev);
        },
        close: (err) => {
          if (!err) return sink.end?.();
          if (err instanceof TooOldResourceVersionError) return sink.error(resourceExpired(err.message));
          if (err instanceof TooLargeResourceVersionError) return sink.error(tooLargeResourceVersion(err.requested, err.current));
          sink.error(internalError(err));
        },
      },
    };
    if (p.sendInitialEvents === true) {
      opts.initialState = true;
      opts.minRevision = rv === undefined ? 'consistent' : rv === 0 ? undefined : rv;
      opts.initialEventsEndBookmark = p.allowWatchBookmarks ?? false;
    } else if (p.sendInitialEvents === false) {
      opts.fromRevision = rv === undefined ? await this.cfg.storage.currentRevision() : rv === 0 ? cache.revision : rv;
    } else if (rv === undefined || rv === 0) {
      opts.initialState = true;
      if (rv === undefined) opts.minRevision = 'consistent';
    } else {
      opts.fromRevision = rv;
    }
    try {
      return await cache.watch(opts);
    } catch (e) {
      if (e instanceof TooOldResourceVersionError) throw resourceExpired(e.message);
      if (e instanceof TooLargeResourceVersionError) throw tooLargeResourceVersion(e.requested, e.current);
      throw e;
    }
  }

  private async watchFromStorage(
    scope: RequestScope,
    p: WatchParams,
    sink: WatchSink,
    nsPrefix: string,
    match: (o: KObject) => boolean,
    rv: number | undefined,
  ): Promise<StoreWatcher> {
    let after: number;
    const initial = p.sendInitialEvents ?? (rv === undefined || rv === 0);
    if (initial) {
      const list = await this.list(scope, { labelSelector: p.labelSelector, fieldSelector: p.fieldSelector, resourceVersion: rv !== undefined && rv > 0 ? String(rv) : undefined, resourceVersionMatch: rv !== undefined && rv > 0 ? 'NotOlderThan' : undefined });
      for (const o of list.items) sink.event('ADDED', o);
      after = Number(list.resourceVersion);
      if (p.sendInitialEvents && p.allowWatchBookmarks) {
        sink.event('BOOKMARK', this.bookmarkObject(scope, after, true));
      }
    } else if (p.sendInitialEvents === false && rv === undefined) {
      after = await this.cfg.storage.currentRevision();
    } else {
      after = rv ?? 0;
    }
    const decodeKv = (kv: KeyValue): Promise<KObject> => this.decodeA(kv, scope);
    // Events are handled strictly in order even when conversion is asynchronous.
    let chain: Promise<void> = Promise.resolve();
    const handle = async (ev: StorageWatchEvent): Promise<void> => {
      if (ev.type === 'DELETE') {
        const obj = await decodeKv({ ...ev.kv, modRevision: ev.revision });
        if (match(obj)) sink.event('DELETED', obj);
        return;
      }
      const obj = await decodeKv(ev.kv);
      const nowMatches = match(obj);
      if (!ev.prevKv) {
        if (nowMatches) sink.event('ADDED', obj);
        return;
      }
      // the previous content at the event's revision (kube's watchers send that for "stopped matching")
      const prev = await decodeKv({ ...ev.prevKv, modRevision: ev.revision });
      const prevMatched = match(prev);
      if (nowMatches && prevMatched) sink.event('MODIFIED', obj);
      else if (nowMatches) sink.event('ADDED', obj);
      else if (prevMatched) sink.event('DELETED', prev);
    };
    const toStatus = (e: unknown): StatusError =>
      e instanceof StatusError ? e : e instanceof CompactedError ? resourceExpired(`too old resource version: ${after} (${e.compacted})`) : internalError(e);
    try {
      const w = this.cfg.storage.watch(nsPrefix, {
        afterRevision: after,
        onEvent: (ev) => {
          chain = chain.then(() => handle(ev)).catch((e: unknown) => sink.error(toStatus(e)));
        },
        onError: (err) => sink.error(toStatus(err)),
        onProgress: p.allowWatchBookmarks ? (rev) => sink.event('BOOKMARK', this.bookmarkObject(scope, rev, false)) : undefined,
      });
      return { close: () => w.close(), resume: () => undefined };
    } catch (e) {
      throw toStatus(e);
    }
  }

  private bookmarkObject(scope: RequestScope, rev: number, initialEventsEnd: boolean): KObject {
    const meta: ObjectMeta = { resourceVersion: String(rev), creationTimestamp: null };
    if (initialEventsEnd) meta.annotations = { 'k8s.io/initial-events-end': 'true' };
    return { kind: scope.resource.kind, apiVersion: apiVersionOf(scope.resource.group, scope.resource.version), metadata: meta };
  }
}

/** autoscaling/v1 Scale view of a scalable object (custom resources name their paths). */
export function toScale(obj: KObject, paths?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string }): KObject {
  const meta = metaOf(obj);
  if (paths) {
    const spec = getPath(obj, paths.specReplicasPath);
    const st = getPath(obj, paths.statusReplicasPath);
    const sel = paths.labelSelectorPath ? getPath(obj, paths.labelSelectorPath) : undefined;
    const status: Record<string, unknown> = { replicas: typeof st === 'number' ? st : 0 };
    if (typeof sel === 'string' && sel) status.selector = sel;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
      spec: { replicas: typeof spec === 'number' ? spec : 0 },
      status,
    };
  }
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  let selector = '';
  const sel = spec.selector;
  if (isObject(sel)) {
    if (isObject(sel.matchLabels) || Array.isArray(sel.matchExpressions)) {
      selector = labelSelectorObjectToString(sel);
    } else {
      // ReplicationController: a plain map selector
      selector = Object.keys(sel).sort().map((k) => `${k}=${String(sel[k])}`).join(',');
    }
  }
  const scaleStatus: Record<string, unknown> = { replicas: typeof status.replicas === 'number' ? status.replicas : 0 };
  if (selector) scaleStatus.selector = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: scaleStatus,
  };
}

export { forbidden };
