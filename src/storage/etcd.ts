// etcd implementation of the revisioned key-value Storage contract (see interface.ts), on the `etcd3`
// npm client (gRPC). The contract is modelled on etcd, so most calls map one to one:
//
//   resourceVersion = mod_revision; create = txn(create_revision == 0) put; update = txn(mod_revision ==
//   expected) put, else read the key for ConflictError; delete = txn(...) delete with prev_kv; list = range
//   (with revision / limit / start key; `remaining` from the range's count of the whole range); watch =
//   one gRPC watch stream per watcher, with prev_kv and progress_notify. Concurrent writes are grouped
//   into shared transactions when they queue up (etcd-batch.ts).
//
// Compaction. The contract's compact(r) is etcd's Compact(r). etcd still answers reads at exactly r
// (and needs r to give prevKv to the events at r + 1: a watch from just after the compaction point works),
// while the contract says r is gone: reads at or below the compacted revision known to this process are
// refused here, and etcd refuses anything older. Like kube-apiserver, the compaction target is first
// recorded in the key `compact_rev_key` with a compare-and-swap on the key's version, so only one of
// several API servers wins a round and the others learn the revision. compactedRevision() (= etcd's
// compact revision + 1, the oldest revision the contract lets you read) takes the largest of: what this
// process compacted or learnt (watch responses carry etcd's compact revision; ranges failing with
// "compacted" give a lower bound), and the value of `compact_rev_key`; that candidate is verified with a
// one-key range at it, and if etcd says even that is compacted (someone compacted etcd directly, or
// auto-compaction runs), a short watch probe asks etcd for its exact compact revision. etcd cancels a watch
// that is still replaying history (it started in the past: etcd catches such watches up on a 100 ms loop)
// when a compaction passes its position, so compact() first waits (up to 2 s) for this process's replaying
// watches to get past the target; live watches are never affected.
//
// Retries. etcd3's own global retry is disabled (it would blindly retry non-idempotent writes); its
// per-host circuit breaker stays, so a dead member is skipped. Every call here is retried on transient
// errors (unavailable member, leader change, no leader, timeouts, open circuit) with backoff for up to
// `retryTimeoutMs`, each attempt on another member. Writes are compare-and-swap transactions, so a retry
// whose first attempt was applied without us hearing back finds its own value in place: create and update
// then report success. (A retried delete that finds the key gone reports KeyNotFoundError.)
//
// Watches resume transparently after a stream failure from the revision after the last event (or
// progress notification) delivered, on another member if needed; they fail with CompactedError when
// etcd reports the start revision compacted. Progress notifications come from etcd's progress_notify
// (its --experimental-watch-progress-notify-interval, 10 minutes unless configured; kube deployments use
// a few seconds). Client-requested progress (WatchProgressRequest) is not used: etcd before 3.4.26 /
// 3.5.8 may answer it ahead of events still being replayed.
import {
  Etcd3,
  isRecoverableError,
  type IKeyValue,
  type IOptions,
  type IRangeRequest,
  type IResponseHeader,
  type ITxnRequest,
  type ITxnResponse,
  type IWatchRequest,
  type IWatchResponse,
  type IDuplexStream,
  type ICompare,
} from 'etcd3';
import { ipFamily } from '../util/ip.js';
import { TxnBatcher } from './etcd-batch.js';
import { LeaseManager } from './etcd-lease.js';
import {
  CompactedError,
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  StorageError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type PutOptions,
  type Storage,
  type WatchEvent,
  type Watcher,
  type WatchOptions,
} from './interface.js';

export { FutureRevisionError };

