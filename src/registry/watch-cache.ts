// A watch cache for one stored resource (one storage key prefix), after kube-apiserver's cacher
// (k8s.io/apiserver/pkg/storage/cacher): one storage list + one storage watch feed an in-memory copy of
// every current object (as its JSON bytes, or decoded once, frozen and shared) and a bounded history of
// recent events. LISTs
// are answered from memory once the cache has caught up with the requested revision; WATCHes replay
// history and then follow live events, N watchers costing one storage watch.
//
// Sharing: every watcher that receives the same change receives the same WatchCacheEvent instance
// (and the same frozen object), so the HTTP layer can serialize it once per output format with
// memoize() on the event, whatever the number of watchers. Encodings are memoized on
// events (kept as long as the history keeps them), never on the cached objects: the cache holds each
// object once, as its JSON bytes only (from the start when the store can render stored values as JSON,
// else once something encoded it) or decoded (see Entry).
//
// Semantics follow kube 1.32:
// - history covers (coveredFrom, revision]; older starting points get "too old resource version: X (Y)"
//   (410 Expired), with Y = the revision before the oldest event kept (or the list revision when
//   nothing was dropped since the last (re)list).
// - label/field selector transitions are computed here (kube's cacheWatcher.convertToWatchEvent): an
//   object that starts matching is sent as ADDED, one that stops matching as DELETED (its previous
//   content with the event's resourceVersion), a deleted object only if its last state matched.
// - a watcher that cannot keep up (more than watcherQueueLimit live events queued while its consumer
//   reports congestion) is terminated without an error event, as kube's cacher does; the client
//   re-watches from its last resourceVersion (or re-lists on 410).
// - bookmarks: for watchers that allow them, about every bookmarkFrequencyMs (1 minute) and 2 s before
//   the watch deadline, carrying the cache revision (advanced by events and by storage progress
//   notifications); sendInitialEvents watches with bookmarks get the initial-events-end BOOKMARK right
//   after the initial ADDED events.
import { deepFreeze } from '../util/freeze.js';
import type { KObject } from '../api/types.js';
import { CompactedError, type KeyValue, type Storage, type WatchEvent, type Watcher } from '../storage/interface.js';

// ------------------------------------------------------------------------------------------ types

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** One event as a watcher sees it. Shared between watchers: never mutate it or its object. */
export interface WatchCacheEvent {
  readonly type: CacheEventType;
  /** The (frozen) object: for BOOKMARK a bare object carrying metadata.resourceVersion. */
  readonly object: KObject;
  /** Revision of the event (for ADDED of the initial state: the object's modRevision). */
  readonly revision: number;
  /** Storage key of the object; '' for bookmarks. */
  readonly key: string;
  /** BOOKMARK that ends the initial events of a sendInitialEvents watch (annotated k8s.io/initial-events-end). */
  readonly initialEventsEnd?: boolean;
  /** The object's apiVersion and kind, known without decoding it. */
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  /**
   * The object's JSON (what JSON.stringify(object) gives) for events of cached objects: the bytes the cache
   * holds (then `object` is decoded only if read), encoded once for an object it held decoded. Undefined for
   * bookmarks and for DELETED events of objects that stopped matching a selector.
   */
  json(): Buffer | undefined;
}

/** Receives one watcher's events, in revision order, each exactly once. */
export interface WatchCacheSink {
  /**
   * Deliver one event. Return false when the consumer is congested (e.g. the socket's buffer is over
   * its mark): the cache then queues this watcher's further events until handle.resume() is called, and
   * terminates the watcher when more than watcherQueueLimit live events are queued.
   */
  event(ev: WatchCacheEvent): boolean | void;
  /**
   * The watch ended on the server side. err undefined: terminate the stream without an ERROR event
   * (slow consumer, cache stopped). err set (TooOldResourceVersionError after a re-list that dropped the
   * watcher's position, or another Error): send it as an ERROR event, then end the stream.
   * Not called after handle.close().
   */
  close(err?: Error): void;
}

export interface CacheWatchHandle {
  /** Stop this watcher (the client went away); idempotent. */
  close(): void;
  /** The consumer drained: continue delivering queued events. */
  resume(): void;
  readonly closed: boolean;
}

export interface CacheWatchOptions {
  /** Key prefix to watch (e.g. a namespace's prefix); must start with the cache prefix. Default: the cache prefix. */
  prefix?: string;
  /** Selector predicate on the (stored-version) object; transitions become ADDED/DELETED. */
  filter?: CacheFilter;
  /**
   * Deliver events with revision > fromRevision (history first, then live). Ignored with initialState.
   * Older than the history: TooOldResourceVersionError. Newer than the cache: just waits for events.
   */
  fromRevision?: number;
  /** Start with synthetic ADDED events for the current state (matching the filter), then live events. */
  initialState?: boolean;
  /** With initialState: first wait until the cache reached this revision ('consistent' = the storage's current revision). */
  minRevision?: number | 'consistent';
  /** With initialState: after the ADDED events, send a BOOKMARK annotated k8s.io/initial-events-end: "true". */
  initialEventsEndBookmark?: boolean;
  /** allowWatchBookmarks: periodic BOOKMARK events. */
  bookmarks?: boolean;
  /** When the server will end this watch (epoch ms): the last bookmark is sent 2 s before. */
  deadline?: number;
  /** Override the freshness timeout (ms) for minRevision. */
  timeoutMs?: number;
  sink: WatchCacheSink;
}

/**
 * A selector predicate on the (stored-version) object. metadataOnly: it reads nothing but apiVersion, kind
 * and metadata.name/namespace/labels, so the cache can answer it for an object it keeps as JSON bytes
 * without decoding the object (kube keeps such "attrs" beside each cached object for the same reason).
 */
export type CacheFilter = ((obj: KObject) => boolean) & {
  readonly metadataOnly?: boolean;
  /**
   * The same predicate on an object's labels and selectable fields (WatchCacheOptions.fields), for objects
   * the cache keeps as JSON together with those fields.
   */
  readonly select?: (labels: Readonly<Record<string, string>> | undefined, fields: Readonly<Record<string, string>>) => boolean;
};

