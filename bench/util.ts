// Shared helpers of the benchmark: configuration from the environment, statistics, the report table,
// cleanup of child processes and temporary directories, machine description, test objects.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// ---------------------------------------------------------------- configuration

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${v}: expected a non-negative number`);
  return Math.floor(n);
}

export interface WatchScenario {
  watchers: number;
  eventsPerSec: number;
  /** p99 target in ms (undefined for custom scenarios without a target). */
  p99TargetMs?: number;
}

export interface BenchConfig {
  quick: boolean;
  /** Size of each object's JSON in bytes (approximately). */
  objectBytes: number;
  /** Requests in flight for the closed-loop HTTP benchmarks (= keep-alive sockets). */
  concurrency: number;
  /** Load-generator worker threads for closed-loop HTTP benchmarks. */
  clientThreads: number;
  rawInserts: number;
  rawGets: number;
  creates: number;
  createWarmup: number;
  /** Duration of each timed GET / hello-world run (ms). */
  getMs: number;
  listSmall: number;
  listLarge: number;
  listRunsSmall: number;
  listRunsLarge: number;
  pageRuns: number;
  watch: WatchScenario[];
  watchMs: number;
  watchThreads: number;
  startRuns: number;
  /** Longest wait for a server's memory to settle before a steady-state reading (ms). */
  settleMs: number;
  etcd: boolean;
  etcdOps: number;
  httpsEtcdCreates: number;
  protobufMs: number;
  profile: boolean;
  skip: Set<string>;
}

export function loadConfig(): BenchConfig {
  const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
  const q = <T>(full: T, small: T): T => (quick ? small : full);
  const cores = os.cpus().length;
  const watchSpec = process.env.BENCH_WATCH;
  const watch: WatchScenario[] = watchSpec
    ? watchSpec.split(',').filter(Boolean).map((s) => {
        const m = /^(\d+)x(\d+)$/.exec(s.trim());
        if (!m) throw new Error(`BENCH_WATCH: expected WATCHERSxEVENTS_PER_SEC[,...], got ${s}`);
        const watchers = Number(m[1]);
        const eventsPerSec = Number(m[2]);
        const p99TargetMs = watchers === 100 && eventsPerSec === 1000 ? 25 : watchers === 1000 && eventsPerSec === 100 ? 150 : undefined;
        return { watchers, eventsPerSec, p99TargetMs };
      })
    : q<WatchScenario[]>(
        [
          { watchers: 100, eventsPerSec: 1000, p99TargetMs: 25 },
          { watchers: 1000, eventsPerSec: 100, p99TargetMs: 150 },
        ],
        [
          { watchers: 10, eventsPerSec: 100 },
          { watchers: 50, eventsPerSec: 20 },
        ],
      );
  return {
    quick,
    objectBytes: envInt('BENCH_OBJECT_BYTES', 1024),
    concurrency: envInt('BENCH_CONCURRENCY', 64),
    // 2 cores: the server needs one, so one load-generator thread; more cores: leave one for the server.
    clientThreads: Math.max(1, envInt('BENCH_CLIENT_THREADS', cores <= 2 ? 1 : Math.min(4, cores - 1))),
    rawInserts: envInt('BENCH_RAW_INSERTS', q(20000, 2000)),
    rawGets: envInt('BENCH_RAW_GETS', q(50000, 5000)),
    creates: envInt('BENCH_CREATES', q(20000, 1000)),
    createWarmup: envInt('BENCH_CREATE_WARMUP', q(2000, 200)),
    getMs: envInt('BENCH_GET_MS', q(5000, 1000)),
    listSmall: envInt('BENCH_LIST_SMALL', q(10000, 1000)),
    listLarge: envInt('BENCH_LIST_LARGE', q(100000, 5000)),
    listRunsSmall: envInt('BENCH_LIST_RUNS_SMALL', q(15, 3)),
    listRunsLarge: envInt('BENCH_LIST_RUNS_LARGE', q(5, 3)),
    pageRuns: envInt('BENCH_PAGE_RUNS', q(30, 5)),
    watch,
    watchMs: envInt('BENCH_WATCH_MS', q(5000, 1500)),
    watchThreads: Math.max(1, envInt('BENCH_WATCH_THREADS', 1)),
    startRuns: envInt('BENCH_START_RUNS', q(3, 1)),
    settleMs: envInt('BENCH_SETTLE_MS', q(20000, 3000)),
    etcd: process.env.BENCH_ETCD !== '0',
    etcdOps: envInt('BENCH_ETCD_OPS', q(10000, 1000)),
    httpsEtcdCreates: envInt('BENCH_ETCD_CREATES', q(10000, 500)),
    protobufMs: envInt('BENCH_PROTOBUF_MS', q(1500, 300)),
    profile: process.env.BENCH_PROFILE === '1',
    skip: new Set((process.env.BENCH_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
  };
}

// ---------------------------------------------------------------- statistics

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function sortedCopy(xs: ArrayLike<number>): Float64Array {
  const a = Float64Array.from(xs as ArrayLike<number>);
  a.sort();
  return a;
}

export function median(xs: number[]): number {
  return percentile(sortedCopy(xs), 50);
}

export function now(): number {
  return performance.now();
}

/** Milliseconds on a clock shared by every thread and process on this machine (wall clock, sub-ms resolution). */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------- report

export interface Row {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "≥ 4,000/s and ≥ 0.28× raw". */
  target?: string;
  /** Name and value of the baseline the ratio is taken against. */
  baseline?: { name: string; value: number };
  ratio?: number;
  pass?: boolean;
  note?: string;
}

export const rows: Row[] = [];

export function fmt(v: number, unit = ''): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  let s: string;
  if (abs >= 1000) s = Math.round(v).toLocaleString('en-US');
  else if (abs >= 100) s = v.toFixed(0);
  else if (abs >= 10) s = v.toFixed(1);
  else if (abs >= 1) s = v.toFixed(2);
  else s = v.toFixed(3);
  return unit ? `${s} ${unit}` : s;
}

export function record(r: Row): Row {
  if (r.baseline && r.ratio === undefined && r.baseline.value > 0) r.ratio = r.value / r.baseline.value;
  rows.push(r);
  const parts = [`  ${r.name}: ${fmt(r.value, r.unit)}`];
  if (r.baseline) parts.push(`(${r.ratio !== undefined ? r.ratio.toFixed(2) + '×' : '?'} ${r.baseline.name} ${fmt(r.baseline.value)})`);
  if (r.target) parts.push(`target ${r.target}`);
  if (r.pass !== undefined) parts.push(r.pass ? 'PASS' : 'MISS');
  if (r.note) parts.push(`— ${r.note}`);
  log(parts.join('  '));
  return r;
}

export function log(s: string): void {
  process.stdout.write(s + '\n');
}

export function section(title: string): void {
  log(`\n== ${title} ==`);
}

export function printSummary(): void {
  const header = ['section', 'figure', 'value', 'baseline (same run)', 'ratio', 'target', 'result'];
  const table = rows.map((r) => [
    r.section,
    r.name,
    fmt(r.value, r.unit),
    r.baseline ? `${r.baseline.name} ${fmt(r.baseline.value)}` : '',
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : '',
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  log('');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const t of table) log(line(t));
  const judged = rows.filter((r) => r.pass !== undefined);
  log(`\n${judged.filter((r) => r.pass).length} PASS, ${judged.filter((r) => !r.pass).length} MISS of ${judged.length} targets`);
  for (const r of judged.filter((x) => !x.pass)) log(`  MISS ${r.section} / ${r.name}: ${fmt(r.value, r.unit)} vs ${r.target}`);
}

// ---------------------------------------------------------------- machine

export function machineDescription(): string[] {
  const cpus = os.cpus();
  const model = cpus[0]?.model?.trim() ?? 'unknown';
  const lines = [
    `cores: ${cpus.length} (${model}${cpus[0]?.speed ? `, ${cpus[0].speed} MHz` : ''})`,
    `memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(os.freemem() / 2 ** 30).toFixed(1)} GiB free`,
    `node: ${process.version} (${process.arch}), ${os.type()} ${os.release()}`,
    `load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    `temp dir: ${os.tmpdir()}`,
  ];
  return lines;
}