export interface EtcdStorageOptions {
  /** Client URLs of the cluster members, e.g. ['http://127.0.0.1:2379']. */
  endpoints: string[];
  /**
   * Extra key namespace prepended to every key (kube's --etcd-prefix is already part of the keys the
   * registry passes); meant for isolating tests sharing one etcd. Default ''.
   */
  prefix?: string;
  /**
   * Per-attempt deadline of writes and small reads (ms). Default 2000: a write sent to a follower just
   * as the leader dies waits for etcd's own timeout (5 s and more) otherwise; a retry on a surviving member
   * after a new election is much quicker. Retried writes are safe (see above).
   */
  requestTimeoutMs?: number;
  /** Per-attempt deadline of lists (ms). Default 30000. */
  listTimeoutMs?: number;
  /** How long transient failures are retried before a call fails (ms). Default 20000. */
  retryTimeoutMs?: number;
  /** How long a watch keeps reconnecting without success before it fails (ms). Default 60000. */
  watchRetryTimeoutMs?: number;
  /** How long open() waits for the cluster to answer (ms). Default 20000. */
  connectTimeoutMs?: number;
  /** TLS material for https:// endpoints. */
  credentials?: { rootCertificate: Buffer; privateKey?: Buffer; certChain?: Buffer };
  /** Username/password authentication. */
  auth?: { username: string; password: string };
  /** kube's --lease-reuse-duration-seconds: the most a lease for TTL'd writes outlives their TTL. Default 60. */
  leaseReuseSeconds?: number;
  /** Largest response accepted (bytes). Default 2 GiB - 1 (etcd3's default, 4 MiB, is too small for lists). */
  maxReceiveMessageBytes?: number;
}

/** The key kube-apiserver's compactor keeps its last compaction target in (outside --etcd-prefix). */
export const COMPACT_REV_KEY = 'compact_rev_key';

type GlobalPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;
type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;
type CallOpts = { deadline: number };

const COMPACTED_MSG = 'required revision has been compacted';
const FUTURE_MSG = 'required revision is a future revision';
const TRANSIENT_MSG =
  /leader changed|no leader|request timed out|timed out|too many requests|unavailable|circuit|ECONNREFUSED|ECONNRESET|connection dropped|No connection established|deadline exceeded|stream removed|Received RST_STREAM|GOAWAY|socket hang up|not capable|raft proposal dropped|server is stopped|cancelled on client/i;

/** etcd3's circuit breaker refusing to try a member that failed recently (it says nothing of why). */
function isBrokenCircuit(err: unknown): boolean {
  return err instanceof Error && (err.name === 'BrokenCircuitError' || err.constructor.name === 'BrokenCircuitError');
}

function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.message.includes(COMPACTED_MSG) || err.message.includes(FUTURE_MSG)) return false;
  if (isBrokenCircuit(err)) return true;
  try {
    if (isRecoverableError(err)) return true;
  } catch {
    // not an etcd3 error
  }
  return TRANSIENT_MSG.test(err.message);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Smallest key greater than every key starting with p (etcd's prefix range end); '\0' = no end. */
function prefixEnd(p: Buffer): Buffer {
  for (let i = p.length - 1; i >= 0; i--) {
    if (p[i] < 0xff) {
      const end = Buffer.from(p.subarray(0, i + 1));
      end[i]++;
      return end;
    }
  }
  return Buffer.from([0]);
}

/** Is k within [lo, hi)? hi = '\0' means unbounded. */
function inRange(k: Buffer, lo: Buffer, hi: Buffer): boolean {
  if (Buffer.compare(k, lo) < 0) return false;
  if (hi.length === 1 && hi[0] === 0) return true;
  return Buffer.compare(k, hi) < 0;
}

const NO_LEASE: { lease?: string } = {};
const LEASE_NOT_FOUND_MSG = /requested lease not found/i;
/** etcd refusing a whole transaction for what one of its writes carries. */
const REFUSAL_MSG = /requested lease not found|request is too large|too many operations in txn request|duplicate key given in txn request/i;

function rev(s: string | number | undefined): number {
  return s === undefined ? 0 : Number(s);
}

/**
 * Cancel a watch stream. end() first: etcd3 marks a host failed (and resets all its connections) when a
 * stream that is still writable errors, and cancelling makes the stream error with CANCELLED.
 */
function cancelStream(stream: WatchStream): void {
  try {
    stream.end();
  } catch {
    // already ended
  }
  stream.cancel();
}

/** Events are shared by every consumer of a watcher, so none of them may change one. */
function freezeEvent(ev: WatchEvent): WatchEvent {
  Object.freeze(ev.kv);
  if (ev.prevKv) Object.freeze(ev.prevKv);
  return Object.freeze(ev);
}

function hostIsIp(endpoint: string): boolean {
  try {
    return ipFamily(new URL(endpoint).hostname.replace(/^\[|\]$/g, '')) !== 0;
  } catch {
    return false;
  }
}

let ipServernameWarningDropped = false;

/**
 * grpc-js sends the etcd host as the TLS server name even when it is an IP address, and Node then prints
 * DEP0123 ("Setting the TLS ServerName to an IP address is not permitted by RFC 6066") on the first connection.
 * The certificate is still checked against the IP; nothing in the warning is the user's to act on, so that
 * one warning is dropped and every other is left as it is.
 */
function dropIpServernameWarning(): void {
  if (ipServernameWarningDropped) return;
  ipServernameWarningDropped = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    const opt = args[1];
    const code = typeof opt === 'object' && opt !== null ? (opt as { code?: unknown }).code : args[2];
    if (code === 'DEP0123') return;
    emit(...args);
  }) as typeof process.emitWarning;
}

