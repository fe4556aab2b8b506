// SQLite implementation of the revisioned key-value Storage contract (see interface.ts).
//
// Layout (schema version 1, in PRAGMA user_version):
//   meta(name, value)   'rev' = a floor for the last committed revision (written by compaction, which may
//                       delete the newest log row), 'compacted' = compacted revision, 'compact_done' = how
//                       far the background deletion of that compaction got.
//   kv(key, create_rev, mod_rev, expires)
//                       the live keys; a key's value is its log row at mod_rev. expires (ms since the epoch)
//                       is set by a write with a TTL, and the key is deleted once it passes (a sweep every
//                       500 ms, as etcd's lessor checks its leases).
//   log(rev, ...)       one row per write (PUT or DELETE), with its value; read for current values (through
//                       kv), past-revision reads and watch replay.
//
// Revisions: the first write gets revision 1, so an empty store reports currentRevision() === 0. The
// current revision is max(meta 'rev', max(log.rev)) on open.
//
// Writes are group-committed: create/update/delete queue their write, and every write queued in the same
// event-loop turn is applied in one transaction (in queue order, each with its own checks and its own
// revision) at the next setImmediate. A write whose check fails (exists, not found, conflict) writes
// nothing and fails alone; an unexpected SQLite error rolls the batch back and each write is retried in a
// transaction of its own, so it too fails alone. Promises settle only after COMMIT.
//
// Compaction keeps, like etcd, the newest log row of every key at or below the compacted revision and
// drops only rows that a later row at or below it supersedes (plus tombstones). That is what keeps
// reads at revisions just above the compaction point, and prevKv on replayed updates, answerable.
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Memo } from '../util/memo.js';
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

export interface SqliteStorageOptions {
  /** Database file, or ':memory:' for a private in-memory database. */
  path: string | ':memory:';
  /** How long a statement waits on a locked database before failing (ms). Default 5000. */
  busyTimeoutMs?: number;
  /** Interval for watch progress notifications (ms); 0 disables. Default 5000. */
  progressIntervalMs?: number;
  /**
   * Automatic compaction interval (ms); 0 (default) disables. Each tick compacts up to the revision
   * that was current at the previous tick, so at least one interval of history is kept (like the
   * kube-apiserver compactor).
   */
  compactionIntervalMs?: number;
  /** Log revisions processed per compaction transaction. Default 1000. */
  compactionBatchSize?: number;
}

/** Another process (or connection) already has this database open for writing. */
export class StorageLockedError extends Error {
  constructor(public readonly path: string) {
    super(`storage ${path} is locked: another process already has it open (SQLite allows a single writer)`);
  }
}

export { FutureRevisionError };

/** Kinds of queued writes. */
const CREATE = 0;
const UPDATE = 1;
const DELETE = 2;

interface WriteOp {
  kind: typeof CREATE | typeof UPDATE | typeof DELETE;
  key: string;
  value: string;
  /** When the key is to expire (ms since the epoch), null = never. */
  expires: number | null;
  /** The modRevision the key must have; undefined = any (DELETE only). */
  expected: number | undefined;
  resolve: (kv: KeyValue) => void;
  reject: (err: unknown) => void;
  /** Set while the batch runs: the write's event (kv with its revision), or its error. */
  ev: WatchEvent | null;
  err: unknown;
}

interface LogRow {
  rev: number;
  key: string;
  value: string;
  create_rev: number;
  prev_rev: number;
  deleted: number;
  prev_value: string | null;
  prev_create_rev: number | null;
}

interface Subscription {
  prefix: string;
  /** Only live events with a revision above this are delivered (replay covered the rest). */
  after: number;
  backlog: WatchEvent[] | null;
  delivered: boolean;
  closed: boolean;
  opts: WatchOptions;
}