export interface CacheListOptions {
  /** Key prefix (e.g. a namespace's prefix); must start with the cache prefix. Default: the cache prefix. */
  prefix?: string;
  filter?: CacheFilter;
  /**
   * NotOlderThan: wait until the cache reached this revision; 'consistent' = the storage's current
   * revision (a read with resourceVersion unset). Undefined/0 = any (resourceVersion=0).
   */
  minRevision?: number | 'consistent';
  /** Maximum number of items (0/undefined = all). */
  limit?: number;
  /** Override the freshness timeout (ms). */
  timeoutMs?: number;
}

/** One object of a cache LIST: decoded on use, or written as the JSON bytes the cache keeps. */
export interface CachedObject {
  readonly key: string;
  /** The object's apiVersion and kind (known without decoding it). */
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  /** The frozen object (decoded on use when the cache keeps only its JSON). */
  readonly object: KObject;
  /** The object's JSON (what JSON.stringify(object) gives); from then on the cache keeps only these bytes. */
  json(): Buffer;
}

/** An object's JSON as the cache holds it, with what the cache needs to know without decoding it. */
export interface StoredJson {
  readonly bytes: Buffer;
  readonly apiVersion: string;
  readonly kind: string;
}

/** The list options that decide whether the cache serves a list. */
export interface ListServeParams {
  resourceVersion?: string;
  resourceVersionMatch?: string;
  continue?: string;
  limit?: number;
}

export interface CacheListResult {
  /** The matching objects, sorted by key. */
  entries: CachedObject[];
  /** Frozen objects, sorted by key (decodes each entry: prefer entries to write JSON). */
  readonly items: KObject[];
  /** Storage keys of the items (same order). */
  keys: string[];
  /** The cache revision the list was read at (>= the requested revision). */
  revision: number;
  /** The limit cut the list short. */
  more: boolean;
  /** Keys under the prefix after the last returned item (only meaningful when more; counts non-matching keys too). */
  remaining: number;
}

export interface WatchCacheOptions {
  storage: Storage;
  /** Storage key prefix of the resource, ending in "/". */
  prefix: string;
  /** Decode a stored value once (JSON.parse, set metadata.resourceVersion = kv.modRevision). The result is frozen. */
  decode(kv: KeyValue): KObject;
  /**
   * The JSON of decode(kv) (the same bytes JSON.stringify gives), derived from the stored value without
   * decoding it; undefined when it cannot be. The cache then holds the object as these bytes from the start
   * and decodes it only where it is read (filters, other encodings).
   */
  encodeStored?(kv: KeyValue): StoredJson | undefined;
  /** A copy of obj carrying another resourceVersion (for DELETED events of objects that stopped matching). Default: shallow copy of obj and its metadata. */
  withResourceVersion?(obj: KObject, revision: number): KObject;
  /** The object of a BOOKMARK event. Default: { kind, apiVersion (bookmarkType), metadata: { resourceVersion[, annotations] } }. */
  bookmarkObject?(revision: number, initialEventsEnd: boolean): KObject;
  /** kind/apiVersion for the default bookmark object. */
  bookmarkType?: { kind: string; apiVersion: string };
  /** 'deep' (default): Object.freeze the whole object tree; 'shallow': the top level only; 'none'. */
  freeze?: 'deep' | 'shallow' | 'none';
  /**
   * An object's selectable fields (kube's GetAttrs), kept beside objects the cache holds only as JSON so that
   * field selectors (CacheFilter.select) need not decode them. Undefined for an object: none kept.
   */
  fields?(obj: KObject): Readonly<Record<string, string>> | undefined;
  /**
   * The storage delivers watch events from this process's event loop, every event with revision <=
   * currentRevision() reaching its watchers before a setImmediate queued after currentRevision() returned
   * (SqliteStorage does). Consistent reads then complete after one event-loop turn instead of waiting for
   * a progress notification.
   */
  inProcessStorage?: boolean;
  /** Ask the storage for a progress notification soon (etcd WatchProgressRequest). Used while a reader waits. */
  requestProgress?: () => void;
  /** Keep events of this window (ms) in history. Default 75 000 (kube's eventFreshDuration). */
  historyWindowMs?: number;
  /** Keep at least this many events. Default 1000. */
  historyMinEvents?: number;
  /** Keep at most this many events. Default 102 400 (kube's upper bound). */
  historyMaxEvents?: number;
  /** Live events queued for one congested watcher before it is terminated. Default 1000. */
  watcherQueueLimit?: number;
  /** Initial/replayed events delivered per event-loop turn. Default 1000. */
  deliveryChunk?: number;
  /** Bookmark period per watcher (ms). Default 60 000. */
  bookmarkFrequencyMs?: number;
  /** Bookmark timer tick (ms). Default 1000. */
  bookmarkTickMs?: number;
  /** How long a reader waits for the cache to reach a revision, or for readiness (ms). Default 3000 (kube's blockTimeout). */
  freshTimeoutMs?: number;
  /** First delay before retrying a failed storage list/watch (ms); doubles up to 2 s. Default 100. */
  retryDelayMs?: number;
  /** Clock (ms), for tests. */
  now?: () => number;
  /** Called for unexpected background errors (decode failures, list retries). */
  onBackgroundError?: (err: Error) => void;
}

// ------------------------------------------------------------------------------------------ errors

