// Raw store baselines, measured in the bench process itself (no HTTP): better-sqlite3 directly, the SqliteStorage
// and EtcdStorage classes, and etcd through the etcd3 client library. Also the fast pre-population of data dirs.
import Database from 'better-sqlite3';
import { Etcd3 } from 'etcd3';
import * as path from 'node:path';
import { SqliteStorage } from '../src/storage/sqlite.js';
import { EtcdStorage } from '../src/storage/etcd.js';
import type { Storage } from '../src/storage/interface.js';
import { percentile, sortedCopy, storedConfigMap, uuidFor } from './util.js';

export interface OpsResult {
  n: number;
  elapsedMs: number;
  perSec: number;
  p50: number;
  p99: number;
}

function summarize(lat: Float64Array, elapsedMs: number): OpsResult {
  const s = sortedCopy(lat);
  return { n: lat.length, elapsedMs, perSec: (lat.length * 1000) / elapsedMs, p50: percentile(s, 50), p99: percentile(s, 99) };
}

/** `n` calls of fn(i) with `concurrency` in flight (closed loop); latency of each. */
export async function runConcurrent(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<OpsResult> {
  const lat = new Float64Array(n);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await fn(i);
        lat[i] = performance.now() - s;
      }
    }),
  );
  return summarize(lat, performance.now() - t0);
}

function value(bytes: number): string {
  return JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', data: { payload: 'x'.repeat(Math.max(0, bytes - 60)) } });
}

/** better-sqlite3, one row per transaction (autocommit), WAL + synchronous=NORMAL like SqliteStorage. */
export function rawSqliteInserts(dir: string, n: number, bytes: number, batch = 1): OpsResult {
  const db = new Database(path.join(dir, `raw-${batch}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL)');
  const ins = db.prepare('INSERT INTO kv (key, value, create_rev, mod_rev) VALUES (?, ?, ?, ?)');
  const v = value(bytes);
  const lat = new Float64Array(batch === 1 ? n : Math.ceil(n / batch));
  const t0 = performance.now();
  if (batch === 1) {
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      ins.run(`/registry/configmaps/default/raw-${i}`, v, i + 1, i + 1);
      lat[i] = performance.now() - s;
    }
  } else {
    const tx = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) ins.run(`/registry/configmaps/default/raw-${i}`, v, i + 1, i + 1);
    });
    for (let b = 0, i = 0; i < n; b++, i += batch) {
      const s = performance.now();
      tx(i, Math.min(n, i + batch));
      lat[b] = performance.now() - s;
    }
  }
  const elapsedMs = performance.now() - t0;
  db.close();
  const r = summarize(lat, elapsedMs);
  return { ...r, n, perSec: (n * 1000) / elapsedMs };
}

/** better-sqlite3 point reads by primary key (+ JSON.parse), on the table rawSqliteInserts(batch 1) wrote. */
export function rawSqliteGets(dir: string, n: number, keys: number): OpsResult {
  const db = new Database(path.join(dir, 'raw-1.db'), { readonly: true });
  const get = db.prepare('SELECT value FROM kv WHERE key = ?');
  const lat = new Float64Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const row = get.get(`/registry/configmaps/default/raw-${Math.floor(Math.random() * keys)}`) as { value: string };
    JSON.parse(row.value);
    lat[i] = performance.now() - s;
  }
  const r = summarize(lat, performance.now() - t0);
  db.close();
  return r;
}

export async function storageCreates(store: Storage, n: number, bytes: number, concurrency: number, prefix = 'st'): Promise<OpsResult> {
  const v = value(bytes);
  return runConcurrent(n, concurrency, (i) => store.create(`/registry/configmaps/default/${prefix}-${i}`, v));
}

export async function storageGets(store: Storage, n: number, keys: number, concurrency: number, prefix = 'st'): Promise<OpsResult> {
  return runConcurrent(n, concurrency, async (i) => {
    const kv = await store.get(`/registry/configmaps/default/${prefix}-${(i * 7919) % keys}`);
    if (!kv) throw new Error('missing key');
  });
}

/**
 * Write `n` ConfigMaps in the stored shape straight into `<dataDir>/state.db` through SqliteStorage, at
 * /registry/configmaps/<ns>/<prefix>-<i>. Returns the total size of the stored values (bytes).
 */
export async function populate(dataDir: string, ns: string, n: number, bytes: number, prefix = 'obj'): Promise<{ bytes: number; ms: number }> {
  const store = SqliteStorage.open({ path: path.join(dataDir, 'state.db'), progressIntervalMs: 0 });
  const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  let total = 0;
  const t0 = performance.now();
  try {
    for (let i = 0; i < n; i++) {
      const name = `${prefix}-${String(i).padStart(6, '0')}`;
      const v = storedConfigMap(name, ns, bytes, uuidFor(i), ts);
      total += Buffer.byteLength(v);
      await store.create(`/registry/configmaps/${ns}/${name}`, v);
    }
  } finally {
    await store.close();
  }
  return { bytes: total, ms: performance.now() - t0 };
}

/** SqliteStorage.list of a prefix + JSON.parse of every value: the raw store's side of a LIST. */
export async function storeListMs(dataDir: string, prefix: string, runs: number): Promise<{ ms: number[]; items: number }> {
  const store = SqliteStorage.open({ path: path.join(dataDir, 'state.db'), progressIntervalMs: 0 });
  const ms: number[] = [];
  let items = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const res = await store.list(prefix);
      for (const kv of res.items) JSON.parse(kv.value);
      ms.push(performance.now() - t0);
      items = res.items.length;
    }
  } finally {
    await store.close();
  }
  return { ms, items };
}

export function openEtcdClient(endpoints: string[]): Etcd3 {
  return new Etcd3({ hosts: endpoints, grpcOptions: { 'grpc.max_receive_message_length': 2 ** 31 - 1 } });
}

export async function rawEtcd(endpoints: string[], n: number, bytes: number, concurrency: number): Promise<{ puts: OpsResult; creates: OpsResult; gets: OpsResult }> {
  const client = openEtcdClient(endpoints);
  const v = value(bytes);
  try {
    // warm up the channel
    await runConcurrent(Math.min(500, n), concurrency, (i) => client.put(`/bench-raw/warm/${i}`).value(v).exec());
    const puts = await runConcurrent(n, concurrency, (i) => client.put(`/bench-raw/put/${i}`).value(v).exec());
    const creates = await runConcurrent(n, concurrency, async (i) => {
      const key = `/bench-raw/create/${i}`;
      const r = await client.if(key, 'Create', '==', 0).then(client.put(key).value(v)).commit();
      if (!r.succeeded) throw new Error('create failed');
    });
    const gets = await runConcurrent(n, concurrency, async (i) => {
      const s = await client.get(`/bench-raw/put/${(i * 7919) % n}`).string();
      if (s === null) throw new Error('missing');
      JSON.parse(s);
    });
    return { puts, creates, gets };
  } finally {
    client.close();
  }
}

export async function etcdStorageBench(endpoints: string[], n: number, bytes: number, concurrency: number): Promise<{ creates: OpsResult; gets: OpsResult }> {
  const store = await EtcdStorage.open({ endpoints, prefix: '/bench-storage' });
  try {
    await storageCreates(store, Math.min(500, n), bytes, concurrency, 'warm');
    const creates = await storageCreates(store, n, bytes, concurrency);
    const gets = await storageGets(store, n, n, concurrency);
    return { creates, gets };
  } finally {
    await store.close();
  }
}
