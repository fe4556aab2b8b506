// Worker thread: HTTP/1.1 load generator over keep-alive sockets (node:https or node:http Agent,
// maxSockets = concurrency, one request in flight per socket).
//
// Jobs:
//   closed: `concurrency` loops, each sending its next request when the previous answered, for `count`
//           requests or `durationMs`; op create (POST a ConfigMap), get (GET a ConfigMap by name, names
//           drawn at random from a range), hello (GET /).
//   rate:   open loop at `rate` creates/s for `durationMs` (at most maxInFlight outstanding), each object
//           stamped with the send time (annotation bench.k8s.io/sent, wall clock ms) for the watch benchmark.
import * as http from 'node:http';
import * as https from 'node:https';
import { performance as perf } from 'node:perf_hooks';
import * as tls from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';
import { configMapBody, wallMs } from './util.js';

export interface Target {
  /** http(s)://host:port */
  url: string;
  ca?: string;
  cert?: string;
  key?: string;
}

export interface ClosedJob {
  kind: 'closed';
  target: Target;
  op: 'create' | 'get' | 'hello';
  concurrency: number;
  count?: number;
  durationMs?: number;
  namespace?: string;
  namePrefix?: string;
  /** create: first index; get: names are namePrefix + [nameFrom, nameFrom + nameCount). */
  nameFrom?: number;
  nameCount?: number;
  /** create: index step (thread count) so that threads create disjoint names. */
  nameStep?: number;
  objectBytes?: number;
  /** Warm-up (not recorded) before the timed part. */
  warmupMs?: number;
}

export interface RateJob {
  kind: 'rate';
  target: Target;
  rate: number;
  durationMs: number;
  maxInFlight: number;
  namespace: string;
  namePrefix: string;
  objectBytes: number;
  /** Writes at the same rate before the timed part, not recorded (the server's steady state, not its start). */
  warmupMs?: number;
}

export interface LoadResult {
  ok: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  /** Latency of each successful request (ms). */
  latencies: Float64Array;
  /** Event-loop utilisation of this worker during the timed part (0..1). */
  elu: number;
  /** rate jobs: writes that could not be sent because maxInFlight was reached when due. */
  late?: number;
  /** rate jobs: (send stamp, response arrival) wall-clock ms pairs of the successful writes. */
  stamps?: Float64Array;
}

// The TLS material goes in as one SecureContext: https.Agent keys its socket pool by a name that includes the
// ca/cert/key PEM strings when they are passed as options, and builds and hashes that multi-KB name on every
// request (about 15% of the load generator's CPU), a cost of Node's client that no server causes.
function agentFor(t: Target, sockets: number): http.Agent {
  const o = { keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, keepAliveMsecs: 30000, scheduling: 'fifo' as const };
  return t.url.startsWith('https:') ? new https.Agent({ ...o, secureContext: tls.createSecureContext({ ca: t.ca, cert: t.cert, key: t.key }) }) : new http.Agent(o);
}