export class EtcdStorage implements Storage {
  private closed = false;
  /** etcd's compact revision as known to this process (0 = nothing compacted). */
  private knownCompact = 0;
  private readonly ns: Buffer;
  private readonly reservedKey = Buffer.from(COMPACT_REV_KEY);
  private readonly watchers = new Set<EtcdWatcher>();
  private retryTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly listTimeoutMs: number;
  readonly watchRetryTimeoutMs: number;
  /** Concurrent writes share transactions (see etcd-batch.ts). */
  private readonly batcher = new TxnBatcher((req) => this.txnCounted(req), {
    isRefusal: (err) => err instanceof Error && REFUSAL_MSG.test(err.message),
  });
  /** Leases for writes with a TTL (kube's lease manager: one lease shared by many keys). */
  private readonly leases: LeaseManager;

  private constructor(readonly client: Etcd3, opts: EtcdStorageOptions) {
    this.ns = Buffer.from(opts.prefix ?? '', 'utf8');
    this.retryTimeoutMs = opts.retryTimeoutMs ?? 20000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 2000;
    this.listTimeoutMs = opts.listTimeoutMs ?? 30000;
    this.watchRetryTimeoutMs = opts.watchRetryTimeoutMs ?? 60000;
    this.leases = new LeaseManager(
      async (ttl) => (await this.call((o) => this.client.leaseClient.leaseGrant({ TTL: ttl, ID: 0 }, o))).ID,
      opts.leaseReuseSeconds,
    );
  }

