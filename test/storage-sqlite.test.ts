import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import {
  CompactedError,
  ConflictError,
  KeyExistsError,
  KeyNotFoundError,
  StorageError,
  type WatchEvent,
} from '../src/storage/interface.js';
import { FutureRevisionError, SqliteStorage, StorageLockedError, prefixRange } from '../src/storage/sqlite.js';
import { storageContract } from './storage-contract.js';

// This file doubles as the child process for the crash and locking tests.
const CHILD_ENV = 'SQLITE_STORAGE_TEST_CHILD';
const childMode = process.env[CHILD_ENV];

if (childMode === 'writer') {
  const store = SqliteStorage.open({ path: process.env.DB_PATH ?? '' });
  for (let i = 0; ; i++) {
    const kv = await store.create(`/crash/${String(i).padStart(8, '0')}`, `value-${i}`);
    // stdout on a pipe is synchronous on Linux, so a printed line means the ack left the process.
    process.stdout.write(`ack ${kv.key} ${kv.modRevision}\n`);
  }
} else if (childMode === 'opener') {
  try {
    const store = SqliteStorage.open({ path: process.env.DB_PATH ?? '' });
    process.stdout.write('opened\n');
    await store.close();
  } catch (err) {
    process.stdout.write(err instanceof StorageLockedError ? `locked: ${err.message}\n` : `error: ${String(err)}\n`);
  }
} else {
  registerTests();
}

