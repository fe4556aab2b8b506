// Handlers for resource requests: GET/LIST/WATCH/CREATE/UPDATE/PATCH/DELETE/DELETECOLLECTION on
// /api/v1/... and /apis/GROUP/VERSION/..., the status and scale subresources, and dispatch to the
// special (non-persisted) endpoints.
import { randomUUID } from 'node:crypto';
import { badRequest, invalid, methodNotSupported, pathNotFound, StatusError } from '../api/errors.js';
import { fieldErr } from '../api/field-errors.js';
import { deprecationWarning } from '../registry/deprecation.js';
import { loadCel } from '../apiextensions/cel-loader.js';
import { apiVersionOf, isObject, type KObject, type ListMeta } from '../api/types.js';
import type { ResourceRegistry, ServedResource } from '../registry/registry.js';
import type { DeleteOptions, ListParams, RequestScope, StoreWatcher, WatchEventType, WriteOptions } from '../registry/store.js';
import { cachedJson, memoize, type CachedObject } from '../registry/watch-cache.js';
import type { TablePrinter } from '../registry/printers/index.js';
import { decodeObjectBody, decodePatchBody, decodeWriteBody } from './body.js';
import { header, streamWriter, type RequestContext } from './http.js';
import { negotiateOutput, type OutputKind } from './negotiation.js';
import { boolParam, dryRunParam, fieldManagerParam, fieldValidationParam, intParam } from './params.js';
import { scheduleFlush } from './watch-flush.js';
import { successStatus, writeError, writeJson, writeJsonBytes, writeJsonList, writeYaml } from './responses.js';
import { encodeProtobufObject, encodeWatchEventFrame, notMarshalableError, PROTOBUF_MEDIA_TYPE, PROTOBUF_WATCH_MEDIA_TYPE } from './protobuf/index.js';
import { partialList, partialObject, printerForResource, toTable, type IncludeObject } from './table.js';

/** Subresource endpoints that are not status/scale (logs, bindings, reviews...). */
export type SubresourceHandler = (ctx: RequestContext, served: ServedResource, scope: RequestScope) => Promise<void>;

export interface ResourceHandlerOptions {
  registry: ResourceRegistry;
  /** "resource/subresource" → handler, e.g. "pods/log", "pods/binding". Group-qualified keys "group|resource/sub" win. */
  subresources: Map<string, SubresourceHandler>;
  /** Create-only virtual resources (reviews): "group|resource" → handler. */
  virtual: Map<string, SubresourceHandler>;
}

const METHOD_NOT_ALLOWED = () => new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
const EVENT_END = Buffer.from('}\n');
const EVENT_START: Record<WatchEventType, Buffer> = Object.fromEntries(
  (['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'] as const).map((t) => [t, Buffer.from(`{"type":"${t}","object":`)]),
) as Record<WatchEventType, Buffer>;

/** The last joinEvents result: watchers flushed one after another mostly carry the same events. */
let lastJoin: { parts: Buffer[]; joined: Buffer } = { parts: [], joined: Buffer.alloc(0) };

/**
 * One buffer for a watcher's pending events. Encodings are shared between watchers (memoized per event),
 * so a watcher whose events are the very ones of the previous watcher in the flush round reuses its buffer.
 */
function joinEvents(parts: Buffer[]): Buffer {
  if (parts.length === 1) return parts[0]!;
  const last = lastJoin.parts;
  if (last.length === parts.length && parts.every((p, i) => p === last[i])) return lastJoin.joined;
  const joined = Buffer.concat(parts);
  lastJoin = { parts, joined };
  return joined;
}

export class ResourceHandler {
  constructor(private readonly o: ResourceHandlerOptions) {}