  static async open(opts: EtcdStorageOptions): Promise<EtcdStorage> {
    if (opts.endpoints.length === 0) throw new StorageError('etcd: no endpoints given');
    // No global retry inside etcd3: retries happen here, where writes can be made safe to retry.
    const noRetry: GlobalPolicy = {
      execute: async (fn: (ctx: { signal: AbortSignal }) => unknown) => fn({ signal: new AbortController().signal }),
    } as unknown as GlobalPolicy;
    if (opts.credentials && opts.endpoints.some(hostIsIp)) dropIpServernameWarning();
    const client = new Etcd3({
      hosts: opts.endpoints,
      credentials: opts.credentials,
      auth: opts.auth,
      dialTimeout: opts.connectTimeoutMs ?? 20000,
      grpcOptions: {
        'grpc.max_receive_message_length': opts.maxReceiveMessageBytes ?? 2 ** 31 - 1,
        'grpc.max_send_message_length': 2 ** 31 - 1,
        // Notice a vanished peer (no RST, e.g. a partition) on idle connections and watch streams.
        'grpc.keepalive_time_ms': 10000,
        'grpc.keepalive_timeout_ms': 5000,
        'grpc.keepalive_permit_without_calls': 1,
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 2000,
      },
      faultHandling: { global: noRetry },
    });
    const store = new EtcdStorage(client, {
      ...opts,
      retryTimeoutMs: opts.connectTimeoutMs ?? opts.retryTimeoutMs ?? 20000,
    });
    try {
      await store.currentRevision();
    } catch (err) {
      client.close();
      throw new StorageError(
        `etcd: cannot reach ${opts.endpoints.join(', ')}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    store.retryTimeoutMs = opts.retryTimeoutMs ?? 20000;
    return store;
  }

  // ---- Storage ----

  async currentRevision(): Promise<number> {
    const res = await this.call((o) => this.client.kv.range({ key: this.reservedKey, count_only: true }, o));
    return rev(res.header.revision);
  }

  async get(key: string): Promise<KeyValue | null> {
    const res = await this.call((o) => this.client.kv.range({ key: this.k(key) }, o));
    const kv = res.kvs[0];
    return kv === undefined ? null : this.toKv(kv);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const p = this.k(prefix);
    const end = prefixEnd(p);
    let start = p.length === 0 ? Buffer.from([0]) : p;
    if (opts.startKey !== undefined) {
      const sk = this.k(opts.startKey);
      if (Buffer.compare(sk, start) > 0) start = sk;
    }
    const requested = opts.revision !== undefined && opts.revision > 0 ? Math.floor(opts.revision) : 0;
    // etcd still serves its compact revision itself; the contract does not.
    if (requested > 0 && requested <= this.knownCompact) throw new CompactedError(requested, this.knownCompact);
    const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    if (!(end.length === 1 && end[0] === 0) && Buffer.compare(start, end) >= 0) {
      // Empty range: still answer at a real revision (and check the requested one).
      const res = await this.range({ key: this.reservedKey, count_only: true, revision: requested || undefined }, requested);
      return { items: [], revision: requested || rev(res.header.revision), more: false, remaining: 0 };
    }
    const hidesReserved = this.ns.length === 0 && inRange(this.reservedKey, start, end);
    // The bookkeeping key is not the caller's: fetch one more so that hiding it still fills the page.
    const fetchLimit = hidesReserved && limit > 0 ? limit + 1 : limit;
    const res = await this.range({ key: start, range_end: end, limit: fetchLimit, revision: requested || undefined }, requested);
    const atRev = requested || rev(res.header.revision);
    let items = res.kvs;
    let rest = rev(res.count) - res.kvs.length;
    if (hidesReserved) {
      const seen = items.some((kv) => kv.key.equals(this.reservedKey));
      items = items.filter((kv) => !kv.key.equals(this.reservedKey));
      if (limit > 0 && items.length > limit) {
        rest += items.length - limit;
        items = items.slice(0, limit);
      }
      if (seen) {
        rest = rev(res.count) - items.length - 1;
      } else {
        const last = res.kvs[res.kvs.length - 1];
        if (rest > 0 && last !== undefined && Buffer.compare(last.key, this.reservedKey) < 0) {
          // The bookkeeping key may be among the rest: don't count it.
          const r = await this.range({ key: this.reservedKey, count_only: true, revision: atRev }, atRev);
          rest -= rev(r.count);
        }
      }
    }
    const remaining = limit > 0 ? Math.max(0, rest) : 0;
    return { items: items.map((kv) => this.toKv(kv)), revision: atRev, more: remaining > 0, remaining };
  }

  async count(prefix: string): Promise<number> {
    const p = this.k(prefix);
    const end = prefixEnd(p);
    const start = p.length === 0 ? Buffer.from([0]) : p;
    if (this.ns.length === 0 && inRange(this.reservedKey, start, end)) {
      // Count around the bookkeeping key, atomically.
      const after = Buffer.concat([this.reservedKey, Buffer.from([0])]);
      const res = await this.txn({
        success: [
          { request_range: { key: start, range_end: this.reservedKey, count_only: true } },
          { request_range: { key: after, range_end: end, count_only: true } },
        ],
      });
      return res.responses.reduce((n, r) => n + rev(r.response_range.count), 0);
    }
    const res = await this.call(
      (o) => this.client.kv.range({ key: start, range_end: end, count_only: true }, o),
      this.listTimeoutMs,
    );
    return rev(res.count);
  }

  async create(key: string, value: string, opts?: PutOptions): Promise<KeyValue> {
    this.checkOpen();
    const k = this.k(key);
    const v = Buffer.from(value, 'utf8');
    const out = await this.withLease(opts, (lease) =>
      this.batcher.submit({
        key: k,
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        op: { request_put: { key: k, value: v, ...lease } },
        bytes: k.length + v.length,
        holds: (cur) => cur === undefined,
      }),
    );
    if (out.succeeded) return { key, value, createRevision: out.revision, modRevision: out.revision };
    // A retried create whose first attempt was applied finds its own value.
    if (out.attempts > 1 && out.current !== undefined && out.current.value.equals(v)) return this.toKv(out.current);
    throw new KeyExistsError(key);
  }

  async update(key: string, value: string, expectedModRevision: number, opts?: PutOptions): Promise<KeyValue> {
    this.checkOpen();
    const k = this.k(key);
    const v = Buffer.from(value, 'utf8');
    const out = await this.withLease(opts, (lease) =>
      this.batcher.submit({
        key: k,
        compare: [
          { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
          { key: k, target: 'Version', result: 'Greater', version: 0 },
        ],
        op: { request_put: { key: k, value: v, prev_kv: true, ...lease } },
        bytes: k.length + v.length,
        holds: (cur) => cur !== undefined && rev(cur.mod_revision) === expectedModRevision,
      }),
    );
    if (out.succeeded) {
      const prev = out.response.response_put.prev_kv;
      return { key, value, createRevision: prev ? rev(prev.create_revision) : out.revision, modRevision: out.revision };
    }
    const cur = out.current;
    if (cur === undefined) throw new KeyNotFoundError(key);
    if (out.attempts > 1 && cur.value.equals(v)) return this.toKv(cur);
    throw new ConflictError(key, rev(cur.mod_revision));
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.checkOpen();
    const k = this.k(key);
    const exists: ICompare = { key: k, target: 'Version', result: 'Greater', version: 0 };
    const out = await this.batcher.submit({
      key: k,
      compare:
        expectedModRevision !== undefined
          ? [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }, exists]
          : [exists],
      op: { request_delete_range: { key: k, prev_kv: true } },
      bytes: k.length,
      holds: (cur) =>
        cur !== undefined && (expectedModRevision === undefined || rev(cur.mod_revision) === expectedModRevision),
    });
    if (out.succeeded) {
      const prev = out.response.response_delete_range.prev_kvs[0];
      if (prev === undefined) throw new KeyNotFoundError(key);
      return {
        key,
        value: prev.value.toString('utf8'),
        createRevision: rev(prev.create_revision),
        modRevision: out.revision,
      };
    }
    if (out.current === undefined) throw new KeyNotFoundError(key);
    throw new ConflictError(key, rev(out.current.mod_revision));
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    this.checkOpen();
    const after = Math.max(0, Math.floor(opts.afterRevision));
    if (after < this.knownCompact) throw new CompactedError(after, this.knownCompact);
    const p = this.k(prefix);
    const w = new EtcdWatcher(this, p.length === 0 ? Buffer.from([0]) : p, prefixEnd(p), after + 1, opts);
    this.watchers.add(w);
    w.start();
    return w;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const current = await this.currentRevision();
    if (revision > current) throw new FutureRevisionError(revision, current);
    const target = Math.floor(revision);
    if (target <= this.knownCompact) return;
    // Record the target in compact_rev_key (CAS on its version), as kube-apiserver's compactor does.
    for (;;) {
      const cur = await this.call((o) => this.client.kv.range({ key: this.reservedKey }, o));
      const kv = cur.kvs[0];
      const stored = kv ? Number(kv.value.toString('utf8')) || 0 : 0;
      if (stored >= target) {
        // Someone recorded a later target; make sure etcd has it (they may have died before compacting).
        await this.etcdCompact(stored);
        return;
      }
      const version = kv ? rev(kv.version) : 0;
      const res = await this.txn({
        compare: [{ key: this.reservedKey, target: 'Version', result: 'Equal', version }],
        success: [{ request_put: { key: this.reservedKey, value: Buffer.from(String(target)) } }],
      });
      if (res.succeeded) break;
    }
    // Give this process's watches that are still replaying below the target a moment to catch up:
    // etcd would cancel them (a live watch is never affected).
    const waitUntil = Date.now() + 2000;
    while ([...this.watchers].some((w) => w.atRisk(target)) && Date.now() < waitUntil && !this.closed) {
      await sleep(10);
    }
    await this.etcdCompact(target);
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    const res = await this.call((o) => this.client.kv.range({ key: this.reservedKey }, o));
    const kv = res.kvs[0];
    if (kv) this.noteCompact(Number(kv.value.toString('utf8')) || 0);
    const candidate = this.knownCompact;
    try {
      // Is the candidate itself still readable in etcd? Usually yes.
      await this.call((o) =>
        this.client.kv.range({ key: this.reservedKey, count_only: true, revision: Math.max(1, candidate) }, o),
      );
      return this.knownCompact + 1;
    } catch (err) {
      if (!(err instanceof CompactedError)) throw err;
    }
    // Compacted further outside our knowledge: ask etcd through a watch, which reports the exact revision.
    await this.probeCompactRevision(Math.max(1, candidate));
    return this.knownCompact + 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new StorageError('storage closed');
    for (const w of [...this.watchers]) w.fail(err);
    this.watchers.clear();
    this.client.close();
  }

  // ---- internals used by watchers ----

  /** Record etcd's compact revision (oldest readable) learnt anywhere. */
  noteCompact(etcdCompactRev: number): void {
    if (etcdCompactRev > this.knownCompact) this.knownCompact = etcdCompactRev;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  forget(w: EtcdWatcher): void {
    this.watchers.delete(w);
  }

  /** Full key (namespace + key) to the contract's key. */
  unkey(k: Buffer): string {
    return k.subarray(this.ns.length).toString('utf8');
  }

  isReserved(k: Buffer): boolean {
    return this.ns.length === 0 && k.equals(this.reservedKey);
  }

  toKv(kv: IKeyValue): KeyValue {
    return {
      key: this.unkey(kv.key),
      value: kv.value.toString('utf8'),
      createRevision: rev(kv.create_revision),
      modRevision: rev(kv.mod_revision),
    };
  }

  // ---- internals ----

  private k(key: string): Buffer {
    const b = Buffer.from(key, 'utf8');
    return this.ns.length === 0 ? b : Buffer.concat([this.ns, b]);
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('storage closed');
  }

  /**
   * Runs a put with the lease field its TTL calls for (none: a put without a lease detaches the key from
   * any). When etcd no longer has the shared lease (revoked by hand, a restored snapshot), the put is sent
   * once more with a new one.
   */
  private async withLease<T>(opts: PutOptions | undefined, put: (lease: { lease?: string }) => Promise<T>): Promise<T> {
    const ttl = opts?.ttlSeconds;
    if (!ttl || ttl <= 0) return put(NO_LEASE);
    const lease = await this.leases.leaseFor(ttl);
    try {
      return await put({ lease });
    } catch (err) {
      if (!(err instanceof Error) || !LEASE_NOT_FOUND_MSG.test(err.message)) throw err;
      this.leases.forget(lease);
      return put({ lease: await this.leases.leaseFor(ttl) });
    }
  }

  /** Run fn, retrying transient failures with backoff; resolves with the number of attempts used. */
  private async callCounted<T>(
    fn: (o: CallOpts) => Promise<T>,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<{ value: T; attempts: number }> {
    this.checkOpen();
    const deadline = Date.now() + this.retryTimeoutMs;
    let delay = 25;
    // The last error that says what went wrong (a TLS handshake refused, say), for when attempts end on an open circuit.
    let cause: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        return { value: await fn({ deadline: Date.now() + timeoutMs }), attempts: attempt };
      } catch (err) {
        if (this.closed) throw new StorageError('storage closed');
        if (!isBrokenCircuit(err)) cause = err;
        if (!isTransient(err) || Date.now() + delay > deadline) throw this.mapError(isBrokenCircuit(err) && cause !== undefined ? cause : err);
        await sleep(delay);
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  private async call<T>(fn: (o: CallOpts) => Promise<T>, timeoutMs = this.requestTimeoutMs): Promise<T> {
    return (await this.callCounted(fn, timeoutMs)).value;
  }

  private async txnCounted(req: ITxnRequest): Promise<{ res: ITxnResponse; attempts: number }> {
    const { value, attempts } = await this.callCounted((o) => this.client.kv.txn(req, o));
    return { res: value, attempts };
  }

  private async txn(req: ITxnRequest): Promise<ITxnResponse> {
    return this.call((o) => this.client.kv.txn(req, o));
  }

  private async range(req: IRangeRequest, requested: number): Promise<{ kvs: IKeyValue[]; count: string; header: IResponseHeader }> {
    try {
      return await this.call((o) => this.client.kv.range(req, o), req.range_end ? this.listTimeoutMs : this.requestTimeoutMs);
    } catch (err) {
      if (err instanceof CompactedError) {
        // etcd does not say how far it compacted; requested + 1 is a lower bound.
        this.noteCompact(requested + 1);
        throw new CompactedError(requested, this.knownCompact);
      }
      if (err instanceof FutureRevisionError) {
        const cur = await this.currentRevision().catch(() => 0);
        throw new FutureRevisionError(requested, cur);
      }
      throw err;
    }
  }

  private mapError(err: unknown): Error {
    if (!(err instanceof Error)) return new StorageError(String(err));
    if (err instanceof StorageError) return err;
    if (err.message.includes(COMPACTED_MSG)) return new CompactedError(0, this.knownCompact);
    if (err.message.includes(FUTURE_MSG)) return new FutureRevisionError(0, 0);
    const wrapped = new StorageError(`etcd: ${err.message}`);
    (wrapped as { cause?: unknown }).cause = err;
    return wrapped;
  }

  private async etcdCompact(target: number): Promise<void> {
    try {
      await this.call((o) => this.client.kv.compact({ revision: target, physical: false }, o));
    } catch (err) {
      // Already compacted at or beyond the target (by another server): fine.
      if (!(err instanceof CompactedError)) throw err;
    }
    this.noteCompact(target);
  }

  /** Learn etcd's exact compact revision: a watch from below it is cancelled with compact_revision set. */
  private async probeCompactRevision(from: number): Promise<void> {
    const stream = await this.call(() => this.client.watchClient.watch());
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, 5000);
      function finish(): void {
        clearTimeout(timer);
        try {
          cancelStream(stream);
        } catch {
          // already gone
        }
        resolve();
      }
      stream.on('data', (res: IWatchResponse) => {
        const cr = rev(res.compact_revision);
        if (cr > 0) {
          this.noteCompact(cr);
          finish();
        } else if (res.canceled) {
          finish();
        }
      });
      stream.on('error', () => finish());
      stream.on('end', () => finish());
      stream.write({ create_request: { key: this.reservedKey, start_revision: from } });
    });
  }
}

/** One etcd watch, on its own gRPC stream, resuming after stream failures. */
class EtcdWatcher implements Watcher {
  private stream: WatchStream | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoff = 50;
  /** Since when reconnecting has not succeeded (0 = connected / not failing). */
  private failingSince = 0;
  /** Whether etcd has acknowledged the current stream's watch (created). */
  private created = false;
  /**
   * While etcd replays history to this watch (it started below the revision current at creation), the
   * revision it must reach; 0 once caught up. etcd cancels such an "unsynced" watch when a compaction
   * passes its position, so compact() waits for local watchers to catch up first.
   */
  private catchUpTo = 0;

  constructor(
    private readonly store: EtcdStorage,
    private readonly key: Buffer,
    private readonly end: Buffer,
    /** The next revision to receive (start_revision on (re)connect). */
    private nextRev: number,
    private readonly opts: WatchOptions,
  ) {}

  start(): void {
    void this.connect();
  }

  /** Could compacting at revision `target` make etcd cancel this watch (it has not caught up past it)? */
  atRisk(target: number): boolean {
    return !this.closed && this.nextRev <= target && (!this.created || this.catchUpTo > 0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.teardown();
    this.store.forget(this);
  }

  /** End the watch with an error (no more events follow). */
  fail(err: Error): void {
    if (this.closed) return;
    this.close();
    try {
      this.opts.onError?.(err);
    } catch {
      // nowhere better to report it
    }
  }

  private teardown(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.dropStream();
  }

  /** Cancel the current stream, if any; its late events and errors are then ignored. */
  private dropStream(): void {
    const s = this.stream;
    this.stream = null;
    if (s !== null) {
      try {
        cancelStream(s);
      } catch {
        // already closed
      }
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.created = false;
    let stream: WatchStream;
    try {
      stream = await this.store.client.watchClient.watch();
    } catch (err) {
      this.retry(err);
      return;
    }
    if (this.closed) {
      stream.on('error', () => undefined);
      cancelStream(stream);
      return;
    }
    this.stream = stream;
    stream.on('data', (res: IWatchResponse) => {
      if (this.stream === stream) this.onResponse(res);
    });
    stream.on('error', (err: Error) => {
      if (this.stream === stream) this.retry(err);
    });
    stream.on('end', () => {
      if (this.stream === stream) this.retry(new StorageError('etcd watch stream ended'));
    });
    stream.write({
      create_request: {
        key: this.key,
        range_end: this.end,
        start_revision: this.nextRev,
        prev_kv: true,
        progress_notify: true,
      },
    });
  }

  private retry(err: unknown): void {
    if (this.closed) return;
    this.dropStream();
    if (this.store.isClosed) {
      this.fail(new StorageError('storage closed'));
      return;
    }
    const now = Date.now();
    if (this.failingSince === 0) this.failingSince = now;
    if (!isTransient(err) && !(err instanceof StorageError)) {
      this.fail(new StorageError(`etcd watch failed: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    if (now - this.failingSince > this.store.watchRetryTimeoutMs) {
      this.fail(new StorageError(`etcd watch failed: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, 2000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  private onResponse(res: IWatchResponse): void {
    if (this.closed) return;
    const compactRev = rev(res.compact_revision);
    if (compactRev > 0) {
      this.store.noteCompact(compactRev);
      this.fail(new CompactedError(this.nextRev - 1, compactRev));
      return;
    }
    if (res.canceled) {
      const reason = res.cancel_reason || 'canceled by etcd';
      if (/no leader|leader changed/i.test(reason)) this.retry(new StorageError(reason));
      else this.fail(new StorageError(`etcd watch canceled: ${reason}`));
      return;
    }
    if (res.created) {
      this.failingSince = 0;
      this.backoff = 50;
      this.created = true;
      // etcd treats a watch as synced when it starts above the current revision.
      const hdr = rev(res.header.revision);
      this.catchUpTo = this.nextRev <= hdr ? hdr : 0;
      return;
    }
    if (res.events.length === 0) {
      // Progress notification: every event up to header.revision has been sent.
      const r = rev(res.header.revision);
      if (r + 1 > this.nextRev) this.nextRev = r + 1;
      this.catchUpTo = 0; // etcd only notifies synced watches
      if (this.opts.onProgress) {
        try {
          this.opts.onProgress(r);
        } catch {
          // ignore
        }
      }
      return;
    }
    let last = 0;
    for (const e of res.events) {
      const r = rev(e.kv.mod_revision);
      last = Math.max(last, r);
      // After a reconnect etcd starts at nextRev; anything older was delivered already.
      if (r < this.nextRev) continue;
      if (this.store.isReserved(e.kv.key)) continue;
      const ev = this.toEvent(e.type, e.kv, e.prev_kv);
      try {
        this.opts.onEvent(ev);
      } catch (err) {
        // A handler that throws has lost an event; end its watch rather than continue with a gap.
        this.fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (this.closed) return;
    }
    if (last + 1 > this.nextRev) this.nextRev = last + 1;
    if (this.nextRev > this.catchUpTo) this.catchUpTo = 0;
  }

  private toEvent(type: string, kv: IKeyValue, prev: IKeyValue | undefined | null): WatchEvent {
    const r = rev(kv.mod_revision);
    const prevKv = prev ? this.store.toKv(prev) : undefined;
    if (type === 'Delete' || type === 'DELETE') {
      const ev: WatchEvent = {
        type: 'DELETE',
        kv: {
          key: this.store.unkey(kv.key),
          value: prevKv?.value ?? '',
          createRevision: prevKv?.createRevision ?? 0,
          modRevision: r,
        },
        revision: r,
      };
      if (prevKv) ev.prevKv = prevKv;
      return freezeEvent(ev);
    }
    const ev: WatchEvent = { type: 'PUT', kv: this.store.toKv(kv), revision: r };
    if (prevKv) ev.prevKv = prevKv;
    return freezeEvent(ev);
  }
}