function runChild(mode: string, dbPath: string): ReturnType<typeof spawn> {
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--test'));
  return spawn(process.execPath, [...execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD_ENV]: mode, DB_PATH: dbPath },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function registerTests(): void {
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-sqlite-test-'));
  let n = 0;
  const tmpDb = () => path.join(tmpRoot, `db-${n++}`, 'state.db');
  after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

  storageContract('sqlite :memory:', async () => SqliteStorage.open({ path: ':memory:' }));
  storageContract('sqlite file', async () => SqliteStorage.open({ path: tmpDb() }));
  storageContract('sqlite :memory: with tiny compaction batches', async () =>
    SqliteStorage.open({ path: ':memory:', compactionBatchSize: 2 }),
  );

  describe('sqlite storage specifics', () => {
    it('computes prefix ranges over code points', () => {
      assert.deepEqual(prefixRange('/registry/pods/'), { lo: '/registry/pods/', hi: '/registry/pods0' });
      assert.deepEqual(prefixRange(''), { lo: '', hi: null });
      assert.deepEqual(prefixRange('a\u{10FFFF}'), { lo: 'a\u{10FFFF}', hi: 'b' });
      assert.deepEqual(prefixRange('a\uD7FF'), { lo: 'a\uD7FF', hi: 'a\uE000' });
      assert.deepEqual(prefixRange('a\u{1F600}'), { lo: 'a\u{1F600}', hi: 'a\u{1F601}' });
    });

    it('an empty store is at revision 0 and the first write is revision 1', async () => {
      const s = SqliteStorage.open({ path: ':memory:' });
      assert.equal(await s.currentRevision(), 0);
      assert.equal(await s.compactedRevision(), 1);
      assert.equal((await s.create('/a', '')).modRevision, 1);
      await s.close();
    });

    it('throws FutureRevisionError for reads and compactions beyond the current revision', async () => {
      const s = SqliteStorage.open({ path: ':memory:' });
      await s.create('/a', '');
      await assert.rejects(s.list('/', { revision: 2 }), FutureRevisionError);
      await assert.rejects(s.compact(5), FutureRevisionError);
      await s.close();
    });

    it('throws CompactedError synchronously from watch', async () => {
      const s = SqliteStorage.open({ path: ':memory:' });
      for (let i = 0; i < 5; i++) await s.create(`/a/${i}`, '');
      await s.compact(3);
      assert.throws(() => s.watch('/a/', { afterRevision: 2, onEvent: () => undefined }), CompactedError);
      s.watch('/a/', { afterRevision: 3, onEvent: () => undefined }).close();
      await s.close();
    });

    it('sends progress notifications to idle watchers', async () => {
      const s = SqliteStorage.open({ path: ':memory:', progressIntervalMs: 20 });
      await s.create('/a/x', '');
      const progress: number[] = [];
      const events: number[] = [];
      const w = s.watch('/b/', {
        afterRevision: 1,
        onEvent: (ev) => events.push(ev.revision),
        onProgress: (rev) => progress.push(rev),
      });
      await sleep(70);
      assert.ok(progress.length >= 1);
      assert.ok(progress.every((r) => r === 1));
      await s.create('/a/y', '');
      await sleep(70);
      assert.equal(progress[progress.length - 1], 2);
      assert.deepEqual(events, []);
      w.close();
      await s.close();
    });

    it('reports closing through onError and rejects later calls', async () => {
      const s = SqliteStorage.open({ path: ':memory:' });
      const errors: Error[] = [];
      s.watch('/', { afterRevision: 0, onEvent: () => undefined, onError: (e) => errors.push(e) });
      await s.close();
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof StorageError);
      await assert.rejects(s.get('/a'), StorageError);
      await s.close();
    });

    it('ends a watch whose handler throws, without disturbing others', async () => {
      const s = SqliteStorage.open({ path: ':memory:' });
      const errors: Error[] = [];
      const good: number[] = [];
      s.watch('/', {
        afterRevision: 0,
        onEvent: () => {
          throw new Error('boom');
        },
        onError: (e) => errors.push(e),
      });
      s.watch('/', { afterRevision: 0, onEvent: (ev) => good.push(ev.revision) });
      await s.create('/a', '');
      await s.create('/b', '');
      await sleep(20);
      assert.equal(errors.length, 1);
      assert.equal(errors[0].message, 'boom');
      assert.deepEqual(good, [1, 2]);
      await s.close();
    });

    it('serves 1000 watchers on one prefix', async () => {
      const s = SqliteStorage.open({ path: ':memory:' });
      const counts = new Array<number>(1000).fill(0);
      const lastRev = new Array<number>(1000).fill(0);
      let disorder = 0;
      const watchers = counts.map((_, i) =>
        s.watch('/registry/pods/', {
          afterRevision: 0,
          onEvent: (ev) => {
            if (ev.revision <= lastRev[i]) disorder++;
            lastRev[i] = ev.revision;
            counts[i]++;
          },
        }),
      );
      const t0 = Date.now();
      for (let i = 0; i < 200; i++) await s.create(`/registry/pods/default/p${i}`, '{}');
      await sleep(20);
      assert.ok(counts.every((c) => c === 200));
      assert.equal(disorder, 0);
      assert.ok(Date.now() - t0 < 5000);
      for (const w of watchers) w.close();
      await s.close();
    });

    it('group-commits writes of one turn, each with its own checks, revision and error', async () => {
      const s = SqliteStorage.open({ path: ':memory:' });
      const u = await s.create('/g/u', 'v0');
      const events: WatchEvent[] = [];
      s.watch('/g/', { afterRevision: u.modRevision, onEvent: (ev) => events.push(ev) });
      const results = await Promise.allSettled([
        s.create('/g/a', '1'),
        s.create('/g/a', 'dup'),
        s.update('/g/u', 'v1', u.modRevision),
        s.update('/g/u', 'v2', u.modRevision),
        s.delete('/g/missing'),
        // an unexpected SQLite error (NOT NULL) rolls the batch back; the others are retried alone
        s.create('/g/bad', null as unknown as string),
        s.create('/g/b', '2'),
        s.delete('/g/a'),
      ]);
      const [a, dup, u1, u2, missing, bad, b, delA] = results;
      assert.ok(a.status === 'fulfilled' && a.value.modRevision === 2);
      assert.ok(dup.status === 'rejected' && dup.reason instanceof KeyExistsError);
      assert.ok(u1.status === 'fulfilled' && u1.value.modRevision === 3 && u1.value.createRevision === 1);
      assert.ok(u2.status === 'rejected' && u2.reason instanceof ConflictError && u2.reason.actualRevision === 3);
      assert.ok(missing.status === 'rejected' && missing.reason instanceof KeyNotFoundError);
      assert.ok(bad.status === 'rejected' && !(bad.reason instanceof StorageError));
      assert.ok(b.status === 'fulfilled' && b.value.modRevision === 4);
      assert.ok(delA.status === 'fulfilled' && delA.value.modRevision === 5 && delA.value.value === '1');
      assert.equal(await s.currentRevision(), 5);
      assert.equal(await s.get('/g/bad'), null);
      assert.equal((await s.get('/g/u'))?.value, 'v1');
      await sleep(10);
      assert.deepEqual(
        events.map((ev) => `${ev.type} ${ev.kv.key}@${ev.revision}`),
        ['PUT /g/a@2', 'PUT /g/u@3', 'PUT /g/b@4', 'DELETE /g/a@5'],
      );
      await s.close();
    });

    it('commits writes still queued when closed', async () => {
      const file = tmpDb();
      let s = SqliteStorage.open({ path: file });
      const pending = s.create('/q', '1');
      await s.close();
      assert.equal((await pending).modRevision, 1);
      s = SqliteStorage.open({ path: file });
      assert.equal((await s.get('/q'))?.value, '1');
      await s.close();
    });

    /** A data file in an earlier schema: meta and log as every version had them, kv and the rows from `sql`. */
    function oldDatabase(sql: string): string {
      const file = tmpDb();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const db = new Database(file);
      db.exec(`
        CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL, create_rev INTEGER NOT NULL,
          prev_rev INTEGER NOT NULL, deleted INTEGER NOT NULL);
        CREATE INDEX log_key_rev ON log (key, rev);
        ${sql}
      `);
      db.close();
      return file;
    }

    it('migrates a database with the old WITHOUT ROWID kv table and refuses newer schemas', async () => {
      const file = oldDatabase(`
        CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX kv_key_mod ON kv (key, mod_rev);
        INSERT INTO meta (name, value) VALUES ('rev', 3), ('compacted', 0), ('compact_done', 0);
        INSERT INTO kv VALUES ('/a', 'x2', 1, 3), ('/b', 'y', 2, 2);
        INSERT INTO log VALUES (1, '/a', 'x1', 1, 0, 0), (2, '/b', 'y', 2, 0, 0), (3, '/a', 'x2', 1, 1, 0);
      `);
      let s = SqliteStorage.open({ path: file });
      assert.equal(await s.currentRevision(), 3);
      assert.deepEqual(await s.get('/a'), { key: '/a', value: 'x2', createRevision: 1, modRevision: 3 });
      assert.deepEqual((await s.list('/', { revision: 2 })).items.map((i) => i.value), ['x1', 'y']);
      await assert.rejects(s.create('/b', ''), KeyExistsError);
      assert.equal((await s.create('/c', '')).modRevision, 4);
      await s.close();
      const raw = new Database(file);
      raw.pragma('user_version = 99');
      raw.close();
      assert.throws(() => SqliteStorage.open({ path: file }), /schema version 99/);
      s = SqliteStorage.open({ path: ':memory:' });
      await s.close();
    });

    it('migrates a schema version 1 database (value in kv and in the log) to one value per write', async () => {
      const file = oldDatabase(`
        CREATE TABLE kv (id INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL);
        CREATE UNIQUE INDEX kv_key ON kv (key);
        INSERT INTO meta (name, value) VALUES ('rev', 4), ('compacted', 0), ('compact_done', 0);
        INSERT INTO kv (key, value, create_rev, mod_rev) VALUES ('/a', 'x2', 1, 3), ('/b', 'y', 2, 2);
        INSERT INTO log VALUES (1, '/a', 'x1', 1, 0, 0), (2, '/b', 'y', 2, 0, 0), (3, '/a', 'x2', 1, 1, 0), (4, '/c', 'z', 4, 0, 0), (5, '/c', 'z', 4, 4, 1);
        PRAGMA user_version = 1;
      `);
      const s = SqliteStorage.open({ path: file });
      assert.equal(await s.currentRevision(), 5);
      assert.deepEqual((await s.list('/')).items, [
        { key: '/a', value: 'x2', createRevision: 1, modRevision: 3 },
        { key: '/b', value: 'y', createRevision: 2, modRevision: 2 },
      ]);
      assert.deepEqual((await s.list('/', { revision: 4 })).items.map((i) => `${i.key}=${i.value}`), ['/a=x2', '/b=y', '/c=z']);
      const upd = await s.update('/b', 'y2', 2);
      assert.deepEqual(await s.get('/b'), { key: '/b', value: 'y2', createRevision: 2, modRevision: upd.modRevision });
      await s.close();
      const raw = new Database(file, { readonly: true });
      assert.deepEqual(raw.prepare('SELECT name FROM pragma_table_info(\'kv\')').pluck().all(), ['key', 'create_rev', 'mod_rev', 'expires']);
      assert.equal(raw.pragma('user_version', { simple: true }), 3);
      raw.close();
    });

    it('migrates a schema version 2 database (no expiry column): its keys keep living, new ones can expire', async () => {
      const file = oldDatabase(`
        CREATE TABLE kv (key TEXT PRIMARY KEY, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO meta (name, value) VALUES ('rev', 2), ('compacted', 0), ('compact_done', 0);
        INSERT INTO kv VALUES ('/a', 1, 1), ('/b', 2, 2);
        INSERT INTO log VALUES (1, '/a', 'x', 1, 0, 0), (2, '/b', 'y', 2, 0, 0);
        PRAGMA user_version = 2;
      `);
      const s = SqliteStorage.open({ path: file });
      assert.deepEqual((await s.list('/')).items.map((i) => `${i.key}=${i.value}@${i.modRevision}`), ['/a=x@1', '/b=y@2']);
      await s.create('/c', 'z', { ttlSeconds: 1 });
      await s.update('/b', 'y2', 2, { ttlSeconds: 1 });
      const deadline = Date.now() + 8000;
      while ((await s.count('/')) > 1 && Date.now() < deadline) await sleep(100);
      assert.deepEqual((await s.list('/')).items.map((i) => i.key), ['/a']);
      await s.close();
      const raw = new Database(file, { readonly: true });
      assert.equal(raw.pragma('user_version', { simple: true }), 3);
      raw.close();
    });

    it('a key whose expiry passed while the server was down is deleted after reopening, and watchers see it', async () => {
      const file = tmpDb();
      let s = SqliteStorage.open({ path: file });
      await s.create('/ev/keep', 'k');
      const gone = await s.create('/ev/gone', 'g', { ttlSeconds: 1 });
      await s.close();
      await sleep(1200);
      s = SqliteStorage.open({ path: file });
      const events: WatchEvent[] = [];
      const w = s.watch('/ev/', { afterRevision: gone.modRevision, onEvent: (ev) => events.push(ev) });
      for (let i = 0; i < 100 && events.length === 0; i++) await sleep(50);
      w.close();
      assert.deepEqual(events.map((e) => `${e.type} ${e.kv.key} prev=${e.prevKv?.value}`), ['DELETE /ev/gone prev=g']);
      assert.deepEqual((await s.list('/ev/')).items.map((i) => i.key), ['/ev/keep']);
      await s.close();
    });

    it('compacts automatically when configured', async () => {
      const s = SqliteStorage.open({ path: ':memory:', compactionIntervalMs: 20 });
      for (let i = 0; i < 10; i++) await s.create(`/a/${i}`, '');
      await sleep(100);
      assert.equal(await s.compactedRevision(), 11);
      assert.equal(await s.count('/a/'), 10);
      await s.close();
    });

    it('keeps data, revision and compaction across reopen', async () => {
      const file = tmpDb();
      let s = SqliteStorage.open({ path: file });
      const a = await s.create('/a', '1');
      await s.update('/a', '2', a.modRevision);
      await s.create('/b', '1');
      await s.compact(2);
      const b2 = await s.create('/c', '1');
      await s.delete('/c');
      const rev = await s.currentRevision();
      await s.close();

      s = SqliteStorage.open({ path: file });
      assert.equal(await s.currentRevision(), rev);
      assert.equal(await s.compactedRevision(), 3);
      assert.equal((await s.get('/a'))?.value, '2');
      assert.equal(await s.get('/c'), null);
      assert.deepEqual(
        (await s.list('/', { revision: b2.modRevision })).items.map((i) => i.key),
        ['/a', '/b', '/c'],
      );
      await assert.rejects(s.list('/', { revision: 2 }), CompactedError);
      const next = await s.create('/d', '');
      assert.equal(next.modRevision, rev + 1);
      await s.close();
    });

    it('keeps the revision when every key is deleted and history is compacted', async () => {
      const file = tmpDb();
      let s = SqliteStorage.open({ path: file });
      const a = await s.create('/a', '');
      await s.delete('/a', a.modRevision);
      await s.compact(2);
      await s.close();
      s = SqliteStorage.open({ path: file });
      assert.equal(await s.currentRevision(), 2);
      assert.equal((await s.create('/b', '')).modRevision, 3);
      await s.close();
    });

    it('refuses a second opener in the same process', async () => {
      const file = tmpDb();
      const s = SqliteStorage.open({ path: file });
      await s.create('/a', '');
      assert.throws(() => SqliteStorage.open({ path: file }), StorageLockedError);
      await s.close();
      const again = SqliteStorage.open({ path: file });
      assert.equal(await again.currentRevision(), 1);
      await again.close();
    });

    it('refuses a second opener in another process', async () => {
      const file = tmpDb();
      const s = SqliteStorage.open({ path: file });
      const child = runChild('opener', file);
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => child.on('close', r));
      assert.match(out, /^locked: /);
      await s.close();
    });

    it('keeps every acknowledged write after kill -9 and releases the lock', async () => {
      const file = tmpDb();
      // Create the schema first so the child spends its time writing.
      await SqliteStorage.open({ path: file }).close();
      const child = runChild('writer', file);
      const acks: { key: string; rev: number }[] = [];
      let buf = '';
      let killed = false;
      const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
      child.stdout?.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const m = /^ack (\S+) (\d+)$/.exec(line);
          if (m) acks.push({ key: m[1], rev: Number(m[2]) });
          if (!killed && acks.length >= 500) {
            killed = true;
            child.kill('SIGKILL');
          }
        }
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
      await closed;
      clearTimeout(timer);
      assert.ok(acks.length >= 500, `child acknowledged only ${acks.length} writes`);
      assert.equal(child.signalCode, 'SIGKILL');

      const s = SqliteStorage.open({ path: file });
      const last = acks[acks.length - 1];
      assert.ok((await s.currentRevision()) >= last.rev);
      for (const { key, rev } of acks) {
        const kv = await s.get(key);
        assert.ok(kv !== null, `acknowledged key ${key} lost`);
        assert.equal(kv.modRevision, rev);
      }
      assert.ok((await s.count('/crash/')) >= acks.length);
      await s.close();
    });
  });
}