/** 410 Expired: the requested starting revision is older than the history. Message exactly as kube. */
export class TooOldResourceVersionError extends Error {
  readonly code = 410;
  constructor(public readonly requested: number, public readonly oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

/** 504 Timeout (retry after 1 s): the cache did not reach the revision in time. Message exactly as kube. */
export class TooLargeResourceVersionError extends Error {
  readonly code = 504;
  readonly retryAfterSeconds = 1;
  constructor(public readonly requested: number, public readonly current: number) {
    super(`Too large resource version: ${requested}, current: ${current}`);
  }
}

/** The cache is (re)initializing (kube: 429 "storage is (re)initializing", retry after 1 s); callers may read storage instead. */
export class CacheNotReadyError extends Error {
  readonly code = 429;
  readonly retryAfterSeconds = 1;
  constructor() {
    super('storage is (re)initializing');
  }
}

// ------------------------------------------------------------------------------------------ memo

const memoTable = new WeakMap<object, Map<string, unknown>>();

/** Cached objects whose JSON the cache holds (see Entry). */
const jsonOfObject = new WeakMap<object, Buffer>();

/** The JSON bytes of an object from a watch cache, when the cache holds them (same as JSON.stringify). */
export function cachedJson(obj: object): Buffer | undefined {
  return jsonOfObject.get(obj);
}

/** Record the JSON obj was just decoded from (what JSON.stringify(obj) gives), for cachedJson. obj must not change afterwards. */
export function rememberJson(obj: object, bytes: Buffer): void {
  jsonOfObject.set(obj, bytes);
}

/**
 * compute() once per (owner object, slot); later calls return the same value while owner lives. Use it
 * for per-version conversions of cached objects (slot "conv:apps/v1") and for encodings of events.
 */
export function memoize<T>(owner: object, slot: string, compute: () => T): T {
  let m = memoTable.get(owner);
  if (m === undefined) {
    m = new Map();
    memoTable.set(owner, m);
  }
  if (m.has(slot)) return m.get(slot) as T;
  const v = compute();
  m.set(slot, v);
  return v;
}

// ------------------------------------------------------------------------------------------ helpers

/** Compare strings in UTF-8 byte order (storage key order) without encoding them. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (code points >= 0x10000) sort after U+E000..U+FFFF in UTF-8.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

function defaultWithResourceVersion(obj: KObject, revision: number): KObject {
  return { ...obj, metadata: { ...(obj.metadata ?? {}), resourceVersion: String(revision) } };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

// ------------------------------------------------------------------------------------------ internals

interface EntryAttrs {
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly fields: Readonly<Record<string, string>> | undefined;
}

interface EntryHost {
  decodeJson(bytes: Buffer): KObject;
  fieldsOf(obj: KObject): Readonly<Record<string, string>> | undefined;
}

/**
 * One cached object version, held either decoded or as its JSON bytes only: about its serialized size
 * instead of ~1.3× for the decoded form plus the bytes, and nothing for the garbage collector to trace.
 * An entry made from a stored value the store can render as JSON without decoding (encodeStored) is held as
 * bytes from the start; a decoded one turns into bytes once something encodes it (json(): a LIST, a JSON
 * watch event). A held-as-bytes object is decoded again on use and kept weakly: until the next GC, readers
 * share one decoded copy.
 */
class Entry implements CachedObject {
  /**
   * The ADDED event for this version of the object (initial state), shared by the watchers that start
   * together. Weak: encodings are memoized on the event, and the cache must not keep them for every object.
   */
  added?: WeakRef<WatchCacheEvent>;
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  private obj: KObject | undefined;
  private bytes: Buffer | undefined;
  private weak: WeakRef<KObject> | undefined;
  /** What filters read, kept beside the bytes (kube's attrs); taken at the first decode. */
  private attrs: EntryAttrs | undefined;

  constructor(
    readonly key: string,
    readonly modRevision: number,
    src: KObject | StoredJson,
    private readonly host: EntryHost,
  ) {
    // A KObject has no Buffer-valued `bytes`.
    if (src.bytes instanceof Buffer) {
      const j = src as StoredJson;
      this.bytes = j.bytes;
      this.apiVersion = j.apiVersion;
      this.kind = j.kind;
    } else {
      const o = src as KObject;
      this.obj = o;
      this.apiVersion = o.apiVersion;
      this.kind = o.kind;
    }
  }

  get object(): KObject {
    if (this.obj !== undefined) return this.obj;
    let o = this.weak?.deref();
    if (o === undefined) {
      o = this.host.decodeJson(this.bytes!);
      jsonOfObject.set(o, this.bytes!);
      this.weak = new WeakRef(o);
      this.attrs ??= this.attrsOf(o);
    }
    return o;
  }

  json(): Buffer {
    if (this.bytes === undefined) {
      const o = this.obj!;
      this.bytes = Buffer.from(JSON.stringify(o));
      jsonOfObject.set(o, this.bytes);
      this.attrs = this.attrsOf(o);
      // Not even a weak reference: it would outlive the object in every entry.
      this.obj = undefined;
    }
    return this.bytes;
  }

  private attrsOf(o: KObject): EntryAttrs {
    const m = o.metadata;
    return { name: m?.name, namespace: m?.namespace, labels: m?.labels, fields: this.host.fieldsOf(o) };
  }

  /** Does this object pass filter? Objects held as JSON are decoded only when what the entry keeps does not tell. */
  matches(filter: CacheFilter): boolean {
    if (this.obj !== undefined) return filter(this.obj);
    const a = this.attrs;
    if (a === undefined) return filter(this.object);
    if (filter.metadataOnly) return filter({ apiVersion: this.apiVersion, kind: this.kind, metadata: { name: a.name, namespace: a.namespace, labels: a.labels } });
    if (filter.select && a.fields) return filter.select(a.labels, a.fields);
    return filter(this.object);
  }
}

/** A watch event as watchers receive it: its object decoded only if read (see Entry). */
class CacheEvent implements WatchCacheEvent {
  readonly initialEventsEnd?: boolean;
  constructor(
    readonly type: CacheEventType,
    private readonly src: Entry | KObject,
    readonly revision: number,
    readonly key: string,
    initialEventsEnd?: boolean,
  ) {
    if (initialEventsEnd) this.initialEventsEnd = true;
    Object.freeze(this);
  }

  get object(): KObject {
    return this.src instanceof Entry ? this.src.object : this.src;
  }

  get apiVersion(): string | undefined {
    return this.src.apiVersion;
  }

  get kind(): string | undefined {
    return this.src.kind;
  }

  json(): Buffer | undefined {
    return this.src instanceof Entry ? this.src.json() : undefined;
  }
}

interface StoredEvent {
  readonly kind: 'PUT' | 'DELETE';
  readonly key: string;
  readonly revision: number;
  /** PUT: the new object; DELETE: the last state with the deletion revision. */
  readonly entry: Entry;
  /** The object before this event (absent for creations), decoded only when needed. */
  readonly prev?: Entry;
  readonly at: number;
  // Shared per-variant events, created on first use.
  addedEv?: WatchCacheEvent;
  modifiedEv?: WatchCacheEvent;
  deletedEv?: WatchCacheEvent;
}

type Interval =
  | { kind: 'snapshot'; entries: readonly Entry[]; pos: number; end: number }
  | { kind: 'replay'; events: readonly StoredEvent[]; pos: number };

class CacheWatcher implements CacheWatchHandle {
  closed = false;
  paused = false;
  private scheduled = false;
  private interval: Interval | undefined;
  private endBookmark: WatchCacheEvent | undefined;
  private readonly queue: WatchCacheEvent[] = [];
  private qHead = 0;
  /** Revision of the last event handed to the sink (or the starting point). */
  position: number;
  nextBookmarkAt = Infinity;

  constructor(
    private readonly cache: WatchCache,
    readonly prefix: string,
    readonly filter: CacheFilter | undefined,
    /** Only live events above this are for this watcher. */
    readonly startRevision: number,
    readonly bookmarks: boolean,
    readonly deadline: number | undefined,
    private readonly sink: WatchCacheSink,
  ) {
    this.position = startRevision;
  }

  setInterval(interval: Interval | undefined, endBookmark: WatchCacheEvent | undefined): void {
    this.interval = interval;
    this.endBookmark = endBookmark;
  }

  private queued(): number {
    return this.queue.length - this.qHead;
  }

  private idle(): boolean {
    return !this.paused && !this.scheduled && this.interval === undefined && this.endBookmark === undefined && this.queued() === 0;
  }

  /** A live event from the cache. */
  offer(se: StoredEvent): void {
    if (this.closed || se.revision <= this.startRevision) return;
    let ev: WatchCacheEvent | undefined;
    try {
      ev = this.cache.variantFor(se, this.filter);
    } catch (err) {
      // A throwing filter ends this watcher only, never the cache's storage feed.
      this.terminate(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (ev === undefined) return;
    this.push(ev, false);
  }

  offerBookmark(ev: WatchCacheEvent): void {
    // a bookmark at the watcher's own starting revision is fine (nothing happened since); never older
    if (this.closed || ev.revision < this.startRevision) return;
    // kube's nonblockingAdd: a bookmark never terminates a watcher; drop it when the buffer is full.
    if (this.queued() >= this.cache.queueLimit) return;
    this.push(ev, true);
  }

  private push(ev: WatchCacheEvent, droppable: boolean): void {
    if (this.idle()) {
      this.send(ev);
      return;
    }
    if (this.queued() >= this.cache.queueLimit) {
      if (droppable) return;
      this.cache.stats.terminatedWatchers++;
      this.terminate(undefined);
      return;
    }
    this.queue.push(ev);
  }

  private send(ev: WatchCacheEvent): void {
    this.position = Math.max(this.position, ev.revision);
    let ok: boolean | void;
    try {
      ok = this.sink.event(ev);
    } catch (err) {
      // A consumer that throws has lost an event: end its watch rather than continue with a gap.
      this.terminate(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (ok === false) this.paused = true;
  }

  resume(): void {
    if (this.closed || !this.paused) return;
    this.paused = false;
    this.schedule();
  }

  schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      try {
        this.pump();
      } catch (err) {
        this.terminate(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Deliver what is pending: interval, end bookmark, then queued live events. */
  private pump(): void {
    let budget = this.cache.deliveryChunk;
    while (!this.closed && !this.paused) {
      const it = this.interval;
      if (it !== undefined) {
        if (budget-- <= 0) {
          this.schedule();
          return;
        }
        const ev = this.nextFromInterval(it);
        if (ev === undefined) {
          this.interval = undefined;
          continue;
        }
        this.send(ev);
        continue;
      }
      if (this.endBookmark !== undefined) {
        const bm = this.endBookmark;
        this.endBookmark = undefined;
        this.send(bm);
        continue;
      }
      if (this.qHead < this.queue.length) {
        const ev = this.queue[this.qHead]!;
        this.qHead++;
        if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) {
          this.queue.splice(0, this.qHead);
          this.qHead = 0;
        }
        this.send(ev);
        continue;
      }
      this.queue.length = 0;
      this.qHead = 0;
      return;
    }
  }

  private nextFromInterval(it: Interval): WatchCacheEvent | undefined {
    if (it.kind === 'snapshot') {
      while (it.pos < it.end) {
        const e = it.entries[it.pos++]!;
        if (this.filter && !e.matches(this.filter)) continue;
        let ev = e.added?.deref();
        if (ev === undefined) {
          ev = new CacheEvent('ADDED', e, e.modRevision, e.key);
          e.added = new WeakRef(ev);
        }
        return ev;
      }
      return undefined;
    }
    while (it.pos < it.events.length) {
      const se = it.events[it.pos++]!;
      if (!se.key.startsWith(this.prefix)) continue;
      const ev = this.cache.variantFor(se, this.filter);
      if (ev !== undefined) return ev;
    }
    return undefined;
  }

  /** Server-side end. */
  terminate(err: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.forget(this);
    try {
      this.sink.close(err);
    } catch {
      // nowhere to report
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.forget(this);
  }
}

// ------------------------------------------------------------------------------------------ the cache

export class WatchCache {
  readonly prefix: string;
  private readonly storage: Storage;
  private readonly decodeKv: (kv: KeyValue) => KObject;
  private readonly freezeObject: (obj: KObject) => KObject;
  private readonly withRv: (obj: KObject, revision: number) => KObject;
  private readonly now: () => number;
  readonly queueLimit: number;
  readonly deliveryChunk: number;
  private readonly freshTimeoutMs: number;
  private readonly historyWindowMs: number;
  private readonly historyMinEvents: number;
  private readonly historyMaxEvents: number;
  private readonly bookmarkFrequencyMs: number;
  private readonly bookmarkTickMs: number;

  // Current state.
  private readonly byKey = new Map<string, Entry>();
  /** Entries sorted by key (UTF-8 order). */
  private sorted: Entry[] = [];
  private readonly pendingAdds = new Map<string, Entry>();
  /** Keys of sorted that are gone (a key may also be in pendingAdds again). */
  private readonly pendingRemovals = new Set<string>();
  /** An immutable copy of `sorted` for snapshots, shared until the next change. */
  private view: Entry[] | undefined;
  private rev = 0;

  // History: events with revision in (coveredFrom, rev], oldest first, from hHead.
  private history: StoredEvent[] = [];
  private hHead = 0;
  private listRevision = 0;
  /** Revision of the newest event evicted from the history since the last list (0 = none evicted). */
  private lastEvictedRev = 0;

  // Storage feed.
  private gen = 0;
  private storageWatch: Watcher | undefined;
  /** Bumped whenever a storage watch is opened (its backlog may still be on its way). */
  private watchEpoch = 0;
  private ready = false;
  private stopped = false;
  private starting: Promise<void> | undefined;
  private readyWaiters: (() => void)[] = [];
  private revWaiters: { rev: number; resolve: () => void }[] = [];
  private retryDelay: number;

  // Watchers by prefix.
  private readonly groups = new Map<string, Set<CacheWatcher>>();
  private readonly bookmarkWatchers = new Set<CacheWatcher>();
  private bookmarkTimer: NodeJS.Timeout | undefined;

  /** Counters, for tests and metrics. */
  readonly stats = { storageLists: 0, storageWatches: 0, decodes: 0, jsonDecodes: 0, terminatedWatchers: 0, relists: 0 };

  constructor(private readonly opts: WatchCacheOptions) {
    this.prefix = opts.prefix;
    this.storage = opts.storage;
    this.now = opts.now ?? Date.now;
    const freeze = opts.freeze ?? 'deep';
    this.freezeObject = (o) => (freeze === 'deep' ? deepFreeze(o) : freeze === 'shallow' ? Object.freeze(o) : o);
    const decode = opts.decode;
    this.decodeKv = (kv) => {
      this.stats.decodes++;
      return this.freezeObject(decode(kv));
    };
    const withRv = opts.withResourceVersion ?? defaultWithResourceVersion;
    this.withRv = (obj, revision) => this.freezeObject(withRv(obj, revision));
    this.queueLimit = Math.max(1, opts.watcherQueueLimit ?? 1000);
    this.deliveryChunk = Math.max(1, opts.deliveryChunk ?? 1000);
    this.freshTimeoutMs = opts.freshTimeoutMs ?? 3000;
    this.historyWindowMs = opts.historyWindowMs ?? 75_000;
    this.historyMinEvents = Math.max(1, opts.historyMinEvents ?? 1000);
    this.historyMaxEvents = Math.max(this.historyMinEvents, opts.historyMaxEvents ?? 100 * 1024);
    this.bookmarkFrequencyMs = opts.bookmarkFrequencyMs ?? 60_000;
    this.bookmarkTickMs = opts.bookmarkTickMs ?? 1000;
    this.retryDelay = opts.retryDelayMs ?? 100;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Start listing and watching storage; resolves once the cache holds the initial list. Idempotent. */
  start(): Promise<void> {
    if (this.starting === undefined) {
      this.starting = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
      void this.relist();
    }
    return this.starting;
  }

  /** Stop: close the storage watch and end every watcher (without an error). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ready = false;
    this.gen++;
    this.storageWatch?.close();
    this.storageWatch = undefined;
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    this.bookmarkTimer = undefined;
    for (const w of this.allWatchers()) w.terminate(undefined);
    for (const r of this.revWaiters.splice(0)) r.resolve();
    for (const r of this.readyWaiters.splice(0)) r();
  }

  isReady(): boolean {
    return this.ready && !this.stopped;
  }

  /** Latest revision the cache has caught up with (events and progress notifications). */
  get revision(): number {
    return this.rev;
  }

  /** Starting points older than this are answered with TooOldResourceVersionError. */
  get coveredFrom(): number {
    if (this.lastEvictedRev === 0) return this.listRevision;
    const first = this.history[this.hHead];
    // An evicted event may share the first kept one's revision (one etcd transaction): that revision is gone.
    return first !== undefined ? Math.max(first.revision - 1, this.lastEvictedRev) : this.rev;
  }

  get size(): number {
    return this.byKey.size;
  }

  get watcherCount(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.size;
    return n;
  }

  get historyLength(): number {
    return this.history.length - this.hHead;
  }

  private async relist(): Promise<void> {
    const gen = ++this.gen;
    this.ready = false;
    this.storageWatch?.close();
    this.storageWatch = undefined;
    for (;;) {
      if (this.stopped || gen !== this.gen) return;
      try {
        this.stats.storageLists++;
        const res = await this.storage.list(this.prefix);
        if (this.stopped || gen !== this.gen) return;
        const entries: Entry[] = [];
        this.byKey.clear();
        for (const kv of res.items) {
          const e = this.entryOf(kv);
          if (e === undefined) continue;
          entries.push(e);
          this.byKey.set(kv.key, e);
        }
        // Storage lists are sorted by key bytewise; keep our own order function authoritative.
        entries.sort((a, b) => compareKeys(a.key, b.key));
        this.sorted = entries;
        this.pendingAdds.clear();
        this.pendingRemovals.clear();
        this.view = undefined;
        this.history = [];
        this.hHead = 0;
        this.lastEvictedRev = 0;
        this.listRevision = res.revision;
        this.rev = res.revision;
        this.openWatch(gen, res.revision);
        this.ready = true;
        this.retryDelay = this.opts.retryDelayMs ?? 100;
        for (const r of this.readyWaiters.splice(0)) r();
        this.wakeRevisionWaiters();
        return;
      } catch (err) {
        this.report(err);
        await sleep(this.nextRetryDelay());
      }
    }
  }

  private nextRetryDelay(): number {
    const d = this.retryDelay;
    this.retryDelay = Math.min(2000, this.retryDelay * 2);
    return d;
  }

  /** Open the storage watch after `after`; throws what storage.watch throws. */
  private openWatch(gen: number, after: number): void {
    this.stats.storageWatches++;
    this.watchEpoch++;
    this.storageWatch = this.storage.watch(this.prefix, {
      afterRevision: after,
      onEvent: (ev) => this.apply(ev, gen),
      onError: (err) => this.onWatchError(err, gen),
      onProgress: (rev) => {
        if (gen === this.gen && !this.stopped) this.advance(rev);
      },
    });
  }

  private onWatchError(err: Error, gen: number): void {
    if (gen !== this.gen || this.stopped) return;
    this.report(err);
    this.storageWatch = undefined;
    void this.rewatch(gen);
  }

  /** Re-open the storage watch from the cache revision; re-list when that revision was compacted. */
  private async rewatch(gen: number): Promise<void> {
    for (;;) {
      await sleep(this.nextRetryDelay());
      if (gen !== this.gen || this.stopped) return;
      try {
        this.openWatch(gen, this.rev);
        this.retryDelay = this.opts.retryDelayMs ?? 100;
        return;
      } catch (err) {
        if (err instanceof CompactedError) {
          this.relistAfterCompaction(err);
          return;
        }
        this.report(err);
      }
    }
  }

  /** The cache missed events that storage no longer has: watchers' positions are gone (410), re-list. */
  private relistAfterCompaction(err: CompactedError): void {
    this.stats.relists++;
    this.ready = false;
    this.gen++;
    for (const w of this.allWatchers()) w.terminate(new TooOldResourceVersionError(w.position, err.compacted));
    void this.relist();
  }

  /** Force a re-list (e.g. from tests or after a storage failover). */
  forceRelist(): Promise<void> {
    this.stats.relists++;
    for (const w of this.allWatchers()) w.terminate(new TooOldResourceVersionError(w.position, this.rev));
    const p = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    void this.relist();
    return p;
  }

  private report(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    try {
      this.opts.onBackgroundError?.(e);
    } catch {
      // ignore
    }
  }

  /** A stored value as a cache entry: held as JSON when the store can render it so, else decoded; undefined when unreadable. */
  private entryOf(kv: KeyValue): Entry | undefined {
    try {
      const json = this.opts.encodeStored?.(kv);
      return new Entry(kv.key, kv.modRevision, json ?? this.decodeKv(kv), this);
    } catch (err) {
      this.report(err);
      return undefined;
    }
  }

  // ---------------------------------------------------------------- applying storage events

  private apply(ev: WatchEvent, gen: number): void {
    if (gen !== this.gen || this.stopped) return;
    // Older than the cache: already applied (re-watch overlap). Equal: another write of the same etcd
    // transaction (etcd-batch.ts), which etcd delivers in the same watch response.
    if (ev.revision < this.rev) return;
    const key = ev.kv.key;
    let prev: Entry | undefined = this.byKey.get(key);
    if (prev === undefined && ev.prevKv !== undefined) prev = this.entryOf(ev.prevKv);
    let se: StoredEvent | undefined;
    if (ev.type === 'DELETE') {
      const gone = this.entryOf(ev.kv.modRevision === ev.revision ? ev.kv : { ...ev.kv, modRevision: ev.revision });
      this.removeEntry(key);
      if (gone !== undefined) se = { kind: 'DELETE', key, revision: ev.revision, entry: gone, prev: prev ?? gone, at: this.now() };
    } else {
      const e = this.entryOf(ev.kv);
      if (e === undefined) {
        this.removeEntry(key); // unreadable: better absent than stale
      } else {
        this.upsertEntry(e);
        se = { kind: 'PUT', key, revision: ev.revision, entry: e, prev, at: this.now() };
      }
    }
    this.rev = ev.revision;
    if (se !== undefined) {
      this.pushHistory(se);
      this.dispatch(se);
    }
    this.wakeRevisionWaiters();
  }

  private advance(rev: number): void {
    if (rev <= this.rev) return;
    this.rev = rev;
    this.wakeRevisionWaiters();
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.sorted[mid]!.key, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * New keys wait in pendingAdds and removed ones in pendingRemovals until a read needs the order:
   * inserting into (or deleting from) the sorted array one key at a time moves the whole array, which
   * made every create into a large resource cost time proportional to its size.
   */
  private upsertEntry(e: Entry): void {
    const had = this.byKey.has(e.key);
    this.byKey.set(e.key, e);
    this.view = undefined;
    if (!had || this.pendingAdds.has(e.key)) {
      this.pendingAdds.set(e.key, e);
      return;
    }
    const i = this.lowerBound(e.key);
    if (this.sorted[i]?.key === e.key) this.sorted[i] = e;
  }

  private removeEntry(key: string): void {
    if (!this.byKey.delete(key)) return;
    this.view = undefined;
    if (!this.pendingAdds.delete(key)) this.pendingRemovals.add(key);
  }

  /** Merge the pending additions and removals into the sorted array. */
  private settle(): void {
    if (this.pendingAdds.size === 0 && this.pendingRemovals.size === 0) return;
    const adds = [...this.pendingAdds.values()].sort((a, b) => compareKeys(a.key, b.key));
    const old = this.sorted;
    const out: Entry[] = [];
    let i = 0;
    let j = 0;
    while (i < old.length || j < adds.length) {
      if (j >= adds.length || (i < old.length && compareKeys(old[i]!.key, adds[j]!.key) < 0)) {
        const e = old[i++]!;
        if (!this.pendingRemovals.has(e.key)) out.push(e);
      } else {
        out.push(adds[j++]!);
      }
    }
    this.sorted = out;
    this.pendingAdds.clear();
    this.pendingRemovals.clear();
  }

  private pushHistory(se: StoredEvent): void {
    this.history.push(se);
    const now = se.at;
    while (this.history.length - this.hHead > this.historyMinEvents) {
      const oldest = this.history[this.hHead]!;
      const len = this.history.length - this.hHead;
      if (len <= this.historyMaxEvents && now - oldest.at < this.historyWindowMs) break;
      this.lastEvictedRev = oldest.revision;
      this.hHead++;
    }
    if (this.hHead > 4096 && this.hHead * 2 > this.history.length) {
      this.history = this.history.slice(this.hHead);
      this.hHead = 0;
    }
  }

  private dispatch(se: StoredEvent): void {
    for (const [prefix, group] of this.groups) {
      if (!se.key.startsWith(prefix)) continue;
      for (const w of group) w.offer(se);
    }
  }

  /** @internal The event a watcher with this filter sees for se, shared by all such watchers. */
  variantFor(se: StoredEvent, filter: CacheFilter | undefined): WatchCacheEvent | undefined {
    let cur: boolean;
    let old: boolean;
    if (filter === undefined) {
      cur = se.kind === 'PUT';
      old = se.prev !== undefined;
    } else {
      cur = se.kind === 'PUT' && se.entry.matches(filter);
      old = se.prev !== undefined && se.prev.matches(filter);
    }
    if (cur && old) return (se.modifiedEv ??= new CacheEvent('MODIFIED', se.entry, se.revision, se.key));
    if (cur) return (se.addedEv ??= new CacheEvent('ADDED', se.entry, se.revision, se.key));
    if (old) {
      if (se.deletedEv === undefined) {
        const src = se.kind === 'DELETE' ? se.entry : this.withRv(se.prev!.object, se.revision);
        se.deletedEv = new CacheEvent('DELETED', src, se.revision, se.key);
      }
      return se.deletedEv;
    }
    return undefined;
  }

  private bookmarkEvent(revision: number, initialEventsEnd: boolean): WatchCacheEvent {
    let obj: KObject;
    if (this.opts.bookmarkObject) obj = this.opts.bookmarkObject(revision, initialEventsEnd);
    else {
      const meta: Record<string, unknown> = { resourceVersion: String(revision) };
      if (initialEventsEnd) meta.annotations = { 'k8s.io/initial-events-end': 'true' };
      obj = { ...(this.opts.bookmarkType ?? {}), metadata: meta };
    }
    return new CacheEvent('BOOKMARK', deepFreeze(obj), revision, '', initialEventsEnd);
  }

  // ---------------------------------------------------------------- freshness

  private async waitReady(timeoutMs: number): Promise<void> {
    if (this.stopped) throw new CacheNotReadyError();
    if (this.ready) return;
    if (this.starting === undefined) void this.start();
    let timer: NodeJS.Timeout | undefined;
    let resolveFn: (() => void) | undefined;
    const ok = await new Promise<boolean>((resolve) => {
      resolveFn = () => resolve(true);
      this.readyWaiters.push(resolveFn);
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    clearTimeout(timer);
    if (!ok && resolveFn) {
      const i = this.readyWaiters.indexOf(resolveFn);
      if (i >= 0) this.readyWaiters.splice(i, 1);
    }
    if (!ok || !this.ready || this.stopped) throw new CacheNotReadyError();
  }

  private wakeRevisionWaiters(): void {
    if (this.revWaiters.length === 0) return;
    const keep: { rev: number; resolve: () => void }[] = [];
    for (const w of this.revWaiters) {
      if (w.rev <= this.rev) w.resolve();
      else keep.push(w);
    }
    this.revWaiters = keep;
  }

  private waitRevision(rev: number, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiter = {
        rev,
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
      };
      const t = setTimeout(() => {
        const i = this.revWaiters.indexOf(waiter);
        if (i >= 0) this.revWaiters.splice(i, 1);
        resolve();
      }, ms);
      this.revWaiters.push(waiter);
    });
  }

  /**
   * Storage has committed everything up to c: make the cache learn that it has seen every event of its
   * prefix up to c (one event-loop turn for an in-process storage, else a progress request).
   */
  private async probe(c: number): Promise<void> {
    if (this.opts.inProcessStorage) {
      const gen = this.gen;
      const epoch = this.watchEpoch;
      const open = this.storageWatch !== undefined;
      await nextTurn();
      // Only if the same storage watch was open all along: a newer one may still owe its backlog.
      if (open && gen === this.gen && epoch === this.watchEpoch && this.ready && this.storageWatch !== undefined && !this.stopped) this.advance(c);
      return;
    }
    if (this.opts.requestProgress) this.opts.requestProgress();
  }

  /**
   * Wait until the cache reached `target` ('consistent': the storage's current revision); returns the
   * cache revision. Throws TooLargeResourceVersionError after timeoutMs, CacheNotReadyError while
   * (re)initializing.
   */
  async waitForRevision(target: number | 'consistent', timeoutMs = this.freshTimeoutMs): Promise<number> {
    const deadline = this.now() + timeoutMs;
    await this.waitReady(timeoutMs);
    const want = target === 'consistent' ? await this.storage.currentRevision() : target;
    let first = true;
    for (;;) {
      if (!this.ready || this.stopped) throw new CacheNotReadyError();
      if (this.rev >= want) return this.rev;
      const c = first && target === 'consistent' ? want : await this.storage.currentRevision();
      first = false;
      if (c >= want) await this.probe(c);
      if (this.rev >= want) {
        if (!this.ready || this.stopped) throw new CacheNotReadyError();
        return this.rev;
      }
      const left = deadline - this.now();
      if (left <= 0) throw new TooLargeResourceVersionError(want, this.rev);
      await this.waitRevision(want, Math.min(left, 50));
    }
  }

  // ---------------------------------------------------------------- reads

  /**
   * kube 1.32's choice (cacher.shouldDelegateList): whether a LIST with these parameters can be served
   * from the cache. Continue tokens, resourceVersionMatch=Exact and the legacy exact match (limit with a
   * resourceVersion other than "0" and no match) go to storage; so do consistent reads (resourceVersion
   * unset) when the cache cannot learn the storage's progress.
   */
  canServeList(p: ListServeParams): boolean {
    return this.isReady() && this.servesList(p);
  }

  /** Whether a list with these options is the cache's to serve once ready (kube's shouldDelegateList, negated). */
  servesList(p: ListServeParams): boolean {
    if (p.continue) return false;
    const rv = p.resourceVersion ?? '';
    const match = p.resourceVersionMatch ?? '';
    if (match !== '' && match !== 'NotOlderThan') return false;
    if ((p.limit ?? 0) > 0 && match === '' && rv !== '' && rv !== '0') return false;
    if (rv === '' && !this.opts.inProcessStorage && !this.opts.requestProgress) return false;
    return true;
  }

  private range(prefix: string | undefined): { entries: Entry[]; lo: number; hi: number } {
    const p = prefix ?? this.prefix;
    if (!p.startsWith(this.prefix)) throw new Error(`prefix ${p} is outside the cache prefix ${this.prefix}`);
    if (this.view === undefined) {
      this.settle();
      this.view = this.sorted.slice();
    }
    const entries = this.view;
    if (p === this.prefix) return { entries, lo: 0, hi: entries.length };
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(entries[mid]!.key, p) < 0) lo = mid + 1;
      else hi = mid;
    }
    // Keys with the prefix are contiguous from lo.
    let a = lo;
    let b = entries.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (entries[mid]!.key.startsWith(p)) a = mid + 1;
      else b = mid;
    }
    return { entries, lo, hi: a };
  }

  /** LIST from memory (see CacheListOptions). Sorted by key. */
  async list(o: CacheListOptions = {}): Promise<CacheListResult> {
    const timeout = o.timeoutMs ?? this.freshTimeoutMs;
    if (o.minRevision !== undefined && o.minRevision !== 0) await this.waitForRevision(o.minRevision, timeout);
    else await this.waitReady(timeout);
    const { entries, lo, hi } = this.range(o.prefix);
    const limit = o.limit && o.limit > 0 ? o.limit : 0;
    const out: Entry[] = [];
    const keys: string[] = [];
    let more = false;
    let remaining = 0;
    for (let i = lo; i < hi; i++) {
      const e = entries[i]!;
      if (o.filter && !e.matches(o.filter)) continue;
      out.push(e);
      keys.push(e.key);
      if (limit && out.length >= limit) {
        if (i < hi - 1) {
          more = true;
          remaining = hi - 1 - i;
        }
        break;
      }
    }
    let items: KObject[] | undefined;
    return {
      entries: out,
      get items() {
        return (items ??= out.map((e) => e.object));
      },
      keys,
      revision: this.rev,
      more,
      remaining,
    };
  }

  /** @internal The selectable fields kept beside an entry's JSON bytes (see Entry). */
  fieldsOf(obj: KObject): Readonly<Record<string, string>> | undefined {
    return this.opts.fields?.(obj);
  }

  /** @internal Decode an entry's JSON bytes (see Entry). */
  decodeJson(bytes: Buffer): KObject {
    this.stats.jsonDecodes++;
    return this.freezeObject(JSON.parse(bytes.toString()) as KObject);
  }

  /** The cached object now, without waiting for the cache to catch up. */
  peek(key: string): KObject | undefined {
    return this.byKey.get(key)?.object;
  }

  /** GET from memory after the cache reached minRevision (undefined = any). Undefined when absent. */
  async get(key: string, minRevision?: number | 'consistent'): Promise<{ object: KObject; revision: number } | undefined> {
    const e = await this.getEntry(key, minRevision);
    return e ? { object: e.object, revision: this.rev } : undefined;
  }

  /** get() as the cache holds the object (its JSON without decoding it, see CachedObject). */
  async getEntry(key: string, minRevision?: number | 'consistent'): Promise<CachedObject | undefined> {
    if (minRevision !== undefined && minRevision !== 0) await this.waitForRevision(minRevision);
    else await this.waitReady(this.freshTimeoutMs);
    return this.byKey.get(key);
  }

  // ---------------------------------------------------------------- watch

  /**
   * Start a watcher. Rejects with TooOldResourceVersionError (fromRevision older than the history),
   * TooLargeResourceVersionError (initial state requested at a revision the cache did not reach in time)
   * or CacheNotReadyError. Events start flowing on a later event-loop turn.
   */
  async watch(o: CacheWatchOptions): Promise<CacheWatchHandle> {
    const prefix = o.prefix ?? this.prefix;
    if (!prefix.startsWith(this.prefix)) throw new Error(`prefix ${prefix} is outside the cache prefix ${this.prefix}`);
    const timeout = o.timeoutMs ?? this.freshTimeoutMs;
    if (o.initialState && o.minRevision !== undefined && o.minRevision !== 0) await this.waitForRevision(o.minRevision, timeout);
    else await this.waitReady(timeout);
    // From here on everything is synchronous: the interval and the registration see the same revision.
    let interval: Interval | undefined;
    let endBookmark: WatchCacheEvent | undefined;
    let start: number;
    if (o.initialState) {
      start = this.rev;
      const { entries, lo, hi } = this.range(prefix);
      interval = { kind: 'snapshot', entries, pos: lo, end: hi };
      if (o.initialEventsEndBookmark) endBookmark = this.bookmarkEvent(start, true);
    } else {
      const from = Math.max(0, o.fromRevision ?? this.rev);
      const covered = this.coveredFrom;
      if (from < covered) throw new TooOldResourceVersionError(from, covered);
      start = from;
      if (from < this.rev) {
        // Events after `from`: binary search in history.
        let lo = this.hHead;
        let hi = this.history.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.history[mid]!.revision <= from) lo = mid + 1;
          else hi = mid;
        }
        if (lo < this.history.length) interval = { kind: 'replay', events: this.history.slice(lo), pos: 0 };
      }
    }
    const w = new CacheWatcher(this, prefix, o.filter, start, o.bookmarks ?? false, o.deadline, o.sink);
    w.setInterval(interval, endBookmark);
    let group = this.groups.get(prefix);
    if (group === undefined) {
      group = new Set();
      this.groups.set(prefix, group);
    }
    group.add(w);
    if (w.bookmarks) {
      w.nextBookmarkAt = this.nextBookmarkTime(w, this.now());
      this.bookmarkWatchers.add(w);
      this.ensureBookmarkTimer();
    }
    w.schedule();
    return w;
  }

  /** @internal */
  forget(w: CacheWatcher): void {
    const g = this.groups.get(w.prefix);
    if (g !== undefined) {
      g.delete(w);
      if (g.size === 0) this.groups.delete(w.prefix);
    }
    if (this.bookmarkWatchers.delete(w) && this.bookmarkWatchers.size === 0 && this.bookmarkTimer) {
      clearInterval(this.bookmarkTimer);
      this.bookmarkTimer = undefined;
    }
  }

  private allWatchers(): CacheWatcher[] {
    const out: CacheWatcher[] = [];
    for (const g of this.groups.values()) for (const w of g) out.push(w);
    return out;
  }

  private nextBookmarkTime(w: CacheWatcher, now: number): number {
    let t = now + this.bookmarkFrequencyMs;
    if (w.deadline !== undefined && w.deadline - 2000 < t) t = w.deadline - 2000;
    return t < now ? Infinity : t;
  }

  private ensureBookmarkTimer(): void {
    if (this.bookmarkTimer !== undefined || this.stopped) return;
    this.bookmarkTimer = setInterval(() => this.bookmarkTick(), this.bookmarkTickMs);
    this.bookmarkTimer.unref();
  }

  private bookmarkTick(): void {
    if (!this.ready || this.stopped || this.rev === 0) return;
    const now = this.now();
    let ev: WatchCacheEvent | undefined;
    for (const w of [...this.bookmarkWatchers]) {
      if (w.closed || w.nextBookmarkAt > now) continue;
      ev ??= this.bookmarkEvent(this.rev, false);
      w.offerBookmark(ev);
      w.nextBookmarkAt = this.nextBookmarkTime(w, now);
    }
  }
}