function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Share of all cores busy over `ms` (Linux /proc/stat), 0..1; undefined elsewhere. */
export async function machineBusy(ms = 1000): Promise<number | undefined> {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  if (!a || !b || b.total === a.total) return undefined;
  return (b.busy - a.busy) / (b.total - a.total);
}

export interface CpuSnapshot {
  machine?: { busy: number; total: number };
  selfUs: number;
  t: number;
}

/** Machine-wide CPU counters plus this process's own CPU time (all its threads: orchestrator and workers). */
export function cpuSnapshot(): CpuSnapshot {
  const c = process.cpuUsage();
  return { machine: cpuTimes(), selfUs: c.user + c.system, t: performance.now() };
}

/**
 * Cores used between two snapshots by this process (load generator threads) and by everything else on the
 * machine except this process and `childCores` (the server under test): other engineers' jobs, etcd, etc.
 */
export function coresSince(a: CpuSnapshot, childCores: number): { client: number; others?: number } {
  const b = cpuSnapshot();
  const ms = b.t - a.t;
  const client = (b.selfUs - a.selfUs) / 1000 / ms;
  if (!a.machine || !b.machine || b.machine.total === a.machine.total) return { client };
  const machine = ((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * os.cpus().length;
  return { client, others: Math.max(0, machine - client - childCores) };
}

export function coresNote(a: CpuSnapshot, childCores: number): string {
  const c = coresSince(a, childCores);
  return `server ${childCores.toFixed(2)} cores, load generator ${c.client.toFixed(2)} cores${c.others !== undefined ? `, other processes ${c.others.toFixed(2)} cores` : ''}`;
}

// ---------------------------------------------------------------- cleanup

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const cleanups: (() => Promise<void> | void)[] = [];

export function trackChild(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

export function makeTempDir(label: string, base = os.tmpdir()): string {
  const d = fs.mkdtempSync(path.join(base, `kube-bench-${label}-`));
  tempDirs.add(d);
  return d;
}

export function removeTempDir(d: string): void {
  fs.rmSync(d, { recursive: true, force: true });
  tempDirs.delete(d);
}

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

export async function cleanupAll(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch {
      // best effort
    }
  }
  killChildrenSync();
  for (const d of [...tempDirs]) removeTempDir(d);
}

/** Last resort (process exit): SIGKILL the children we started, by their pid, and remove temp dirs. */
export function killChildrenSync(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
}

export function removeTempDirsSync(): void {
  for (const d of [...tempDirs]) {
    try {
      removeTempDir(d);
    } catch {
      // best effort
    }
  }
}

// ---------------------------------------------------------------- credentials

export interface Creds {
  ca: string;
  cert: string;
  key: string;
}

interface KubeconfigLike {
  clusters: { cluster: Record<string, string | undefined> }[];
  users: { user: Record<string, string | undefined> }[];
}

export function credsFromKubeconfig(cfg: unknown): Creds {
  const k = cfg as KubeconfigLike;
  const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  const user = k.users[0]!.user;
  return {
    ca: b64(k.clusters[0]!.cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data']),
  };
}

/** Read admin.kubeconfig (JSON or YAML-ish with the three base64 fields) from a data dir. */
export function credsFromKubeconfigFile(file: string): Creds {
  const text = fs.readFileSync(file, 'utf8');
  const grab = (field: string) => {
    const m = new RegExp(`["']?${field}["']?\\s*:\\s*["']?([A-Za-z0-9+/=]+)`).exec(text);
    if (!m) throw new Error(`${file}: no ${field}`);
    return Buffer.from(m[1]!, 'base64').toString('utf8');
  };
  return { ca: grab('certificate-authority-data'), cert: grab('client-certificate-data'), key: grab('client-key-data') };
}

// ---------------------------------------------------------------- objects

/** A ConfigMap (API shape, as a client sends it) whose JSON is about `bytes` long. */
export function configMapBody(name: string, namespace: string, bytes: number, annotations?: Record<string, string>): string {
  const base: Record<string, unknown> = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, data: { payload: '' } };
  const overhead = JSON.stringify(base).length;
  (base.data as Record<string, string>).payload = 'x'.repeat(Math.max(0, bytes - overhead));
  return JSON.stringify(base);
}

/**
 * A ConfigMap in the stored shape (what registry/store.ts writes: kind, apiVersion, metadata in Go's field order
 * without resourceVersion, managedFields of an Update), about `bytes` long.
 */
export function storedConfigMap(name: string, namespace: string, bytes: number, uid: string, ts: string): string {
  const obj = {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace,
      uid,
      creationTimestamp: ts,
      managedFields: [
        { manager: 'bench', operation: 'Update', apiVersion: 'v1', time: ts, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:payload': {} } } },
      ],
    },
    data: { payload: '' },
  };
  const overhead = JSON.stringify(obj).length;
  obj.data.payload = 'x'.repeat(Math.max(0, bytes - overhead));
  return JSON.stringify(obj);
}

export function uuidFor(i: number): string {
  const h = i.toString(16).padStart(12, '0');
  return `b3nc4000-0000-4000-8000-${h}`.replace('b3nc', 'be0c');
}
