// Child processes of the benchmark (API server, hello-world server) and the IPC request/response helper.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../src/server/node-flags.js';
import { credsFromKubeconfig, trackChild, type Creds } from './util.js';

export interface ProcStats {
  rss: number;
  heapUsed?: number;
  heapTotal?: number;
  /** V8's young generation as committed (it grows while loading and shrinks once allocation is low). */
  newSpace?: number;
  external?: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  gc?: boolean;
  /** performance.now() in the parent when the answer arrived. */
  t: number;
}

export class Child {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  readonly exited: Promise<number | null>;
  stderrTail = '';

  constructor(readonly proc: ChildProcess) {
    trackChild(proc);
    proc.on('message', (m: { id?: number; error?: string }) => {
      if (typeof m.id !== 'number') return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error) w.reject(new Error(m.error));
      else w.resolve(m as Record<string, unknown>);
    });
    proc.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
    });
    this.exited = new Promise((resolve) => proc.once('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`child exited (${code}): ${this.stderrTail}`));
      this.waiting.clear();
      resolve(code);
    }));
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  request<T = Record<string, unknown>>(cmd: string, timeoutMs = 60000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`child ${this.pid}: ${cmd} timed out`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(t);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      });
      this.proc.send({ id, cmd });
    });
  }

  async stats(): Promise<ProcStats> {
    const r = await this.request<ProcStats>('stats');
    return { ...r, t: performance.now() };
  }

  /** Ask it to stop; SIGKILL (by pid) if it does not exit in time. */
  async stop(timeoutMs = 15000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    try {
      await this.request('stop', timeoutMs);
    } catch {
      // fall through to the kill
    }
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(t);
  }
}

function waitReady<T>(proc: ChildProcess, what: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    const t = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms: ${err}`)), timeoutMs);
    proc.on('message', (m: { type?: string; error?: string }) => {
      if (m.type === 'ready') {
        clearTimeout(t);
        resolve(m as T);
      } else if (m.type === 'error') {
        clearTimeout(t);
        reject(new Error(`${what} failed: ${m.error}`));
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${what} exited (${code}) before it was ready: ${err}`));
    });
  });
}

export interface ApiServerChild extends Child {
  url: string;
  creds: Creds;
  /** startServer() duration inside the child (ms). */
  startMs: number;
}

export async function startApiServerChild(opts: { dataDir?: string; etcdServers?: string[] }, timeoutMs = 120000): Promise<ApiServerChild> {
  const script = fileURLToPath(new URL('./server-proc.js', import.meta.url));
  // BENCH_SERVER_NODE_ARGS (e.g. "--trace-gc") adds Node flags to the API server child and shows its stdout.
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const proc = fork(script, [JSON.stringify(opts)], { execArgv: ['--expose-gc', ...SERVER_NODE_FLAGS, ...extra], stdio: ['ignore', extra.length ? 'inherit' : 'ignore', 'pipe', 'ipc'] });
  const child = new Child(proc);
  const ready = await waitReady<{ url: string; kubeconfig: unknown; startMs: number }>(proc, 'API server', timeoutMs);
  return Object.assign(child, { url: ready.url, creds: credsFromKubeconfig(ready.kubeconfig), startMs: ready.startMs });
}

export async function startHelloChild(mode: 'http' | 'https', tls?: { key: string; cert: string; ca?: string; requestCert?: boolean; rejectUnauthorized?: boolean }): Promise<Child & { url: string }> {
  const script = fileURLToPath(new URL('./hello-server.js', import.meta.url));
  const proc = fork(script, [mode, JSON.stringify(tls ?? {})], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const child = new Child(proc);
  const ready = await waitReady<{ port: number }>(proc, 'hello server', 20000);
  return Object.assign(child, { url: `${mode}://127.0.0.1:${ready.port}` });
}
