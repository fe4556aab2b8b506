// `npm run bench`: the performance report of the issue "Watch, consistent reads and a watch cache" (and the
// Protobuf issue's codec comparison), measured in one run on this machine. See bench/README.md for how each
// figure is measured; every figure is printed with its target, its ratio to the baseline measured in the
// same run, and PASS/MISS.
//
// Process tree: this process (orchestrator; raw store baselines and codec run here, in-line),
//   ├─ API server child (bench/server-proc.ts → startServer(), one at a time, own event loop)
//   ├─ hello-world server child (bench/hello-server.ts) for the GET baseline
//   ├─ worker threads: HTTP load generator (bench/loadgen-worker.ts), watchers (bench/watch-worker.ts)
//   ├─ `node dist/src/server/cli.js` children for start-to-ready
//   └─ etcd (test/helpers/etcd.ts startEtcd) for the etcd section.
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ensureTlsMaterial } from '../src/server/certs.js';
import { startEtcd, type EtcdCluster } from '../test/helpers/etcd.js';
import type { ClosedJob, LoadResult, RateJob, Target } from './loadgen-worker.js';
import type { WatchJob } from './watch-worker.js';
import { startApiServerChild, startHelloChild, type ApiServerChild, type Child, type ProcStats } from './procs.js';
import { codecBench } from './protobuf.js';
import { etcdStorageBench, populate, rawEtcd, rawSqliteGets, rawSqliteInserts, storageCreates, storageGets, storeListMs } from './raw.js';
import { summarizeProfile } from './profile.js';
import { timeStart } from './startup.js';
import { SqliteStorage } from '../src/storage/sqlite.js';
import {
  cleanupAll,
  coresNote,
  coresSince,
  cpuSnapshot,
  fmt,
  killChildrenSync,
  loadConfig,
  log,
  machineBusy,
  machineDescription,
  makeTempDir,
  median,
  onCleanup,
  percentile,
  printSummary,
  record,
  removeTempDirsSync,
  section,
  sortedCopy,
  type BenchConfig,
  type CpuSnapshot,
} from './util.js';

const MB = 1024 * 1024;

// ---------------------------------------------------------------- workers