  async handle(ctx: RequestContext): Promise<void> {
    const { info } = ctx;
    const served = this.o.registry.lookup(info.group, info.version, info.resource ?? '');
    if (!served) throw pathNotFound();
    const r = served.info;
    let namespace = info.namespace;
    if (r.group === '' && r.name === 'namespaces') namespace = undefined;
    if (!r.namespaced && namespace !== undefined) throw pathNotFound();
    if (r.namespaced && namespace === undefined && info.name !== undefined) throw pathNotFound();
    const scope: RequestScope = { resource: r, namespace, user: ctx.user };
    // CRDs and custom resources validate with CEL, loaded in the background at start
    if (served.custom || r.group === 'apiextensions.k8s.io') await loadCel();
    const deprecated = served.custom ? served.custom.deprecationWarning(r.version) : deprecationWarning(r.group, r.version, r.kind);
    if (deprecated) ctx.warnings.push(deprecated);

    const virt = this.o.virtual.get(`${r.group}|${r.name}`);
    if (virt && !info.subresource) {
      if (info.verb !== 'create') throw METHOD_NOT_ALLOWED();
      await virt(ctx, served, scope);
      return;
    }

    if (info.subresource) {
      const sub = r.subresources?.find((s) => s.name === info.subresource);
      if (!sub) throw pathNotFound();
      if (info.subresource === 'status') return this.handleStatus(ctx, served, scope);
      if (info.subresource === 'scale') return this.handleScale(ctx, served, scope);
      const h = this.o.subresources.get(`${r.group}|${r.name}/${info.subresource}`) ?? this.o.subresources.get(`${r.name}/${info.subresource}`);
      if (!h) throw pathNotFound();
      await h(ctx, served, scope);
      return;
    }

    if (!r.verbs.includes(info.verb) || info.rest) throw METHOD_NOT_ALLOWED();
    switch (info.verb) {
      case 'get':
        return this.get(ctx, served, scope);
      case 'list':
        return this.list(ctx, served, scope);
      case 'watch':
        return this.watch(ctx, served, scope);
      case 'create':
        if (info.name !== undefined) throw METHOD_NOT_ALLOWED();
        return this.create(ctx, served, scope);
      case 'update':
        return this.update(ctx, served, scope, undefined);
      case 'patch':
        return this.patch(ctx, served, scope, undefined);
      case 'delete':
        return this.delete(ctx, served, scope);
      case 'deletecollection':
        return this.deleteCollection(ctx, served, scope);
      default:
        throw METHOD_NOT_ALLOWED();
    }
  }

  // ------------------------------------------------------------------ output

  private printer(served: ServedResource): TablePrinter {
    return served.custom ? served.custom.printer(served.info.version) : printerForResource(served.info);
  }

  /** Protobuf is served for built-in types only (as kube: never for custom resources). */
  private output(ctx: RequestContext, served: ServedResource, stream = false): OutputKind {
    return negotiateOutput(header(ctx.req, 'accept'), { protobuf: !served.store.cfg.custom, stream, transforms: true });
  }

  private includeObject(ctx: RequestContext): IncludeObject {
    const v = ctx.url.searchParams.get('includeObject');
    if (v === null || v === '') return 'Metadata';
    if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
    throw badRequest(`includeObject must be one of "None", "Metadata", or "Object", got ${JSON.stringify(v)}`);
  }

  /** Write one object (or Status) in the negotiated representation. */
  writeObject(ctx: RequestContext, served: ServedResource, code: number, obj: KObject): void {
    const out = this.output(ctx, served);
    const w = ctx.warnings;
    switch (out.format) {
      case 'table':
        if (obj.kind === 'Status') return writeJson(ctx.res, code, obj, w);
        return writeJson(ctx.res, code, toTable(this.printer(served), [obj], { resourceVersion: obj.metadata?.resourceVersion }, { version: out.version, includeObject: this.includeObject(ctx) }), w);
      case 'partial':
        if (obj.kind === 'Status') return writeJson(ctx.res, code, obj, w);
        return writeJson(ctx.res, code, partialObject(obj, out.version), w);
      case 'yaml':
        return writeYaml(ctx.res, code, obj, w);
      case 'protobuf':
        return writeProtobuf(ctx, code, obj);
      default: {
        // An object whose JSON is at hand (the watch cache holds it so, or a write just decoded it): its bytes, not a second encoding.
        const bytes = cachedJson(obj);
        if (bytes) return writeJsonBytes(ctx.res, code, bytes, w);
        return writeJson(ctx.res, code, obj, w);
      }
    }
  }