function send(agent: http.Agent, t: Target, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  const u = new URL(t.url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = mod.request(
      { host: u.hostname, port: u.port, method, path, agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        const status = res.statusCode ?? 0;
        res.on('data', (d: Buffer) => {
          if (status >= 300) chunks.push(d);
        });
        res.on('end', () => resolve({ status, text: status >= 300 ? Buffer.concat(chunks).toString('utf8').slice(0, 300) : '' }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function runClosed(job: ClosedJob): Promise<LoadResult> {
  const agent = agentFor(job.target, job.concurrency);
  const ns = job.namespace ?? 'default';
  const prefix = job.namePrefix ?? 'bench';
  const bytes = job.objectBytes ?? 1024;
  const step = job.nameStep ?? 1;
  let next = job.nameFrom ?? 0;
  const from = job.nameFrom ?? 0;
  const nameCount = Math.max(1, job.nameCount ?? 1);
  const expected = job.op === 'create' ? 201 : 200;
  const path = (i: number): { method: string; path: string; body?: string } => {
    switch (job.op) {
      case 'create': {
        const name = `${prefix}-${i}`;
        return { method: 'POST', path: `/api/v1/namespaces/${ns}/configmaps`, body: configMapBody(name, ns, bytes) };
      }
      case 'get':
        return { method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/${prefix}-${from + Math.floor(Math.random() * nameCount)}` };
      case 'hello':
        return { method: 'GET', path: '/' };
    }
  };

  // Warm-up: open every socket and let the JIT settle (creates use names outside the timed range).
  if (job.warmupMs && job.warmupMs > 0) {
    const until = performance.now() + job.warmupMs;
    let w = 0;
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (performance.now() < until) {
          const r = job.op === 'create' ? { method: 'POST', path: `/api/v1/namespaces/${ns}/configmaps`, body: configMapBody(`${prefix}-warm-${from}-${w++}`, ns, bytes) } : path(0);
          try {
            await send(agent, job.target, r.method, r.path, r.body);
          } catch {
            // counted in the timed part only
          }
        }
      }),
    );
  }

  const cap = job.count ?? 1_000_000;
  const lat = new Float64Array(cap);
  let ok = 0;
  let errors = 0;
  let started = 0;
  let firstError: string | undefined;
  const elu0 = perf.eventLoopUtilization();
  const t0 = performance.now();
  const deadline = job.durationMs ? t0 + job.durationMs : Infinity;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      for (;;) {
        if (job.count !== undefined ? started >= job.count : performance.now() >= deadline) return;
        if (started >= cap) return;
        started++;
        const i = next;
        next += step;
        const r = path(i);
        const s = performance.now();
        try {
          const res = await send(agent, job.target, r.method, r.path, r.body);
          if (res.status === expected) {
            lat[ok++] = performance.now() - s;
          } else {
            errors++;
            firstError ??= `HTTP ${res.status}: ${res.text}`;
          }
        } catch (e) {
          errors++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  const elu = perf.eventLoopUtilization(elu0).utilization;
  agent.destroy();
  return { ok, errors, firstError, elapsedMs, latencies: lat.slice(0, ok), elu };
}

/**
 * Open loop: calls fire(i) for i = 0 … total-1 at `rate` per second from now; a call due while maxInFlight()
 * is reached is skipped and counted by late(). Resolves once every call is due.
 */
function paced(total: number, rate: number, busy: () => boolean, fire: (i: number) => void, late: () => void): Promise<void> {
  const t0 = performance.now();
  let sent = 0;
  return new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
      while (sent < due) {
        // Behind schedule and out of sockets: skip this write (open loop, counted as late).
        if (busy()) late();
        else fire(sent);
        sent++;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
}

async function runRate(job: RateJob): Promise<LoadResult> {
  const agent = agentFor(job.target, job.maxInFlight);
  const path = `/api/v1/namespaces/${job.namespace}/configmaps`;
  const lat: number[] = [];
  const stamps: number[] = [];
  let ok = 0;
  let errors = 0;
  let late = 0;
  let firstError: string | undefined;
  let inFlight = 0;
  const pending: Promise<void>[] = [];
  const post = (name: string, annotation: string, record: boolean) => {
    inFlight++;
    const stamp = wallMs().toFixed(3);
    const body = configMapBody(name, job.namespace, job.objectBytes, { [annotation]: stamp });
    const s = performance.now();
    pending.push(
      send(agent, job.target, 'POST', path, body)
        .then((res) => {
          if (!record) return;
          if (res.status === 201) {
            ok++;
            lat.push(performance.now() - s);
            stamps.push(Number(stamp), wallMs());
          } else {
            errors++;
            firstError ??= `HTTP ${res.status}: ${res.text}`;
          }
        })
        .catch((e: unknown) => {
          if (!record) return;
          errors++;
          firstError ??= e instanceof Error ? e.message : String(e);
        })
        .finally(() => {
          inFlight--;
        }),
    );
  };
  const busy = () => inFlight >= job.maxInFlight;
  // Open every socket first: TLS handshakes are a connection's cost, not a write's, and a client keeps its
  // connections (client-go: one HTTP/2 connection for everything).
  await Promise.all(Array.from({ length: job.maxInFlight }, () => send(agent, job.target, 'GET', '/healthz')));
  // Warm-up at the same rate, not recorded: its objects carry no send stamp, so watchers ignore them too.
  const warm = Math.round((job.rate * (job.warmupMs ?? 0)) / 1000);
  await paced(warm, job.rate, busy, (i) => post(`${job.namePrefix}-warmup-${i}`, 'bench.k8s.io/warmup', false), () => undefined);
  const elu0 = perf.eventLoopUtilization();
  const t0 = performance.now();
  await paced(Math.round((job.rate * job.durationMs) / 1000), job.rate, busy, (i) => post(`${job.namePrefix}-${i}`, 'bench.k8s.io/sent', true), () => late++);
  await Promise.all(pending);
  const elapsedMs = performance.now() - t0;
  const elu = perf.eventLoopUtilization(elu0).utilization;
  agent.destroy();
  return { ok, errors, firstError, elapsedMs, latencies: Float64Array.from(lat), elu, late, stamps: Float64Array.from(stamps) };
}

const job = workerData as ClosedJob | RateJob;
const run = job.kind === 'closed' ? runClosed(job) : runRate(job);
run.then(
  (r) => parentPort!.postMessage({ result: r }, [r.latencies.buffer as ArrayBuffer]),
  (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) }),
);