function runWorker<T>(file: string, data: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(file, import.meta.url), { workerData: data });
    w.once('message', (m: { result?: T; error?: string }) => {
      if (m.error) reject(new Error(m.error));
      else resolve(m.result as T);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

/** A closed-loop job split over `threads` load-generator workers (concurrency and count divided between them). */
async function runLoad(job: ClosedJob, threads: number): Promise<LoadResult> {
  const t = Math.max(1, Math.min(threads, job.concurrency));
  const parts = Array.from({ length: t }, (_, i): ClosedJob => ({
    ...job,
    concurrency: Math.floor(job.concurrency / t) + (i < job.concurrency % t ? 1 : 0),
    count: job.count === undefined ? undefined : Math.floor(job.count / t) + (i < job.count % t ? 1 : 0),
    nameFrom: job.op === 'create' ? (job.nameFrom ?? 0) + i : job.nameFrom,
    nameStep: job.op === 'create' ? t : undefined,
  }));
  const results = await Promise.all(parts.map((p) => runWorker<LoadResult>('./loadgen-worker.js', p)));
  const lat = new Float64Array(results.reduce((a, r) => a + r.latencies.length, 0));
  let off = 0;
  for (const r of results) {
    lat.set(r.latencies, off);
    off += r.latencies.length;
  }
  return {
    ok: results.reduce((a, r) => a + r.ok, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
    firstError: results.find((r) => r.firstError)?.firstError,
    elapsedMs: Math.max(...results.map((r) => r.elapsedMs)),
    latencies: lat,
    elu: results.reduce((a, r) => a + r.elu, 0) / results.length,
  };
}

function latencyNote(lat: Float64Array): string {
  const s = sortedCopy(lat);
  return `p50 ${fmt(percentile(s, 50))} ms, p99 ${fmt(percentile(s, 99))} ms`;
}

/** CPU cores (all its threads: main, GC helpers, libuv pool) the child used between two stats samples. */
function coresUsed(a: ProcStats, b: ProcStats): number {
  return (b.cpuUserUs + b.cpuSystemUs - a.cpuUserUs - a.cpuSystemUs) / 1000 / (b.t - a.t);
}

// ---------------------------------------------------------------- small HTTPS client for the main thread

function targetOf(s: ApiServerChild): Target {
  return { url: s.url, ca: s.creds.ca, cert: s.creds.cert, key: s.creds.key };
}

function call(t: Target, agent: https.Agent | false, method: string, p: string, body?: string): Promise<{ status: number; body: Buffer; ms: number }> {
  const u = new URL(t.url);
  return new Promise((resolve, reject) => {
    const s = performance.now();
    const req = https.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path: p,
        agent,
        ca: t.ca,
        cert: t.cert,
        key: t.key,
        headers: body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'application/json' } : { accept: 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - s }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function createNamespace(t: Target, name: string): Promise<void> {
  const r = await call(t, false, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  if (r.status !== 201 && r.status !== 409) throw new Error(`create namespace ${name}: HTTP ${r.status} ${r.body.toString().slice(0, 300)}`);
}

async function gcStats(s: Child): Promise<ProcStats> {
  return { ...(await s.request<ProcStats>('gc')), t: performance.now() };
}

/**
 * Steady-state memory: the server idle, then full GCs until its RSS stops falling. V8 gives back the young
 * generation grown while loading (and pooled pages) only at a GC after allocation has been low for a few
 * seconds, so the first GCs may not show the steady state yet.
 */
async function settledStats(cfg: BenchConfig, s: Child): Promise<ProcStats & { settledMs: number }> {
  const t0 = performance.now();
  let last: ProcStats | undefined;
  for (;;) {
    await new Promise((r) => setTimeout(r, 3000));
    const st = await gcStats(s);
    const young = (st.newSpace ?? 0) <= 4 * MB;
    if ((last !== undefined && young && st.rss >= last.rss * 0.99) || performance.now() - t0 >= cfg.settleMs) {
      return { ...st, settledMs: performance.now() - t0 };
    }
    last = st;
  }
}

async function profiled<T>(cfg: BenchConfig, s: ApiServerChild, label: string, fn: () => Promise<T>): Promise<T> {
  if (!cfg.profile) return fn();
  await s.request('profileStart');
  try {
    return await fn();
  } finally {
    const { profile } = await s.request<{ profile: unknown }>('profileStop', 120000);
    const dir = path.join(os.tmpdir(), `kube-bench-profiles-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${label}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    log(`  server CPU profile during ${label} (${file}, open in Chrome DevTools):`);
    for (const l of summarizeProfile(profile, 18, 10)) log(`    ${l}`);
  }
}

// ---------------------------------------------------------------- sections

interface Baselines {
  rawInsertPerSec?: number;
  rawGetPerSec?: number;
  helloHttp?: number;
  helloHttps?: number;
  rssEmpty?: number;
}

function codecSection(cfg: BenchConfig): void {
  section('Protobuf codec vs JSON (in-process, one thread; encode = object → bytes, decode = bytes → object)');
  for (const r of codecBench(cfg.protobufMs, cfg.objectBytes)) {
    log(`  ${r.object}: JSON ${r.jsonBytes} B, protobuf ${r.protoBytes} B`);
    record({
      section: 'protobuf',
      name: `encode ${r.object}`,
      value: r.protoEncodePerSec,
      unit: 'ops/s',
      baseline: { name: 'JSON.stringify', value: r.jsonEncodePerSec },
      target: '≥ 1.0× JSON',
      pass: r.protoEncodePerSec >= r.jsonEncodePerSec,
    });
    record({
      section: 'protobuf',
      name: `decode ${r.object}`,
      value: r.protoDecodePerSec,
      unit: 'ops/s',
      baseline: { name: 'JSON.parse', value: r.jsonDecodePerSec },
      target: '≥ 1.0× JSON',
      pass: r.protoDecodePerSec >= r.jsonDecodePerSec,
    });
  }
}

async function rawSqliteSection(cfg: BenchConfig, b: Baselines): Promise<void> {
  section(`Raw SQLite store (better-sqlite3 ${'11.x'}, WAL, synchronous=NORMAL, file in ${os.tmpdir()}; ${cfg.objectBytes} B values)`);
  const dir = makeTempDir('raw');
  const one = rawSqliteInserts(dir, cfg.rawInserts, cfg.objectBytes, 1);
  b.rawInsertPerSec = one.perSec;
  record({ section: 'raw sqlite', name: 'raw inserts, 1 row/transaction', value: one.perSec, unit: '/s', note: `p50 ${fmt(one.p50 * 1000)} µs, p99 ${fmt(one.p99 * 1000)} µs (n=${one.n})` });
  const batch = rawSqliteInserts(dir, cfg.rawInserts, cfg.objectBytes, 1000);
  record({ section: 'raw sqlite', name: 'raw inserts, 1,000 rows/transaction (group commit ceiling)', value: batch.perSec, unit: '/s', baseline: { name: '1 row/txn', value: one.perSec } });
  const gets = rawSqliteGets(dir, cfg.rawGets, cfg.rawInserts);
  b.rawGetPerSec = gets.perSec;
  record({ section: 'raw sqlite', name: 'raw point reads + JSON.parse', value: gets.perSec, unit: '/s', note: `p50 ${fmt(gets.p50 * 1000)} µs` });
  const store = SqliteStorage.open({ path: path.join(dir, 'storage.db'), progressIntervalMs: 0 });
  try {
    const c = await storageCreates(store, cfg.rawInserts, cfg.objectBytes, cfg.concurrency);
    record({ section: 'raw sqlite', name: 'SqliteStorage.create (64 in flight)', value: c.perSec, unit: '/s', baseline: { name: 'raw 1 row/txn', value: one.perSec }, note: latencyNoteOps(c) });
    const g = await storageGets(store, cfg.rawGets, cfg.rawInserts, cfg.concurrency);
    record({ section: 'raw sqlite', name: 'SqliteStorage.get', value: g.perSec, unit: '/s', baseline: { name: 'raw reads', value: gets.perSec } });
  } finally {
    await store.close();
  }
}

function latencyNoteOps(r: { p50: number; p99: number }): string {
  return `p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms`;
}

async function helloSection(cfg: BenchConfig, b: Baselines): Promise<void> {
  section(`GET baseline: bare hello-world servers (child process), ${cfg.concurrency} keep-alive HTTP/1.1 sockets, ${cfg.clientThreads} client thread(s), ${cfg.getMs} ms`);
  const tlsDir = makeTempDir('hello-tls');
  const tls = await ensureTlsMaterial({ dir: tlsDir, hosts: ['127.0.0.1'] });
  for (const mode of ['http', 'https'] as const) {
    const hello = await startHelloChild(mode, mode === 'https' ? { key: tls.serverKeyPem, cert: tls.serverCertPem, ca: tls.caCertPem, requestCert: true, rejectUnauthorized: false } : undefined);
    try {
      const target: Target = mode === 'https' ? { url: hello.url, ca: tls.caCertPem, cert: tls.adminCertPem, key: tls.adminKeyPem } : { url: hello.url };
      const s0 = await hello.stats();
      const c0 = cpuSnapshot();
      const r = await runLoad({ kind: 'closed', target, op: 'hello', concurrency: cfg.concurrency, durationMs: cfg.getMs, warmupMs: Math.min(1000, cfg.getMs) }, cfg.clientThreads);
      const s1 = await hello.stats();
      const perSec = (r.ok * 1000) / r.elapsedMs;
      if (mode === 'http') b.helloHttp = perSec;
      else b.helloHttps = perSec;
      record({
        section: 'baseline',
        name: mode === 'http' ? 'node:http hello-world GET (plain)' : 'node:https hello-world GET (TLS + client cert, context)',
        value: perSec,
        unit: 'req/s',
        note: `${latencyNote(r.latencies)}; ${coresNote(c0, coresUsed(s0, s1))}, client ELU ${r.elu.toFixed(2)}${r.errors ? `; ${r.errors} errors: ${r.firstError}` : ''}`,
      });
    } finally {
      await hello.stop();
    }
  }
}

async function httpsSqliteSection(cfg: BenchConfig, b: Baselines): Promise<void> {
  section(`HTTPS API, SQLite backend (server in a child process, data dir on disk; load: ${cfg.clientThreads} worker thread(s), ${cfg.concurrency} keep-alive HTTP/1.1 sockets)`);
  const dir = makeTempDir('api');
  const server = await startApiServerChild({ dataDir: dir });
  onCleanup(() => server.stop());
  try {
    record({ section: 'https sqlite', name: 'startServer() in the child (fresh dir, incl. cert generation)', value: server.startMs, unit: 'ms' });
    const t = targetOf(server);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 3; i++) await call(t, agent, 'GET', '/api/v1/namespaces/default/configmaps');
    agent.destroy();
    const empty = await settledStats(cfg, server);
    b.rssEmpty = empty.rss;
    record({ section: 'memory', name: 'server RSS, empty store (steady state, after GC)', value: empty.rss / MB, unit: 'MB', note: `heap used ${fmt((empty.heapUsed ?? 0) / MB)} MB, young generation ${fmt((empty.newSpace ?? 0) / MB)} MB; settled after ${fmt(empty.settledMs / 1000)} s idle` });
    await createNamespace(t, 'bench');

    if (!cfg.skip.has('create')) {
      const s0 = await server.stats();
      const c0 = cpuSnapshot();
      const r = await profiled(cfg, server, 'creates', () =>
        runLoad({ kind: 'closed', target: t, op: 'create', concurrency: cfg.concurrency, count: cfg.creates, namespace: 'bench', namePrefix: 'cm', objectBytes: cfg.objectBytes, warmupMs: cfg.quick ? 300 : 2000 }, cfg.clientThreads),
      );
      const s1 = await server.stats();
      const perSec = (r.ok * 1000) / r.elapsedMs;
      const raw = b.rawInsertPerSec ?? NaN;
      record({
        section: 'https sqlite',
        name: `creates/s (POST ConfigMap ${cfg.objectBytes} B, ${cfg.concurrency} in flight, n=${cfg.creates})`,
        value: perSec,
        unit: '/s',
        baseline: { name: 'raw 1 row/txn inserts', value: raw },
        target: '≥ 4,000/s and ≥ 0.28× raw',
        pass: perSec >= 4000 && perSec >= 0.28 * raw,
        note: `${latencyNote(r.latencies)}; ${coresNote(c0, coresUsed(s0, s1))}, client ELU ${r.elu.toFixed(2)}${r.errors ? `; ${r.errors} errors: ${r.firstError}` : ''}`,
      });
    }

    if (!cfg.skip.has('get')) {
      const s0 = await server.stats();
      const c0 = cpuSnapshot();
      const r = await profiled(cfg, server, 'gets', () =>
        runLoad({ kind: 'closed', target: t, op: 'get', concurrency: cfg.concurrency, durationMs: cfg.getMs, namespace: 'bench', namePrefix: 'cm', nameFrom: 0, nameCount: cfg.skip.has('create') ? 1 : cfg.creates, warmupMs: Math.min(1000, cfg.getMs) }, cfg.clientThreads),
      );
      const s1 = await server.stats();
      const perSec = (r.ok * 1000) / r.elapsedMs;
      record({
        section: 'https sqlite',
        name: `GET by name (${cfg.concurrency} keep-alive sockets)`,
        value: perSec,
        unit: 'req/s',
        baseline: { name: 'node:http hello', value: b.helloHttp ?? NaN },
        target: '≥ 0.6× node:http hello',
        pass: b.helloHttp !== undefined && perSec >= 0.6 * b.helloHttp,
        note: `${latencyNote(r.latencies)}; ${b.helloHttps ? `${(perSec / b.helloHttps).toFixed(2)}× TLS hello; ` : ''}${b.rawGetPerSec ? `${(perSec / b.rawGetPerSec).toFixed(2)}× raw SQLite reads; ` : ''}${coresNote(c0, coresUsed(s0, s1))}, client ELU ${r.elu.toFixed(2)}${r.errors ? `; ${r.errors} errors: ${r.firstError}` : ''}`,
      });
    }

    if (!cfg.skip.has('watch')) {
      for (const [i, sc] of cfg.watch.entries()) {
        await watchScenario(cfg, server, t, i, sc);
      }
    }
  } finally {
    await server.stop();
  }
}

async function watchScenario(cfg: BenchConfig, server: ApiServerChild, t: Target, idx: number, sc: BenchConfig['watch'][number]): Promise<void> {
  const ns = `watch-${idx}`;
  await createNamespace(t, ns);
  const list = await call(t, false, 'GET', `/api/v1/namespaces/${ns}/configmaps`);
  const rv = (JSON.parse(list.body.toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const threads = Math.max(1, Math.min(cfg.watchThreads, sc.watchers));
  const workers: Worker[] = [];
  const label = `${sc.watchers} watchers × ${sc.eventsPerSec} events/s`;
  try {
    const tc = performance.now();
    const ready = await Promise.all(
      Array.from({ length: threads }, (_, i) => {
        const job: WatchJob = {
          target: t,
          path: `/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${rv}&allowWatchBookmarks=false`,
          watchers: Math.floor(sc.watchers / threads) + (i < sc.watchers % threads ? 1 : 0),
          connectConcurrency: 32,
        };
        const w = new Worker(new URL('./watch-worker.js', import.meta.url), { workerData: job });
        workers.push(w);
        return new Promise<{ connected: number; failed: number; firstError?: string }>((resolve, reject) => {
          w.once('message', (m: { type: string; connected: number; failed: number; firstError?: string; error?: string }) => (m.type === 'ready' ? resolve(m) : reject(new Error(m.error))));
          w.once('error', reject);
        });
      }),
    );
    const connected = ready.reduce((a, r) => a + r.connected, 0);
    const failed = ready.reduce((a, r) => a + r.failed, 0);
    log(`  ${label}: ${connected} watch streams open in ${fmt(performance.now() - tc)} ms${failed ? ` (${failed} failed: ${ready.find((r) => r.firstError)?.firstError})` : ''}`);
    for (const w of workers) w.postMessage({ cmd: 'start' });
    const s0 = await server.stats();
    const c0 = cpuSnapshot();
    const job: RateJob = { kind: 'rate', target: t, rate: sc.eventsPerSec, durationMs: cfg.watchMs, warmupMs: cfg.quick ? 300 : 1000, maxInFlight: cfg.concurrency, namespace: ns, namePrefix: 'ev', objectBytes: cfg.objectBytes };
    const { wr, results } = await profiled(cfg, server, `watch-${sc.watchers}x${sc.eventsPerSec}`, async () => {
      const wr = await runWorker<LoadResult>('./loadgen-worker.js', job);
      const results = await Promise.all(
        workers.map(
          (w) =>
            new Promise<WatchResult>((resolve) => {
              w.once('message', (m: WatchResult) => resolve(m));
              w.postMessage({ cmd: 'drain', expected: wr.ok, timeoutMs: cfg.quick ? 5000 : 15000 });
            }),
        ),
      );
      return { wr, results };
    });
    const s1 = await server.stats();
    // send→bytes: arrival − send stamp. response→bytes: arrival − when the write's response reached the writer
    // (negative = the event reached the watcher first), a lower bound that leaves out the write's own queueing.
    const responseAt = new Map<number, number>();
    const st = wr.stamps ?? new Float64Array(0);
    for (let i = 0; i + 1 < st.length; i += 2) responseAt.set(st[i]!, st[i + 1]!);
    const total = results.reduce((a, r) => a + r.pairs.length / 2, 0);
    const all = new Float64Array(total);
    const afterResponse = new Float64Array(total);
    let off = 0;
    for (const r of results) {
      for (let i = 0; i + 1 < r.pairs.length; i += 2, off++) {
        all[off] = r.pairs[i + 1]! - r.pairs[i]!;
        afterResponse[off] = r.pairs[i + 1]! - (responseAt.get(r.pairs[i]!) ?? NaN);
      }
    }
    const ar = sortedCopy(afterResponse.filter((x) => !Number.isNaN(x)));
    const s = sortedCopy(all);
    const received = results.reduce((a, r) => a + r.received, 0);
    const expected = results.reduce((a, r) => a + r.expectedTotal, 0);
    const achieved = (wr.ok * 1000) / wr.elapsedMs;
    const p99 = percentile(s, 99);
    const complete = received >= expected && wr.ok > 0;
    const note =
      `writes ${wr.ok} at ${fmt(achieved)}/s (target ${sc.eventsPerSec}/s${wr.late ? `, ${wr.late} skipped: server behind` : ''}${wr.errors ? `, ${wr.errors} errors: ${wr.firstError}` : ''}; write ${latencyNote(wr.latencies)}); ` +
      `delivered ${received}/${expected}${complete ? '' : ' (INCOMPLETE after drain timeout)'}; send→bytes p50 ${fmt(percentile(s, 50))} ms, p90 ${fmt(percentile(s, 90))} ms, max ${fmt(s[s.length - 1] ?? NaN)} ms; ` +
      `write-response→bytes p50 ${fmt(percentile(ar, 50))} ms, p99 ${fmt(percentile(ar, 99))} ms; ` +
      `${coresNote(c0, coresUsed(s0, s1))}; watcher-thread ELU ${(results.reduce((a, r) => a + r.elu, 0) / results.length).toFixed(2)}`;
    const rateOk = achieved >= 0.95 * sc.eventsPerSec;
    record({
      section: 'watch',
      name: `${label}: p99 send→bytes at watcher`,
      value: p99,
      unit: 'ms',
      target: sc.p99TargetMs !== undefined ? `p99 ≤ ${sc.p99TargetMs} ms at the full rate, all delivered` : undefined,
      pass: sc.p99TargetMs !== undefined ? p99 <= sc.p99TargetMs && complete && rateOk : undefined,
      note,
    });
  } finally {
    for (const w of workers) w.postMessage({ cmd: 'close' });
    await Promise.all(workers.map((w) => new Promise<void>((r) => { w.once('exit', () => r()); setTimeout(() => { void w.terminate(); }, 3000); })));
  }
}

interface WatchResult {
  /** (send stamp, arrival) wall-clock ms pairs. */
  pairs: Float64Array;
  received: number;
  expectedTotal: number;
  minPerWatcher: number;
  elu: number;
  streamErrors: number;
  firstStreamError?: string;
}

interface ListDir {
  dir: string;
  n: number;
  bytes: number;
}

async function listSection(cfg: BenchConfig, d: ListDir, runs: number, large: boolean, b: Baselines): Promise<void> {
  const label = `${d.n >= 1000 ? `${d.n / 1000}k` : d.n}`;
  section(`LIST and memory, ${label} ConfigMaps in one namespace (stored ${fmt(d.bytes / MB)} MB), server child on a pre-populated dir`);
  const server = await startApiServerChild({ dataDir: d.dir });
  onCleanup(() => server.stop());
  try {
    const t = targetOf(server);
    const idle = await gcStats(server);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const listPath = '/api/v1/namespaces/default/configmaps';
    const first = await call(t, agent, 'GET', listPath);
    if (first.status !== 200) throw new Error(`LIST: HTTP ${first.status} ${first.body.toString().slice(0, 300)}`);
    const parsed = JSON.parse(first.body.toString()) as { items: unknown[] };
    const items = parsed.items.length;
    // Baseline: serialising the same objects from memory (this process, JSON.stringify of the parsed list).
    const ser: number[] = [];
    for (let i = 0; i < Math.max(3, Math.min(runs, 7)); i++) {
      const s = performance.now();
      JSON.stringify(parsed);
      ser.push(performance.now() - s);
    }
    const serMs = median(ser);
    log(`  ${items} items, ${fmt(first.body.length / MB)} MB response; JSON.stringify of the same list from memory: p50 ${fmt(serMs)} ms`);
    for (const [mode, q] of [['consistent', ''], ['from cache (resourceVersion=0)', '?resourceVersion=0']] as const) {
      const ms: number[] = [];
      const s0 = await server.stats();
      const c0 = cpuSnapshot();
      await profiled(cfg, server, `list-${label}-${q ? 'rv0' : 'consistent'}`, async () => {
        for (let i = 0; i < runs; i++) {
          const r = await call(t, agent, 'GET', listPath + q);
          if (r.status !== 200) throw new Error(`LIST: HTTP ${r.status}`);
          ms.push(r.ms);
        }
      });
      const s1 = await server.stats();
      const p50 = median(ms);
      const limit = large ? 800 : 60;
      record({
        section: 'list',
        name: `LIST ${label} ${mode}, p50 of ${runs}`,
        value: p50,
        unit: 'ms',
        baseline: { name: 'JSON.stringify from memory', value: serMs },
        target: large ? '≤ 800 ms and ≤ 2× stringify' : '≤ 60 ms',
        pass: large ? p50 <= limit && p50 <= 2 * serMs : p50 <= limit,
        note: `min ${fmt(Math.min(...ms))} ms, max ${fmt(Math.max(...ms))} ms; ${coresNote(c0, coresUsed(s0, s1))}`,
      });
    }
    if (large) {
      const ms: number[] = [];
      for (let i = 0; i < cfg.pageRuns; i++) {
        const r = await call(t, agent, 'GET', `${listPath}?limit=500`);
        if (r.status !== 200) throw new Error(`LIST limit=500: HTTP ${r.status}`);
        ms.push(r.ms);
      }
      const p50 = median(ms);
      record({ section: 'list', name: `LIST ${label} first page limit=500, p50 of ${cfg.pageRuns}`, value: p50, unit: 'ms', target: '≤ 10 ms', pass: p50 <= 10, note: `p99 ${fmt(percentile(sortedCopy(ms), 99))} ms` });
    }
    agent.destroy();
    const after = await settledStats(cfg, server);
    const rss = after.rss;
    const base = b.rssEmpty ?? 0;
    const ratio = (rss - base) / d.bytes;
    record({
      section: 'memory',
      name: `server RSS with ${label} objects (steady state, after GC)`,
      value: rss / MB,
      unit: 'MB',
      baseline: { name: 'stored MB (ratio: RSS above empty ÷ stored)', value: d.bytes / MB },
      ratio,
      target: 'RSS above empty ≤ 3× stored',
      pass: b.rssEmpty !== undefined ? ratio <= 3 : undefined,
      note: `right after start (GC, not settled) ${fmt(idle.rss / MB)} MB; after the LISTs, settled ${fmt(after.settledMs / 1000)} s + GC: ${fmt(after.rss / MB)} MB, heap used ${fmt((after.heapUsed ?? 0) / MB)} MB, young generation ${fmt((after.newSpace ?? 0) / MB)} MB, external ${fmt((after.external ?? 0) / MB)} MB; empty ${fmt(base / MB)} MB; = ${fmt(((rss - base) / MB) * (10000 / d.n))} MB per 10k objects above empty`,
    });
  } finally {
    await server.stop();
  }
}

/** CPU during the start runs: the bench process itself (polling /readyz) and everything else (the starting server included). */
function startCoresNote(c0: CpuSnapshot): string {
  const c = coresSince(c0, 0);
  return `bench process ${c.client.toFixed(2)} cores${c.others !== undefined ? `, server and other processes ${c.others.toFixed(2)} cores` : ''}`;
}

async function startSection(cfg: BenchConfig, dirs: { label: string; dir: string; targetMs: number }[]): Promise<void> {
  section(`Start to /readyz: spawn \`node dist/src/server/cli.js --secure-port 0 --data-dir DIR\` → first 200 from /readyz (restarts: pki and bootstrap objects exist; median of ${cfg.startRuns})`);
  for (const d of dirs) {
    const runs: number[] = [];
    let listening = 0;
    let rss = 0;
    const c0 = cpuSnapshot();
    for (let i = 0; i < cfg.startRuns; i++) {
      const r = await timeStart(d.dir);
      runs.push(r.readyMs);
      listening = r.listeningMs;
      rss = r.rss ?? 0;
    }
    const m = median(runs);
    record({
      section: 'start',
      name: `start to ready, ${d.label}`,
      value: m,
      unit: 'ms',
      target: `≤ ${d.targetMs} ms`,
      pass: m <= d.targetMs,
      note: `runs ${runs.map((x) => fmt(x)).join(', ')} ms; listening after ${fmt(listening)} ms; RSS at ready ${fmt(rss / MB)} MB; ${startCoresNote(c0)}`,
    });
  }
}

async function etcdSection(cfg: BenchConfig): Promise<void> {
  section(`etcd (test/helpers/etcd.ts startEtcd: 1 member, data on ${fs.existsSync('/dev/shm') ? 'tmpfs /dev/shm' : os.tmpdir()}), ${cfg.concurrency} in flight`);
  let etcd: EtcdCluster;
  try {
    etcd = await startEtcd();
  } catch (e) {
    log(`  SKIPPED: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    return;
  }
  onCleanup(() => etcd.stop());
  try {
    const raw = await rawEtcd(etcd.endpoints, cfg.etcdOps, cfg.objectBytes, cfg.concurrency);
    record({ section: 'raw etcd', name: 'etcd3 puts', value: raw.puts.perSec, unit: '/s', note: latencyNoteOps(raw.puts) });
    record({ section: 'raw etcd', name: 'etcd3 creates (txn create_revision = 0 → put)', value: raw.creates.perSec, unit: '/s', note: latencyNoteOps(raw.creates) });
    record({ section: 'raw etcd', name: 'etcd3 gets + JSON.parse', value: raw.gets.perSec, unit: '/s', note: latencyNoteOps(raw.gets) });
    const st = await etcdStorageBench(etcd.endpoints, cfg.etcdOps, cfg.objectBytes, cfg.concurrency);
    record({ section: 'raw etcd', name: 'EtcdStorage.create', value: st.creates.perSec, unit: '/s', baseline: { name: 'etcd3 creates', value: raw.creates.perSec } });
    record({ section: 'raw etcd', name: 'EtcdStorage.get', value: st.gets.perSec, unit: '/s', baseline: { name: 'etcd3 gets', value: raw.gets.perSec } });

    const dir = makeTempDir('api-etcd');
    const server = await startApiServerChild({ dataDir: dir, etcdServers: etcd.endpoints });
    onCleanup(() => server.stop());
    try {
      const t = targetOf(server);
      await createNamespace(t, 'bench');
      const s0 = await server.stats();
      const c0 = cpuSnapshot();
      const r = await profiled(cfg, server, 'etcd-creates', () =>
        runLoad({ kind: 'closed', target: t, op: 'create', concurrency: cfg.concurrency, count: cfg.httpsEtcdCreates, namespace: 'bench', namePrefix: 'cm', objectBytes: cfg.objectBytes, warmupMs: cfg.quick ? 300 : 1000 }, cfg.clientThreads),
      );
      const s1 = await server.stats();
      const perSec = (r.ok * 1000) / r.elapsedMs;
      record({
        section: 'https etcd',
        name: `creates/s over HTTPS (${cfg.concurrency} in flight, n=${cfg.httpsEtcdCreates})`,
        value: perSec,
        unit: '/s',
        baseline: { name: 'etcd3 creates', value: raw.creates.perSec },
        target: '≥ 0.75× raw etcd creates',
        pass: perSec >= 0.75 * raw.creates.perSec,
        note: `${latencyNote(r.latencies)}; ${(perSec / raw.puts.perSec).toFixed(2)}× raw puts; (other processes include etcd) ${coresNote(c0, coresUsed(s0, s1))}, client ELU ${r.elu.toFixed(2)}${r.errors ? `; ${r.errors} errors: ${r.firstError}` : ''}`,
      });
      const g = await runLoad({ kind: 'closed', target: t, op: 'get', concurrency: cfg.concurrency, durationMs: cfg.getMs, namespace: 'bench', namePrefix: 'cm', nameFrom: 0, nameCount: cfg.httpsEtcdCreates, warmupMs: Math.min(1000, cfg.getMs) }, cfg.clientThreads);
      const gps = (g.ok * 1000) / g.elapsedMs;
      record({ section: 'https etcd', name: 'GET by name over HTTPS', value: gps, unit: 'req/s', baseline: { name: 'etcd3 gets', value: raw.gets.perSec }, note: `${latencyNote(g.latencies)}${g.errors ? `; ${g.errors} errors: ${g.firstError}` : ''}` });
    } finally {
      await server.stop();
    }
  } finally {
    await etcd.stop();
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const cfg = loadConfig();
  const t0 = performance.now();
  log(`kube-apiserver-ts benchmark${cfg.quick ? ' — QUICK smoke run (BENCH_QUICK=1): reduced sizes, figures are NOT comparable with the targets' : ''}`);
  for (const l of machineDescription()) log(`  ${l}`);
  log(
    `  setup: server in its own child process; HTTP load from ${cfg.clientThreads} worker thread(s) with ${cfg.concurrency} keep-alive HTTP/1.1 sockets ` +
      `(node:https Agent, one request in flight per socket); watchers: HTTP/1.1, one TLS connection each, in ${cfg.watchThreads} worker thread(s); ` +
      `raw store baselines in the orchestrator thread. On 2 cores the server and the load generator each get about one core.`,
  );
  log(`  sizes: objects ${cfg.objectBytes} B; creates ${cfg.creates}; LIST ${cfg.listSmall} / ${cfg.listLarge}; watch ${cfg.watch.map((w) => `${w.watchers}×${w.eventsPerSec}/s`).join(', ')} for ${cfg.watchMs} ms${cfg.profile ? '; CPU profiling of the server ON (slows it down)' : ''}`);
  const b: Baselines = {};
  const waitIdle = Number(process.env.BENCH_WAIT_IDLE_S ?? '0');
  let busy = await machineBusy();
  const waitUntil = performance.now() + waitIdle * 1000;
  while (busy !== undefined && busy > 0.15 && performance.now() < waitUntil) {
    log(`  machine busy ${(busy * 100).toFixed(0)}% before start: waiting for it to calm down (BENCH_WAIT_IDLE_S=${waitIdle})`);
    busy = await machineBusy(2000);
  }
  if (busy !== undefined) {
    log(`  machine CPU busy before start (other processes): ${(busy * 100).toFixed(0)}% of all cores${busy > 0.15 ? ' — WARNING: other work is running; figures will be low and noisy' : ''}`);
  }

  if (!cfg.skip.has('protobuf')) codecSection(cfg);
  if (!cfg.skip.has('raw')) await rawSqliteSection(cfg, b);

  // Pre-populated data dirs for LIST, memory and start-to-ready.
  const needDirs = !cfg.skip.has('list') || !cfg.skip.has('start');
  const dirs: ListDir[] = [];
  if (needDirs) {
    section('Pre-populating data dirs (SqliteStorage.create straight into state.db, stored shape)');
    for (const n of [cfg.listSmall, cfg.listLarge]) {
      const dir = makeTempDir(`pop${n}`);
      const p = await populate(dir, 'default', n, cfg.objectBytes);
      dirs.push({ dir, n, bytes: p.bytes });
      const scan = await storeListMs(dir, '/registry/configmaps/default/', 3);
      record({ section: 'raw sqlite', name: `populate ${n} objects via SqliteStorage.create`, value: (n * 1000) / p.ms, unit: '/s', note: `${fmt(p.ms / 1000)} s, ${fmt(p.bytes / MB)} MB stored` });
      record({ section: 'raw sqlite', name: `SqliteStorage.list ${n} + JSON.parse each, p50 of 3`, value: median(scan.ms), unit: 'ms' });
    }
  }

  if (!cfg.skip.has('get') && !cfg.skip.has('hello')) await helloSection(cfg, b);
  if (!['create', 'get', 'watch'].every((s) => cfg.skip.has(s))) await httpsSqliteSection(cfg, b);
  if (!cfg.skip.has('list')) {
    await listSection(cfg, dirs[0]!, cfg.listRunsSmall, false, b);
    await listSection(cfg, dirs[1]!, cfg.listRunsLarge, true, b);
  }
  if (!cfg.skip.has('start')) {
    const empty = makeTempDir('start-empty');
    const first = await timeStart(empty);
    record({ section: 'start', name: 'first start of an empty dir (generates the CA and certificates)', value: first.readyMs, unit: 'ms' });
    const targets = [
      { label: 'empty', dir: empty, targetMs: 300 },
      { label: `${dirs[0]!.n} objects`, dir: dirs[0]!.dir, targetMs: 500 },
      { label: `${dirs[1]!.n} objects`, dir: dirs[1]!.dir, targetMs: 2500 },
    ];
    // The pre-populated dirs got their pki in the LIST section; without it, give them a first start now.
    for (const d of targets.slice(1)) if (!fs.existsSync(path.join(d.dir, 'admin.kubeconfig'))) await timeStart(d.dir);
    await startSection(cfg, targets);
  }
  if (cfg.etcd && !cfg.skip.has('etcd')) await etcdSection(cfg);
  else {
    section('etcd');
    log('  SKIPPED (BENCH_ETCD=0 or BENCH_SKIP=etcd)');
  }

  section('Summary');
  printSummary();
  log(`\ntotal bench time ${fmt((performance.now() - t0) / 1000)} s; load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

process.on('exit', () => {
  killChildrenSync();
  removeTempDirsSync();
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killChildrenSync();
    removeTempDirsSync();
    process.exit(130);
  });
}

main()
  .then(async () => {
    await cleanupAll();
    process.exit(0);
  })
  .catch(async (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    await cleanupAll();
    process.exit(1);
  });