  private writeList(ctx: RequestContext, served: ServedResource, result: { readonly items: KObject[]; readonly cached?: readonly CachedObject[] }, meta: ListMeta): void {
    const out = this.output(ctx, served);
    const r = served.info;
    const w = ctx.warnings;
    if (out.format === 'json') {
      const head = JSON.stringify({ kind: r.listKind ?? `${r.kind}List`, apiVersion: apiVersionOf(r.group, r.version), metadata: meta });
      const { cached } = result;
      let item: (i: number) => string | Buffer;
      let count: number;
      if (cached) {
        // Objects as the watch cache holds them: their JSON bytes are copied, never decoded and encoded again.
        item = (i) => cached[i]!.json();
        count = cached.length;
      } else {
        const items = result.items;
        item = (i) => JSON.stringify(items[i]);
        count = items.length;
      }
      return writeJsonList(ctx.res, 200, `${head.slice(0, -1)},"items":[`, count, item, ']}\n', w);
    }
    const items = result.items;
    if (out.format === 'table') {
      return writeJson(ctx.res, 200, toTable(this.printer(served), items, meta, { version: out.version, includeObject: this.includeObject(ctx) }), w);
    }
    if (out.format === 'partial') return writeJson(ctx.res, 200, partialList(items, meta, out.version), w);
    const list = { kind: r.listKind ?? `${r.kind}List`, apiVersion: apiVersionOf(r.group, r.version), metadata: meta, items };
    if (out.format === 'yaml') return writeYaml(ctx.res, 200, list, w);
    if (out.format === 'protobuf') return writeProtobuf(ctx, 200, list);
    return writeJson(ctx.res, 200, list, w);
  }

  // ------------------------------------------------------------------ verbs

  private async get(ctx: RequestContext, served: ServedResource, scope: RequestScope): Promise<void> {
    const rv = ctx.url.searchParams.get('resourceVersion');
    if (rv) await served.store.ensureFresh(rv);
    if (this.output(ctx, served).format === 'json') {
      const bytes = await served.store.getJson(scope, ctx.info.name!);
      if (bytes) return writeJsonBytes(ctx.res, 200, bytes, ctx.warnings);
    }
    const obj = await served.store.get(scope, ctx.info.name!);
    this.writeObject(ctx, served, 200, obj);
  }

  private listParams(q: URLSearchParams): ListParams {
    const limit = intParam(q, 'limit');
    return {
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      limit: limit && limit > 0 ? limit : undefined,
      continue: q.get('continue') || undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: q.get('resourceVersionMatch') || undefined,
      sendInitialEvents: boolParam(q, 'sendInitialEvents'),
    };
  }

  private async list(ctx: RequestContext, served: ServedResource, scope: RequestScope): Promise<void> {
    this.output(ctx, served);
    const res = await served.store.list(scope, this.listParams(ctx.url.searchParams));
    const meta: ListMeta = { resourceVersion: res.resourceVersion };
    if (res.continue) meta.continue = res.continue;
    if (res.remainingItemCount !== undefined) meta.remainingItemCount = res.remainingItemCount;
    this.writeList(ctx, served, res, meta);
  }