/** Half-open key range [lo, hi) holding exactly the keys that start with prefix; hi null = unbounded. */
export function prefixRange(prefix: string): { lo: string; hi: string | null } {
  // UTF-8 byte order equals code point order, so bumping the last code point gives the exclusive end.
  const cps = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (cps.length > 0) {
    const last = cps.pop() ?? 0;
    if (last < 0x10ffff) {
      cps.push(last === 0xd7ff ? 0xe000 : last + 1);
      return { lo: prefix, hi: String.fromCodePoint(...cps) };
    }
  }
  return { lo: prefix, hi: null };
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Events are shared by every watcher, so none of them may change one. */
function freezeEvent(ev: WatchEvent): WatchEvent {
  Object.freeze(ev.kv);
  if (ev.prevKv) Object.freeze(ev.prevKv);
  return Object.freeze(ev);
}

function expiresAt(opts: PutOptions | undefined): number | null {
  const ttl = opts?.ttlSeconds;
  return ttl !== undefined && ttl > 0 ? Date.now() + ttl * 1000 : null;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

const SCHEMA_VERSION = 3;

// kv holds each live key's revisions; its value is the log row at mod_rev (compaction only removes log rows
// that a later row superseded, never a live key's current one), so every write stores its value once.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  create_rev INTEGER NOT NULL,
  mod_rev INTEGER NOT NULL,
  expires INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log (
  rev INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  create_rev INTEGER NOT NULL,
  prev_rev INTEGER NOT NULL,
  deleted INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_rev ON log (key, rev);
INSERT OR IGNORE INTO meta (name, value) VALUES ('rev', 0), ('compacted', 0), ('compact_done', 0);
PRAGMA user_version = ${SCHEMA_VERSION};
`;

// Databases written before schema version 2 keep the value in kv too (version 0 as a WITHOUT ROWID table
// with an index kv_key_mod, version 1 with a rowid and a unique index kv_key). Migrated once, in one
// transaction: a kv row whose value the log lacks (not expected) gets its log row first.
const MIGRATE_TO_2 = `
INSERT INTO log (rev, key, value, create_rev, prev_rev, deleted)
  SELECT mod_rev, key, value, create_rev, 0, 0 FROM kv WHERE mod_rev NOT IN (SELECT rev FROM log);
CREATE TABLE kv_v2 (key TEXT PRIMARY KEY, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO kv_v2 (key, create_rev, mod_rev) SELECT key, create_rev, mod_rev FROM kv;
DROP INDEX IF EXISTS kv_key_mod;
DROP INDEX IF EXISTS kv_key;
DROP TABLE kv;
ALTER TABLE kv_v2 RENAME TO kv;
`;

// Schema version 3 adds kv.expires (keys written with a TTL). Only keys with one are in the index.
const MIGRATE_TO_3 = 'ALTER TABLE kv ADD COLUMN expires INTEGER';
const EXPIRES_INDEX = 'CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires) WHERE expires IS NOT NULL';

/** How often keys past their expiry are looked for (etcd's lessor checks every 500 ms). */
const EXPIRY_SWEEP_MS = 500;
/** Expired keys deleted per sweep at most (one group commit). */
const EXPIRY_SWEEP_BATCH = 1000;

/** The current KeyValues (kv with its value from the log), columns named as KeyValue names them, so rows need no copying. */
const CURRENT = 'SELECT kv.key AS key, l.value AS value, kv.create_rev AS createRevision, kv.mod_rev AS modRevision FROM kv JOIN log l ON l.rev = kv.mod_rev';

type Stmt = Database.Statement;

// Past reads and watch replay find the log rows after a revision either by scanning the log from that
// revision (cheap when it is recent) or through the (key, rev) index over the prefix (cheap when the
// prefix is small). SQLite has no statistics to choose well, so pick by distance: `+col` disables an
// index on col.
const SCAN_BY_REV_MAX = 10000;

export class SqliteStorage implements Storage {
  private rev: number;
  private compacted: number;
  private compactDone: number;
  private closed = false;

  private readonly groups = new Map<string, Set<Subscription>>();
  /**
   * The watched prefixes that may match keys in a directory (the key up to its last '/'): those that are
   * a prefix of the directory or start with it. One watch cache per resource watches here, so an event
   * is checked against its resource's prefix only, not every resource's.
   */
  private readonly groupsByDir = new Memo<[string, Set<Subscription>][]>(10000);
  private readonly newSubs: Subscription[] = [];
  private pending: WatchEvent[] = [];
  private flushScheduled = false;

  private readonly timers: NodeJS.Timeout[] = [];
  private compaction: Promise<void> = Promise.resolve();
  private lastCompactionMark = 0;

  /** Writes waiting for the next group commit, in arrival order. */
  private queue: WriteOp[] = [];
  private writeScheduled = false;
  /** Revision of the last write applied in the running batch transaction (committed or not). */
  private batchRev = 0;

  private readonly stmtCache = new Map<string, Stmt>();
  private readonly sGet: Stmt;
  private readonly sSetMeta: Stmt;
  private readonly sInsKv: Stmt;
  private readonly sUpdKv: Stmt;
  private readonly sExpired: Stmt;
  private readonly sDelKv: Stmt;
  private readonly sInsLog: Stmt;
  private readonly sListAll: Stmt;
  private readonly sListAllHi: Stmt;
  private readonly sCountHi: Stmt;
  private readonly sCompactPrev: Stmt;
  private readonly sCompactTomb: Stmt;
  private readonly txBatch: Database.Transaction<(ops: WriteOp[], from: number, to: number) => void>;
  private readonly runWritesCb = (): void => this.runWrites();

  private constructor(private readonly db: Database.Database, private readonly opts: SqliteStorageOptions) {
    const meta = db.prepare('SELECT name, value FROM meta').all() as { name: string; value: number }[];
    const m = new Map(meta.map((r) => [r.name, r.value]));
    const maxLog = (db.prepare('SELECT max(rev) FROM log').pluck().get() as number | null) ?? 0;
    this.rev = Math.max(m.get('rev') ?? 0, maxLog);
    this.compacted = m.get('compacted') ?? 0;
    this.compactDone = m.get('compact_done') ?? 0;

    this.sGet = db.prepare(`${CURRENT} WHERE kv.key = ?`);
    this.sSetMeta = db.prepare('UPDATE meta SET value = ? WHERE name = ?');
    // The primary key does the existence check of a create.
    this.sInsKv = db.prepare('INSERT INTO kv (key, create_rev, mod_rev, expires) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING');
    this.sUpdKv = db.prepare('UPDATE kv SET mod_rev = ?, expires = ? WHERE key = ?');
    this.sExpired = db.prepare(
      `SELECT key, mod_rev AS rev FROM kv WHERE expires IS NOT NULL AND expires <= ? ORDER BY expires LIMIT ${EXPIRY_SWEEP_BATCH}`,
    );
    this.sDelKv = db.prepare('DELETE FROM kv WHERE key = ?');
    this.sInsLog = db.prepare(
      'INSERT INTO log (rev, key, value, create_rev, prev_rev, deleted) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.sListAll = this.stmt(this.listSql(false, false, false));
    this.sListAllHi = this.stmt(this.listSql(true, false, false));
    this.sCountHi = this.stmt(this.listSql(true, false, true));
    // A row referenced as prev_rev by a row at or below the target is superseded; tombstones at or
    // below it are unreadable. Each batch looks only at log rows in (lo, hi], by primary key.
    this.sCompactPrev = db.prepare(
      'DELETE FROM log WHERE rev IN (SELECT prev_rev FROM log WHERE rev > ? AND rev <= ? AND prev_rev > 0)',
    );
    this.sCompactTomb = db.prepare('DELETE FROM log WHERE rev > ? AND rev <= ? AND deleted = 1');

    // Applies ops[from, to) in one transaction. Revisions count up from this.rev, which only moves once
    // SQLite has committed, so a rolled-back batch leaves no trace.
    this.txBatch = db.transaction((ops: WriteOp[], from: number, to: number): void => {
      this.batchRev = this.rev;
      for (let i = from; i < to; i++) this.apply(ops[i]);
    });
    this.addTimer(EXPIRY_SWEEP_MS, () => this.deleteExpired());
    const progress = opts.progressIntervalMs ?? 5000;
    if (progress > 0) this.addTimer(progress, () => this.progressTick());
    const compactEvery = opts.compactionIntervalMs ?? 0;
    if (compactEvery > 0) {
      this.lastCompactionMark = this.rev;
      this.addTimer(compactEvery, () => {
        const target = this.lastCompactionMark;
        this.lastCompactionMark = this.rev;
        if (target > this.compacted) this.compact(target).catch(() => undefined);
      });
    }
    // Finish a compaction that was interrupted by a crash or close.
    if (this.compactDone < this.compacted) this.compaction = this.runCompaction();
  }

  static open(opts: SqliteStorageOptions): SqliteStorage {
    const memory = opts.path === ':memory:' || opts.path === '';
    if (!memory) fs.mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
    const db = new Database(opts.path);
    try {
      if (!memory) {
        // EXCLUSIVE locking mode makes SQLite keep its (fcntl) file lock from the first write until
        // close. The OS drops the lock when the process dies, so kill -9 never leaves a stale lock.
        db.pragma('locking_mode = EXCLUSIVE');
        db.pragma('busy_timeout = 0');
        db.pragma('journal_mode = WAL');
        db.exec('BEGIN IMMEDIATE');
        db.exec('COMMIT');
      }
      db.pragma('synchronous = NORMAL');
      // SQLite's own default page cache (2 MB; better-sqlite3 builds with 16 MB). Reads are served by the
      // watch caches; writes need the B-trees' upper pages, and the OS page cache holds the rest. A larger
      // cache is filled once by the startup lists and then held for good.
      db.pragma('cache_size = -2000');
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
      SqliteStorage.initSchema(db, opts.path);
    } catch (err) {
      db.close();
      if (isBusy(err)) throw new StorageLockedError(opts.path);
      throw err;
    }
    return new SqliteStorage(db, opts);
  }

  /** Creates the schema, or migrates an older one (in one transaction); refuses unknown newer ones. */
  private static initSchema(db: Database.Database, file: string): void {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StorageError(
        `storage ${file} has schema version ${version}; this version of the server only knows ${SCHEMA_VERSION}`,
      );
    }
    if (version === SCHEMA_VERSION) return;
    db.transaction(() => {
      const kv = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'kv'").pluck().get() as
        | string
        | undefined;
      if (kv !== undefined && /\bvalue\b/i.test(kv)) db.exec(MIGRATE_TO_2);
      db.exec(SCHEMA);
      const columns = db.prepare("SELECT name FROM pragma_table_info('kv')").pluck().all() as string[];
      if (!columns.includes('expires')) db.exec(MIGRATE_TO_3);
      db.exec(EXPIRES_INDEX);
    }).immediate();
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.rev;
  }

  async get(key: string): Promise<KeyValue | null> {
    this.checkOpen();
    // The row is a fresh object shaped as a KeyValue.
    return (this.sGet.get(key) as KeyValue | undefined) ?? null;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const current = this.rev;
    const requested = opts.revision ?? 0;
    if (requested > current) throw new FutureRevisionError(requested, current);
    if (requested > 0 && requested <= this.compacted) throw new CompactedError(requested, this.compacted);
    const atRev = requested > 0 && requested < current ? requested : 0;

    const { lo: prefixLo, hi } = prefixRange(prefix);
    let lo = prefixLo;
    if (opts.startKey !== undefined && compareBytes(opts.startKey, lo) > 0) lo = opts.startKey;
    if (hi !== null && compareBytes(lo, hi) >= 0) {
      return { items: [], revision: atRev || current, more: false, remaining: 0 };
    }
    const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : -1;

    if (atRev === 0 && limit < 0) {
      const items = (hi === null ? this.sListAll.all({ lo, lim: -1 }) : this.sListAllHi.all({ lo, hi, lim: -1 })) as KeyValue[];
      return { items, revision: current, more: false, remaining: 0 };
    }
    const params: Record<string, string | number> = { lo, lim: limit };
    if (hi !== null) params.hi = hi;
    if (atRev) params.rev = atRev;
    const byRev = atRev > 0 && current - atRev <= SCAN_BY_REV_MAX;
    const rows = this.stmt(this.listSql(hi !== null, atRev > 0, false, byRev)).all(params) as KeyValue[];
    let remaining = 0;
    if (limit > 0 && rows.length === limit) {
      // The smallest key greater than the last one is that key followed by NUL.
      params.lo = rows[rows.length - 1].key + '\u0000';
      delete params.lim;
      remaining = (this.stmt(this.listSql(hi !== null, atRev > 0, true, byRev)).get(params) as { n: number }).n;
    }
    return { items: rows, revision: atRev || current, more: remaining > 0, remaining };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    const { lo, hi } = prefixRange(prefix);
    if (hi !== null) return (this.sCountHi.get({ lo, hi }) as { n: number }).n;
    return (this.stmt(this.listSql(false, false, true)).get({ lo }) as { n: number }).n;
  }

  create(key: string, value: string, opts?: PutOptions): Promise<KeyValue> {
    return this.enqueue(CREATE, key, value, 0, expiresAt(opts));
  }

  update(key: string, value: string, expectedModRevision: number, opts?: PutOptions): Promise<KeyValue> {
    return this.enqueue(UPDATE, key, value, expectedModRevision, expiresAt(opts));
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.enqueue(DELETE, key, '', expectedModRevision, null);
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    this.checkOpen();
    const after = Math.max(0, opts.afterRevision);
    if (after < this.compacted) throw new CompactedError(after, this.compacted);
    const current = this.rev;
    // Replay is read synchronously together with `current`, and live events are only taken above
    // `current`, so nothing is lost or delivered twice between the two.
    const backlog = after < current ? this.readHistory(prefix, after, current - after <= SCAN_BY_REV_MAX) : [];
    const sub: Subscription = {
      prefix,
      after: Math.max(after, current),
      backlog,
      delivered: false,
      closed: false,
      opts,
    };
    let group = this.groups.get(prefix);
    if (group === undefined) {
      group = new Set();
      this.groups.set(prefix, group);
      this.groupsByDir.clear();
    }
    group.add(sub);
    if (backlog.length > 0) {
      this.newSubs.push(sub);
      this.scheduleFlush();
    } else {
      sub.backlog = null;
    }
    return { close: () => this.unsubscribe(sub) };
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision > this.rev) throw new FutureRevisionError(revision, this.rev);
    const run = this.compaction.then(async () => {
      if (this.closed || revision <= this.compacted) return;
      // Raise the compacted revision first so reads below it are refused while rows disappear.
      this.sSetMeta.run(revision, 'compacted');
      this.compacted = revision;
      await this.runCompaction();
    });
    this.compaction = run.catch(() => undefined);
    return run;
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.compacted + 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    // Writes accepted before close still commit.
    this.runWrites();
    await this.compaction;
    this.flush();
    const err = new StorageError('storage closed');
    for (const group of this.groups.values()) {
      for (const sub of group) {
        sub.closed = true;
        this.safeCall(() => sub.opts.onError?.(err));
      }
    }
    this.groups.clear();
    this.db.close();
  }

  // ---- internals ----

  private checkOpen(): void {
    if (this.closed) throw new StorageError('storage closed');
  }

  private enqueue(kind: WriteOp['kind'], key: string, value: string, expected: number | undefined, expires: number | null): Promise<KeyValue> {
    if (this.closed) return Promise.reject(new StorageError('storage closed'));
    return new Promise<KeyValue>((resolve, reject) => {
      this.queue.push({ kind, key, value, expires, expected, resolve, reject, ev: null, err: undefined });
      if (!this.writeScheduled) {
        this.writeScheduled = true;
        setImmediate(this.runWritesCb);
      }
    });
  }

  /** Group commit: every queued write in one transaction; settles each write after COMMIT. */
  private runWrites(): void {
    this.writeScheduled = false;
    const ops = this.queue;
    if (ops.length === 0) return;
    this.queue = [];
    try {
      this.txBatch.immediate(ops, 0, ops.length);
      this.rev = this.batchRev;
    } catch (batchErr) {
      // Rolled back as a whole: run each write in a transaction of its own so a failure stays with the
      // write that caused it.
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i];
        op.ev = null;
        op.err = undefined;
        if (ops.length === 1) {
          op.err = batchErr;
          break;
        }
        try {
          this.txBatch.immediate(ops, i, i + 1);
          this.rev = this.batchRev;
        } catch (err) {
          op.ev = null;
          op.err = err;
        }
      }
    }
    // Revisions were assigned in queue order, so events are published in revision order.
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      const ev = op.ev;
      if (ev === null) {
        op.reject(op.err);
        continue;
      }
      const kv = ev.kv;
      this.publish(ev);
      op.resolve({ key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision });
    }
  }

  /** One write inside the batch transaction: its checks, then its rows. Check failures write nothing. */
  private apply(op: WriteOp): void {
    const key = op.key;
    const rev = this.batchRev + 1;
    if (op.kind === CREATE) {
      if (this.sInsKv.run(key, rev, rev, op.expires).changes === 0) {
        op.err = new KeyExistsError(key);
        return;
      }
      this.sInsLog.run(rev, key, op.value, rev, 0, 0);
      this.batchRev = rev;
      op.ev = { type: 'PUT', kv: { key, value: op.value, createRevision: rev, modRevision: rev }, revision: rev };
      return;
    }
    const cur = this.sGet.get(key) as KeyValue | undefined;
    if (cur === undefined) {
      op.err = new KeyNotFoundError(key);
      return;
    }
    if (op.expected !== undefined && cur.modRevision !== op.expected) {
      op.err = new ConflictError(key, cur.modRevision);
      return;
    }
    if (op.kind === UPDATE) {
      this.sUpdKv.run(rev, op.expires, key);
      this.sInsLog.run(rev, key, op.value, cur.createRevision, cur.modRevision, 0);
      this.batchRev = rev;
      op.ev = {
        type: 'PUT',
        kv: { key, value: op.value, createRevision: cur.createRevision, modRevision: rev },
        prevKv: cur,
        revision: rev,
      };
    } else {
      this.sDelKv.run(key);
      this.sInsLog.run(rev, key, cur.value, cur.createRevision, cur.modRevision, 1);
      this.batchRev = rev;
      op.ev = {
        type: 'DELETE',
        kv: { key, value: cur.value, createRevision: cur.createRevision, modRevision: rev },
        prevKv: cur,
        revision: rev,
      };
    }
  }

  /**
   * Deletes the keys whose expiry has passed, each only if unchanged since (a write in between set its own
   * expiry), through the write queue: watchers get the DELETEs in revision order like any other.
   */
  private deleteExpired(): void {
    if (this.closed) return;
    const rows = this.sExpired.all(Date.now()) as { key: string; rev: number }[];
    for (const r of rows) this.delete(r.key, r.rev).catch(() => undefined);
  }

  private addTimer(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  private stmt(sql: string): Stmt {
    let s = this.stmtCache.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.stmtCache.set(sql, s);
    }
    return s;
  }

  private listSql(bounded: boolean, past: boolean, count: boolean, byRev = false): string {
    const range = (col: string) => `${col} >= @lo${bounded ? ` AND ${col} < @hi` : ''}`;
    if (!past) {
      return count
        ? `SELECT count(*) AS n FROM kv WHERE ${range('key')}`
        : `${CURRENT} WHERE ${range('kv.key')} ORDER BY kv.key LIMIT @lim`;
    }
    // Keys untouched since @rev read from kv; keys written after @rev take their newest log row at
    // or below @rev (found through the (key, rev) index), which compaction never removes above the
    // compacted revision.
    const body = `
      WITH changed AS (SELECT DISTINCT key FROM log WHERE ${byRev ? 'rev' : '+rev'} > @rev AND ${range(byRev ? '+key' : 'key')}),
      past AS (
        SELECT l.key AS key, l.value AS value, l.create_rev AS create_rev, l.rev AS mod_rev, l.deleted AS deleted
        FROM changed c JOIN log l ON l.key = c.key
          AND l.rev = (SELECT max(m.rev) FROM log m WHERE m.key = c.key AND m.rev <= @rev)
      )
      ${CURRENT} WHERE ${range('kv.key')} AND kv.mod_rev <= @rev
      UNION ALL
      SELECT key, value, create_rev AS createRevision, mod_rev AS modRevision FROM past WHERE deleted = 0`;
    return count ? `SELECT count(*) AS n FROM (${body})` : `${body} ORDER BY key LIMIT @lim`;
  }

  private readHistory(prefix: string, after: number, byRev: boolean): WatchEvent[] {
    const { lo, hi } = prefixRange(prefix);
    const sql = `SELECT l.rev, l.key, l.value, l.create_rev, l.prev_rev, l.deleted,
        p.value AS prev_value, p.create_rev AS prev_create_rev
      FROM log l LEFT JOIN log p ON p.rev = l.prev_rev
      WHERE ${byRev ? 'l.rev' : '+l.rev'} > @after AND ${byRev ? '+l.key' : 'l.key'} >= @lo${
        hi !== null ? ` AND ${byRev ? '+l.key' : 'l.key'} < @hi` : ''
      } ORDER BY l.rev`;
    const params: Record<string, string | number> = { after, lo };
    if (hi !== null) params.hi = hi;
    const rows = this.stmt(sql).all(params) as LogRow[];
    return rows.map((r): WatchEvent => {
      const kv: KeyValue = { key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.rev };
      if (r.deleted) {
        const prevKv = { key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.prev_rev };
        return freezeEvent({ type: 'DELETE', kv, prevKv, revision: r.rev });
      }
      if (r.prev_rev > 0 && r.prev_value !== null && r.prev_create_rev !== null) {
        const prevKv = { key: r.key, value: r.prev_value, createRevision: r.prev_create_rev, modRevision: r.prev_rev };
        return freezeEvent({ type: 'PUT', kv, prevKv, revision: r.rev });
      }
      return freezeEvent({ type: 'PUT', kv, revision: r.rev });
    });
  }

  private async runCompaction(): Promise<void> {
    const batch = Math.max(1, Math.floor(this.opts.compactionBatchSize ?? 1000));
    const step = this.db.transaction((lo: number, hi: number) => {
      this.sCompactPrev.run(lo, hi);
      this.sCompactTomb.run(lo, hi);
      this.sSetMeta.run(hi, 'compact_done');
      // The log may lose its newest row (a tombstone), so record the revision it must not fall below.
      this.sSetMeta.run(this.rev, 'rev');
    });
    while (this.compactDone < this.compacted && !this.closed) {
      const lo = this.compactDone;
      const hi = Math.min(this.compacted, lo + batch);
      step.immediate(lo, hi);
      this.compactDone = hi;
      // Let other work run between batches.
      if (this.compactDone < this.compacted) await new Promise<void>((r) => setImmediate(r));
    }
  }

  private publish(ev: WatchEvent): void {
    if (this.groups.size === 0) return;
    this.pending.push(freezeEvent(ev));
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    // Backlogs first: every live event still queued has a revision above the subscriber's `after`,
    // i.e. above everything in its backlog.
    const fresh = this.newSubs.splice(0);
    for (const sub of fresh) {
      const backlog = sub.backlog ?? [];
      sub.backlog = null;
      for (const ev of backlog) {
        if (sub.closed) break;
        this.deliver(sub, ev);
      }
    }
    const events = this.pending;
    this.pending = [];
    for (const ev of events) {
      const key = ev.kv.key;
      for (const [prefix, group] of this.groupsFor(key)) {
        if (!key.startsWith(prefix)) continue;
        for (const sub of group) {
          if (ev.revision > sub.after && !sub.closed) this.deliver(sub, ev);
        }
      }
    }
  }

  private groupsFor(key: string): [string, Set<Subscription>][] {
    const dir = key.slice(0, key.lastIndexOf('/') + 1);
    return this.groupsByDir.get(dir, () => [...this.groups].filter(([prefix]) => dir.startsWith(prefix) || prefix.startsWith(dir)));
  }

  private deliver(sub: Subscription, ev: WatchEvent): void {
    sub.delivered = true;
    try {
      sub.opts.onEvent(ev);
    } catch (err) {
      // A handler that throws has lost an event; end its watch rather than continue with a gap.
      this.unsubscribe(sub);
      this.safeCall(() => sub.opts.onError?.(err instanceof Error ? err : new Error(String(err))));
    }
  }

  private progressTick(): void {
    if (this.closed || this.groups.size === 0) return;
    this.flush();
    const rev = this.rev;
    for (const group of this.groups.values()) {
      for (const sub of group) {
        if (sub.closed || sub.backlog !== null) continue;
        if (!sub.delivered && sub.opts.onProgress) this.safeCall(() => sub.opts.onProgress?.(rev));
        sub.delivered = false;
      }
    }
  }

  private unsubscribe(sub: Subscription): void {
    if (sub.closed) return;
    sub.closed = true;
    sub.backlog = null;
    const group = this.groups.get(sub.prefix);
    if (group !== undefined) {
      group.delete(sub);
      if (group.size === 0) {
        this.groups.delete(sub.prefix);
        this.groupsByDir.clear();
      }
    }
  }

  private safeCall(fn: () => void): void {
    try {
      fn();
    } catch {
      // Errors thrown from onError/onProgress have nowhere better to go.
    }
  }
}
