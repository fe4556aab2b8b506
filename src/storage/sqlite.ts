// SQLite implementation of the revisioned key-value Storage contract (see interface.ts).
//
// Layout:
//   meta(name, value)   'rev' = last committed revision, 'compacted' = compacted revision,
//                       'compact_done' = how far the background deletion of that compaction got.
//   kv(key, ...)        current state only; every current read goes here.
//   log(rev, ...)       one row per write (PUT or DELETE); used for past-revision reads and watch replay.
//
// Revisions: the first write gets revision 1, so an empty store reports currentRevision() === 0.
//
// Compaction keeps, like etcd, the newest log row of every key at or below the compacted revision and
// drops only rows that a later row at or below it supersedes (plus tombstones). That is what keeps
// reads at revisions just above the compaction point, and prevKv on replayed updates, answerable.
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CompactedError,
  ConflictError,
  KeyExistsError,
  KeyNotFoundError,
  StorageError,
  type KeyValue,
  type ListOptions,
  type ListResult,
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

/** A read asked for a revision newer than the current one. */
export class FutureRevisionError extends StorageError {
  constructor(public readonly requested: number, public readonly current: number) {
    super(`required revision ${requested} is a future revision (current revision ${current})`);
  }
}

interface KvRow {
  key: string;
  value: string;
  create_rev: number;
  mod_rev: number;
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

function toKv(r: KvRow): KeyValue {
  return { key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.mod_rev };
}

/** Events are shared by every watcher, so none of them may change one. */
function freezeEvent(ev: WatchEvent): WatchEvent {
  Object.freeze(ev.kv);
  if (ev.prevKv) Object.freeze(ev.prevKv);
  return Object.freeze(ev);
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  create_rev INTEGER NOT NULL,
  mod_rev INTEGER NOT NULL
) WITHOUT ROWID;
-- Narrow copy of kv's keys so counts (for list's "remaining") don't read every value.
CREATE INDEX IF NOT EXISTS kv_key_mod ON kv (key, mod_rev);
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
`;

type Stmt = Database.Statement;
type WriteResult = { kv: KeyValue; prev: KeyValue };

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
  private readonly newSubs: Subscription[] = [];
  private pending: WatchEvent[] = [];
  private flushScheduled = false;

  private readonly timers: NodeJS.Timeout[] = [];
  private compaction: Promise<void> = Promise.resolve();
  private lastCompactionMark = 0;

  private readonly stmtCache = new Map<string, Stmt>();
  private readonly sGet: Stmt;
  private readonly sSetMeta: Stmt;
  private readonly sInsKv: Stmt;
  private readonly sUpdKv: Stmt;
  private readonly sDelKv: Stmt;
  private readonly sInsLog: Stmt;
  private readonly sCompactPrev: Stmt;
  private readonly sCompactTomb: Stmt;
  private readonly txCreate: Database.Transaction<(key: string, value: string) => KeyValue>;
  private readonly txUpdate: Database.Transaction<(key: string, value: string, expected: number) => WriteResult>;
  private readonly txDelete: Database.Transaction<(key: string, expected: number | undefined) => WriteResult>;

  private constructor(private readonly db: Database.Database, private readonly opts: SqliteStorageOptions) {
    const meta = db.prepare('SELECT name, value FROM meta').all() as { name: string; value: number }[];
    const m = new Map(meta.map((r) => [r.name, r.value]));
    this.rev = m.get('rev') ?? 0;
    this.compacted = m.get('compacted') ?? 0;
    this.compactDone = m.get('compact_done') ?? 0;

    this.sGet = db.prepare('SELECT key, value, create_rev, mod_rev FROM kv WHERE key = ?');
    this.sSetMeta = db.prepare('UPDATE meta SET value = ? WHERE name = ?');
    this.sInsKv = db.prepare('INSERT INTO kv (key, value, create_rev, mod_rev) VALUES (?, ?, ?, ?)');
    this.sUpdKv = db.prepare('UPDATE kv SET value = ?, mod_rev = ? WHERE key = ?');
    this.sDelKv = db.prepare('DELETE FROM kv WHERE key = ?');
    this.sInsLog = db.prepare(
      'INSERT INTO log (rev, key, value, create_rev, prev_rev, deleted) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // A row referenced as prev_rev by a row at or below the target is superseded; tombstones at or
    // below it are unreadable. Each batch looks only at log rows in (lo, hi], by primary key.
    this.sCompactPrev = db.prepare(
      'DELETE FROM log WHERE rev IN (SELECT prev_rev FROM log WHERE rev > ? AND rev <= ? AND prev_rev > 0)',
    );
    this.sCompactTomb = db.prepare('DELETE FROM log WHERE rev > ? AND rev <= ? AND deleted = 1');

    // Each transaction computes the next revision from this.rev but only commits it to memory once
    // SQLite has committed, so a failed write leaves no trace.
    this.txCreate = db.transaction((key: string, value: string): KeyValue => {
      if (this.sGet.get(key) !== undefined) throw new KeyExistsError(key);
      const rev = this.rev + 1;
      this.sInsKv.run(key, value, rev, rev);
      this.sInsLog.run(rev, key, value, rev, 0, 0);
      this.sSetMeta.run(rev, 'rev');
      return { key, value, createRevision: rev, modRevision: rev };
    });
    this.txUpdate = db.transaction((key: string, value: string, expected: number): WriteResult => {
      const cur = this.sGet.get(key) as KvRow | undefined;
      if (cur === undefined) throw new KeyNotFoundError(key);
      if (cur.mod_rev !== expected) throw new ConflictError(key, cur.mod_rev);
      const rev = this.rev + 1;
      this.sUpdKv.run(value, rev, key);
      this.sInsLog.run(rev, key, value, cur.create_rev, cur.mod_rev, 0);
      this.sSetMeta.run(rev, 'rev');
      return { kv: { key, value, createRevision: cur.create_rev, modRevision: rev }, prev: toKv(cur) };
    });
    this.txDelete = db.transaction((key: string, expected: number | undefined): WriteResult => {
      const cur = this.sGet.get(key) as KvRow | undefined;
      if (cur === undefined) throw new KeyNotFoundError(key);
      if (expected !== undefined && cur.mod_rev !== expected) throw new ConflictError(key, cur.mod_rev);
      const rev = this.rev + 1;
      this.sDelKv.run(key);
      this.sInsLog.run(rev, key, cur.value, cur.create_rev, cur.mod_rev, 1);
      this.sSetMeta.run(rev, 'rev');
      return {
        kv: { key, value: cur.value, createRevision: cur.create_rev, modRevision: rev },
        prev: toKv(cur),
      };
    });

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
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
      db.exec(SCHEMA);
    } catch (err) {
      db.close();
      if (isBusy(err)) throw new StorageLockedError(opts.path);
      throw err;
    }
    return new SqliteStorage(db, opts);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.rev;
  }

  async get(key: string): Promise<KeyValue | null> {
    this.checkOpen();
    const r = this.sGet.get(key) as KvRow | undefined;
    return r === undefined ? null : toKv(r);
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

    const params: Record<string, string | number> = { lo, lim: limit };
    if (hi !== null) params.hi = hi;
    if (atRev) params.rev = atRev;
    const byRev = atRev > 0 && current - atRev <= SCAN_BY_REV_MAX;
    const rows = this.stmt(this.listSql(hi !== null, atRev > 0, false, byRev)).all(params) as KvRow[];
    let remaining = 0;
    if (limit > 0 && rows.length === limit) {
      // The smallest key greater than the last one is that key followed by NUL.
      params.lo = rows[rows.length - 1].key + '\u0000';
      delete params.lim;
      remaining = (this.stmt(this.listSql(hi !== null, atRev > 0, true, byRev)).get(params) as { n: number }).n;
    }
    return { items: rows.map(toKv), revision: atRev || current, more: remaining > 0, remaining };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    const { lo, hi } = prefixRange(prefix);
    const params: Record<string, string> = { lo };
    if (hi !== null) params.hi = hi;
    return (this.stmt(this.listSql(hi !== null, false, true)).get(params) as { n: number }).n;
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.checkOpen();
    const kv = this.txCreate.immediate(key, value);
    this.rev = kv.modRevision;
    this.publish({ type: 'PUT', kv, revision: kv.modRevision });
    return { ...kv };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    this.checkOpen();
    const { kv, prev } = this.txUpdate.immediate(key, value, expectedModRevision);
    this.rev = kv.modRevision;
    this.publish({ type: 'PUT', kv, prevKv: prev, revision: kv.modRevision });
    return { ...kv };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.checkOpen();
    const { kv, prev } = this.txDelete.immediate(key, expectedModRevision);
    this.rev = kv.modRevision;
    this.publish({ type: 'DELETE', kv, prevKv: prev, revision: kv.modRevision });
    return { ...kv };
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
        : `SELECT key, value, create_rev, mod_rev FROM kv WHERE ${range('key')} ORDER BY key LIMIT @lim`;
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
      SELECT key, value, create_rev, mod_rev FROM kv WHERE ${range('key')} AND mod_rev <= @rev
      UNION ALL
      SELECT key, value, create_rev, mod_rev FROM past WHERE deleted = 0`;
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
      for (const [prefix, group] of this.groups) {
        if (!key.startsWith(prefix)) continue;
        for (const sub of group) {
          if (ev.revision > sub.after && !sub.closed) this.deliver(sub, ev);
        }
      }
    }
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
      if (group.size === 0) this.groups.delete(sub.prefix);
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