  private async watch(ctx: RequestContext, served: ServedResource, scope: RequestScope): Promise<void> {
    const out = this.output(ctx, served, true);
    const q = ctx.url.searchParams;
    const { req, res } = ctx;
    const stream = streamWriter(res);
    const timeoutSeconds = intParam(q, 'timeoutSeconds');
    const maxSeconds = timeoutSeconds && timeoutSeconds > 0 ? timeoutSeconds : 1800 + Math.floor(Math.random() * 1800);
    const params = {
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: q.get('resourceVersionMatch') || undefined,
      allowWatchBookmarks: boolParam(q, 'allowWatchBookmarks') ?? false,
      sendInitialEvents: boolParam(q, 'sendInitialEvents'),
      deadline: Date.now() + maxSeconds * 1000,
    };
    if (ctx.info.name && ctx.info.legacyWatch) {
      params.fieldSelector = params.fieldSelector ? `${params.fieldSelector},metadata.name=${ctx.info.name}` : `metadata.name=${ctx.info.name}`;
    }
    const printer = out.format === 'table' ? this.printer(served) : undefined;
    const includeObject = out.format === 'table' ? this.includeObject(ctx) : 'Metadata';
    const encode = (type: WatchEventType, objOrFn: KObject | (() => KObject), json?: () => Buffer | undefined): Buffer => {
      // JSON the watch cache holds is copied, not decoded and encoded again.
      const held = out.format === 'json' ? json?.() : undefined;
      if (held) return Buffer.concat([EVENT_START[type], held, EVENT_END]);
      const obj = typeof objOrFn === 'function' ? objOrFn() : objOrFn;
      if (out.format === 'protobuf') return encodeWatchEventFrame(type, obj) ?? Buffer.alloc(0);
      let o: unknown = obj;
      if (out.format === 'table' && printer && type !== 'BOOKMARK' && type !== 'ERROR') {
        o = toTable(printer, [obj], { resourceVersion: obj.metadata?.resourceVersion }, { version: out.version, includeObject });
      } else if (out.format === 'partial' && type !== 'ERROR') {
        o = partialObject(obj, out.version);
      }
      return Buffer.from(JSON.stringify({ type, object: o }) + '\n');
    };
    const pending: Buffer[] = [];
    let started = false;
    let closed = false;
    const HIGH_WATER = 8 * 1024 * 1024;
    // Events reach the connection once per event-loop turn, in one write (see scheduleFlush).
    let batch: Buffer[] = [];
    const flush = () => {
      const chunks = batch;
      batch = [];
      if (closed || chunks.length === 0) return;
      stream.write(joinEvents(chunks));
    };
    const send = (event: Buffer): boolean => {
      if (closed) return true;
      if (!started) {
        pending.push(event);
        return true;
      }
      if (batch.length === 0) scheduleFlush(flush);
      batch.push(event);
      return res.writableLength < HIGH_WATER;
    };
    let watcher: StoreWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    const close = () => {
      if (closed) return;
      flush();
      closed = true;
      watcher?.close();
      if (timer) clearTimeout(timer);
      stream.release();
      if (!res.writableEnded) res.end();
    };
    const start = () => {
      res.setHeader('content-type', out.format === 'protobuf' ? PROTOBUF_WATCH_MEDIA_TYPE : 'application/json');
      res.setHeader('cache-control', 'no-cache, private');
      res.writeHead(200);
      stream.flushHeaders();
      started = true;
      for (const chunk of pending) stream.write(chunk);
      pending.length = 0;
    };
    // One encoding per event and form, shared by every watcher that receives the same event: `shared` lives
    // as long as the watch cache keeps the event (the object may live on in the cache: nothing is kept on it).
    const slot = `watch|${out.format}|${'version' in out ? out.version : ''}|${includeObject}|${served.info.group}/${served.info.version}`;
    const sink = {
      event: (type: WatchEventType, obj: KObject | (() => KObject), shared?: object, json?: () => Buffer | undefined) =>
        send(shared ? memoize(shared, slot, () => encode(type, obj, json)) : encode(type, obj, json)),
      error: (err: StatusError) => {
        send(encode('ERROR', err.toStatus() as unknown as KObject));
        close();
      },
      end: () => close(),
    };
    try {
      watcher = await served.store.watch(scope, params, sink);
    } catch (e) {
      // Invalid requests are plain Status responses; a resourceVersion that is too old or too new is
      // reported, as kube's watch cache does, as a 200 stream with one ERROR event.
      if (e instanceof StatusError && (e.code === 410 || e.code === 504)) {
        start();
        stream.write(encode('ERROR', e.toStatus() as unknown as KObject));
        res.end();
        return;
      }
      throw e;
    }
    start();
    timer = setTimeout(close, maxSeconds * 1000);
    req.on('close', close);
    res.on('close', close);
    stream.onDrain(() => watcher?.resume());
    if (closed) close();
  }

  private async create(ctx: RequestContext, served: ServedResource, scope: RequestScope): Promise<void> {
    const opts = this.writeOptions(ctx, 'CreateOptions', undefined);
    this.output(ctx, served);
    const { obj: body, duplicates } = await decodeWriteBody(ctx.req, served.info.kind);
    if (!body) throw badRequest('the body of the request was empty');
    const obj = await served.store.create(scope, body, { ...opts, duplicateFields: duplicates, bodyOwned: true, post: true });
    this.writeObject(ctx, served, 201, obj);
  }

