// Worker thread: opens N watch streams (HTTP/1.1 over TLS, one connection per watcher, as separate clients
// would), and for every event that carries the writer's send stamp (annotation bench.k8s.io/sent, wall-clock
// ms) records (send stamp, arrival time), the arrival taken when the event's last byte arrives.
//
// Protocol with the parent: workerData = WatchJob → posts {type:'ready', connected, failed, firstError};
// parent posts {cmd:'drain', expected, timeoutMs} (expected events per watcher) → posts {type:'result', ...};
// parent posts {cmd:'close'} → sockets destroyed, worker ends.
import * as https from 'node:https';
import type { ClientRequest } from 'node:http';
import { performance as perf } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { wallMs } from './util.js';
import type { Target } from './loadgen-worker.js';

export interface WatchJob {
  target: Target;
  path: string;
  watchers: number;
  connectConcurrency: number;
}

const job = workerData as WatchJob;
const MARKER = Buffer.from('"bench.k8s.io/sent":"');
const NL = 0x0a;

// Pairs (send stamp, arrival), both wall-clock ms.
let pairs = new Float64Array(1 << 17);
let n = 0;
function push(stamp: number, arrived: number): void {
  if (2 * n + 2 > pairs.length) {
    const bigger = new Float64Array(pairs.length * 2);
    bigger.set(pairs);
    pairs = bigger;
  }
  pairs[2 * n] = stamp;
  pairs[2 * n + 1] = arrived;
  n++;
}

const counts = new Int32Array(job.watchers);
const reqs: ClientRequest[] = [];
let total = 0;
let onProgress: (() => void) | undefined;
let streamErrors = 0;
let firstStreamError: string | undefined;

function parseStamp(buf: Buffer, start: number, end: number): number {
  const i = buf.indexOf(MARKER, start);
  if (i < 0 || i >= end) return NaN;
  let j = i + MARKER.length;
  let k = j;
  while (k < end && buf[k] !== 0x22) k++;
  return Number(buf.toString('latin1', j, k));
}

function openWatcher(idx: number): Promise<void> {
  const u = new URL(job.target.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: u.hostname, port: u.port, method: 'GET', path: job.path, agent: false, ca: job.target.ca, cert: job.target.cert, key: job.target.key, headers: { accept: 'application/json' } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        let partial: Buffer | undefined;
        res.on('data', (chunk: Buffer) => {
          const arrived = wallMs();
          const buf = partial ? Buffer.concat([partial, chunk]) : chunk;
          let start = 0;
          for (;;) {
            const nl = buf.indexOf(NL, start);
            if (nl < 0) break;
            const stamp = parseStamp(buf, start, nl);
            if (!Number.isNaN(stamp)) {
              push(stamp, arrived);
              counts[idx]!++;
              total++;
            }
            start = nl + 1;
          }
          partial = start < buf.length ? buf.subarray(start) : undefined;
          if (partial && partial.length > 1 << 20) partial = undefined; // never expected
          onProgress?.();
        });
        res.on('error', (e) => {
          streamErrors++;
          firstStreamError ??= e.message;
        });
        resolve();
      },
    );
    req.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code === 'ECONNRESET' && closing) return;
      streamErrors++;
      firstStreamError ??= e.message;
      reject(e);
    });
    req.end();
    reqs.push(req);
  });
}

let closing = false;

async function main(): Promise<void> {
  let connected = 0;
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(job.connectConcurrency, job.watchers) }, async () => {
      while (next < job.watchers) {
        const i = next++;
        try {
          await openWatcher(i);
          connected++;
        } catch (e) {
          failed++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  parentPort!.postMessage({ type: 'ready', connected, failed, firstError });
  let elu0 = perf.eventLoopUtilization();
  parentPort!.on('message', (m: { cmd: string; expected?: number; timeoutMs?: number }) => {
    if (m.cmd === 'start') {
      elu0 = perf.eventLoopUtilization();
      n = 0;
      total = 0;
      counts.fill(0);
    } else if (m.cmd === 'drain') {
      const want = (m.expected ?? 0) * connected;
      const finish = () => {
        onProgress = undefined;
        clearTimeout(timer);
        const elu = perf.eventLoopUtilization(elu0).utilization;
        let minPerWatcher = Infinity;
        for (let i = 0; i < job.watchers; i++) minPerWatcher = Math.min(minPerWatcher, counts[i]!);
        const out = pairs.slice(0, 2 * n);
        parentPort!.postMessage({ type: 'result', pairs: out, received: total, expectedTotal: want, minPerWatcher, elu, streamErrors, firstStreamError }, [out.buffer]);
      };
      const timer = setTimeout(finish, m.timeoutMs ?? 10000);
      if (total >= want) finish();
      else
        onProgress = () => {
          if (total >= want) finish();
        };
    } else if (m.cmd === 'close') {
      closing = true;
      for (const r of reqs) r.destroy();
      setTimeout(() => process.exit(0), 50);
    }
  });
}

main().catch((e: unknown) => parentPort!.postMessage({ type: 'error', error: e instanceof Error ? e.stack ?? e.message : String(e) }));
