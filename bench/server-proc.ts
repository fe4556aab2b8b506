// Child process: runs the API server through the public API (startServer) so that the load generator does not
// share its event loop, and answers the parent's questions over IPC (RSS, CPU time, GC, CPU profile, stop).
//
// Started by bench/run.ts with fork(); argv: JSON of { dataDir?, etcdServers? }.
import { Session } from 'node:inspector';
import { getHeapSpaceStatistics } from 'node:v8';
import { startServer } from '../src/index.js';

interface Req {
  id: number;
  cmd: 'stats' | 'gc' | 'profileStart' | 'profileStop' | 'stop';
}

const opts = JSON.parse(process.argv[2] ?? '{}') as { dataDir?: string; etcdServers?: string[] };

function send(msg: unknown): void {
  process.send?.(msg);
}

function stats() {
  const m = process.memoryUsage();
  const c = process.cpuUsage();
  const newSpace = getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')?.space_size ?? 0;
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, newSpace, external: m.external, arrayBuffers: m.arrayBuffers, cpuUserUs: c.user, cpuSystemUs: c.system, uptimeMs: process.uptime() * 1000 };
}

let session: Session | undefined;
function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T)));
  });
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const server = await startServer({ dataDir: opts.dataDir, securePort: 0, etcdServers: opts.etcdServers });
  send({ type: 'ready', url: server.url, kubeconfig: server.kubeconfig, pid: process.pid, startMs: performance.now() - t0 });
  process.on('message', (m: Req) => {
    void (async () => {
      try {
        switch (m.cmd) {
          case 'stats':
            send({ id: m.id, ...stats() });
            break;
          case 'gc': {
            const gc = (globalThis as { gc?: () => void }).gc;
            if (gc) {
              gc();
              await new Promise((r) => setTimeout(r, 50));
              gc();
            }
            send({ id: m.id, ...stats(), gc: Boolean(gc) });
            break;
          }
          case 'profileStart':
            session = new Session();
            session.connect();
            await post('Profiler.enable');
            await post('Profiler.setSamplingInterval', { interval: 200 });
            await post('Profiler.start');
            send({ id: m.id });
            break;
          case 'profileStop': {
            const res = await post<{ profile: unknown }>('Profiler.stop');
            session?.disconnect();
            session = undefined;
            send({ id: m.id, profile: res.profile });
            break;
          }
          case 'stop':
            await server.stop();
            send({ id: m.id });
            setTimeout(() => process.exit(0), 20);
            break;
        }
      } catch (e) {
        send({ id: m.id, error: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
  process.on('disconnect', () => {
    void server.stop().finally(() => process.exit(0));
  });
}

main().catch((e: unknown) => {
  send({ type: 'error', error: e instanceof Error ? e.stack ?? e.message : String(e) });
  process.exit(1);
});