  private async update(ctx: RequestContext, served: ServedResource, scope: RequestScope, subresource: string | undefined): Promise<void> {
    const opts = this.writeOptions(ctx, 'UpdateOptions', subresource);
    this.output(ctx, served);
    const { obj: body, duplicates } = await decodeWriteBody(ctx.req, served.info.kind);
    if (!body) throw badRequest('the body of the request was empty');
    const { obj, created } = await served.store.update(scope, ctx.info.name!, body, { ...opts, duplicateFields: duplicates, bodyOwned: true });
    this.writeObject(ctx, served, created ? 201 : 200, obj);
  }

  private async patch(ctx: RequestContext, served: ServedResource, scope: RequestScope, subresource: string | undefined): Promise<void> {
    const q = ctx.url.searchParams;
    const opts = this.writeOptions(ctx, 'PatchOptions', subresource);
    this.output(ctx, served);
    const { kind, patch } = await decodePatchBody(ctx.req);
    if (kind === 'apply') {
      const force = boolParam(q, 'force') ?? false;
      const { obj, created } = await served.store.apply(scope, ctx.info.name!, patch, { ...opts, force });
      this.writeObject(ctx, served, created ? 201 : 200, obj);
      return;
    }
    if (boolParam(q, 'force') !== undefined) {
      throw invalid('meta.k8s.io', 'PatchOptions', '', [fieldErr.forbidden('force', 'may not be specified for non-apply patch')]);
    }
    const obj = await served.store.patch(scope, ctx.info.name!, kind, patch, opts);
    this.writeObject(ctx, served, 200, obj);
  }

  private writeOptions(ctx: RequestContext, kind: string, subresource: string | undefined): WriteOptions {
    const q = ctx.url.searchParams;
    return {
      dryRun: dryRunParam(q, kind),
      fieldValidation: fieldValidationParam(q),
      fieldManager: fieldManagerParam(q, kind),
      subresource,
      userAgent: header(ctx.req, 'user-agent'),
      warnings: ctx.warnings,
    };
  }

  private async deleteOptions(ctx: RequestContext): Promise<{ opts: DeleteOptions; dryRun: boolean }> {
    const q = ctx.url.searchParams;
    let dryRun = dryRunParam(q, 'DeleteOptions');
    const opts: DeleteOptions = {};
    const body = await decodeObjectBody(ctx.req, 'DeleteOptions');
    if (body) {
      if (body.kind !== undefined && body.kind !== 'DeleteOptions') throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (DeleteOptions)`);
      const b = body as Record<string, unknown>;
      if (typeof b.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = b.gracePeriodSeconds;
      if (typeof b.propagationPolicy === 'string') opts.propagationPolicy = b.propagationPolicy;
      if (typeof b.orphanDependents === 'boolean') opts.orphanDependents = b.orphanDependents;
      if (isObject(b.preconditions)) {
        opts.preconditions = {};
        if (typeof b.preconditions.uid === 'string') opts.preconditions.uid = b.preconditions.uid;
        if (typeof b.preconditions.resourceVersion === 'string') opts.preconditions.resourceVersion = b.preconditions.resourceVersion;
      }
      if (Array.isArray(b.dryRun) && b.dryRun.length) {
        if (b.dryRun.some((v) => v !== 'All')) throw badRequest(`Invalid dry run value: ${JSON.stringify(b.dryRun)}`);
        dryRun = true;
      }
    }
    const g = intParam(q, 'gracePeriodSeconds');
    if (g !== undefined) opts.gracePeriodSeconds = g;
    const pp = q.get('propagationPolicy');
    if (pp) opts.propagationPolicy = pp;
    const od = boolParam(q, 'orphanDependents');
    if (od !== undefined) opts.orphanDependents = od;
    if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
      throw new StatusError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(opts.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"`, {
        group: 'meta.k8s.io',
        kind: 'DeleteOptions',
        causes: [{ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(opts.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"`, field: 'propagationPolicy' }],
      });
    }
    if (opts.propagationPolicy && opts.orphanDependents !== undefined) {
      throw new StatusError(422, 'Invalid', 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + opts.propagationPolicy + '": orphanDependents and deletionPropagation cannot be both set', { group: 'meta.k8s.io', kind: 'DeleteOptions' });
    }
    if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 0;
    return { opts, dryRun };
  }

  private async delete(ctx: RequestContext, served: ServedResource, scope: RequestScope): Promise<void> {
    const { opts, dryRun } = await this.deleteOptions(ctx);
    this.output(ctx, served);
    const name = ctx.info.name!;
    const { obj, deleted } = await served.store.delete(scope, name, opts, { dryRun });
    // kube answers 202 only when deletion is pending and the client explicitly set orphanDependents=false.
    const code = !deleted && opts.orphanDependents === false ? 202 : 200;
    if (served.store.cfg.returnDeletedObject || !deleted) {
      this.writeObject(ctx, served, code, obj);
      return;
    }
    const details: Record<string, unknown> = { name, group: served.info.group || undefined, kind: served.info.name, uid: obj.metadata?.uid };
    if (!details.group) delete details.group;
    writeJson(ctx.res, code, successStatus(details), ctx.warnings);
  }

  private async deleteCollection(ctx: RequestContext, served: ServedResource, scope: RequestScope): Promise<void> {
    const { opts, dryRun } = await this.deleteOptions(ctx);
    this.output(ctx, served);
    const lp = this.listParams(ctx.url.searchParams);
    const items = await served.store.deleteCollection(scope, lp, opts, { dryRun });
    const rv = await served.store.cfg.storage.currentRevision();
    this.writeList(ctx, served, { items }, { resourceVersion: String(rv) });
  }

  // ------------------------------------------------------------------ subresources

  private async handleStatus(ctx: RequestContext, served: ServedResource, scope: RequestScope): Promise<void> {
    const sub = served.info.subresources!.find((s) => s.name === 'status')!;
    if (!sub.verbs.includes(ctx.info.verb)) throw METHOD_NOT_ALLOWED();
    switch (ctx.info.verb) {
      case 'get': {
        this.output(ctx, served);
        const obj = await served.store.get(scope, ctx.info.name!);
        return this.writeObject(ctx, served, 200, obj);
      }
      case 'update':
        return this.update(ctx, served, scope, 'status');
      case 'patch':
        return this.patch(ctx, served, scope, 'status');
      default:
        throw METHOD_NOT_ALLOWED();
    }
  }

  private async handleScale(ctx: RequestContext, served: ServedResource, scope: RequestScope): Promise<void> {
    const name = ctx.info.name!;
    const writeScale = (code: number, obj: KObject) => {
      const out = this.output(ctx, served);
      if (out.format === 'yaml') return writeYaml(ctx.res, code, obj, ctx.warnings);
      if (out.format === 'protobuf') return writeProtobuf(ctx, code, obj);
      return writeJson(ctx.res, code, obj, ctx.warnings);
    };
    switch (ctx.info.verb) {
      case 'get':
        return writeScale(200, await served.store.getScale(scope, name));
      case 'update': {
        const opts = this.writeOptions(ctx, 'UpdateOptions', undefined);
        const body = await decodeObjectBody(ctx.req, 'Scale');
        if (!body) throw badRequest('the body of the request was empty');
        return writeScale(200, await served.store.updateScale(scope, name, body, opts));
      }
      case 'patch': {
        const opts = this.writeOptions(ctx, 'PatchOptions', undefined);
        const { kind, patch } = await decodePatchBody(ctx.req);
        if (kind === 'apply') throw new StatusError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json');
        return writeScale(200, await served.store.patchScale(scope, name, kind, patch, opts));
      }
      default:
        throw methodNotSupported({ group: served.info.group, resource: served.info.name }, ctx.info.verb);
    }
  }
}

function writeProtobuf(ctx: RequestContext, code: number, obj: KObject): void {
  const enc = encodeProtobufObject(obj);
  if (!enc) throw notMarshalableError(obj.kind ?? 'Unknown');
  if (ctx.warnings.length) ctx.res.setHeader('warning', ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`));
  ctx.res.setHeader('cache-control', 'no-cache, private');
  ctx.res.setHeader('content-type', PROTOBUF_MEDIA_TYPE);
  ctx.res.setHeader('content-length', enc.length);
  ctx.res.writeHead(code);
  ctx.res.end(enc);
}

export function newAuditId(): string {
  return randomUUID();
}

export { writeError };
