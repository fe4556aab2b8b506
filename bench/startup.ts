// Start to ready: spawn `node [server flags] dist/src/server/cli.js --secure-port 0 --data-dir DIR` and time from spawn() until
// GET /readyz answers 200. The port is read from the CLI's "listening on https://..." line on stderr; /readyz is
// then polled back to back (a new request as soon as the previous one answered, 2 ms after a refused one), with
// the admin client certificate of the data dir (written by an earlier start).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../src/server/node-flags.js';
import { credsFromKubeconfigFile, sleep, trackChild, type Creds } from './util.js';

const CLI = fileURLToPath(new URL('../src/server/cli.js', import.meta.url));

function readyz(url: URL, creds: Creds | undefined): Promise<number> {
  return new Promise((resolve) => {
    const req = https.request(
      { host: url.hostname, port: url.port, path: '/readyz', method: 'GET', agent: false, ca: creds?.ca, cert: creds?.cert, key: creds?.key, rejectUnauthorized: creds !== undefined },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end();
  });
}

export interface StartResult {
  readyMs: number;
  /** spawn → the "listening" line (ms). */
  listeningMs: number;
  rss?: number;
}

/** One start; the server is stopped (SIGTERM, SIGKILL after 10 s) before this returns. */
export async function timeStart(dataDir: string, timeoutMs = 120000): Promise<StartResult> {
  const kc = path.join(dataDir, 'admin.kubeconfig');
  let creds = fs.existsSync(kc) ? credsFromKubeconfigFile(kc) : undefined;
  const t0 = performance.now();
  const proc = trackChild(spawn(process.execPath, [...SERVER_NODE_FLAGS, CLI, '--secure-port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] }));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let stderr = '';
  let dead = false;
  void exited.then(() => (dead = true));
  try {
    const listening = await new Promise<{ url: URL; ms: number }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`server did not listen within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      proc.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on (https:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(t);
          resolve({ url: new URL(m[1]!), ms: performance.now() - t0 });
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`server exited (${code}): ${stderr}`));
      });
    });
    const deadline = t0 + timeoutMs;
    for (;;) {
      if (dead) throw new Error(`server exited: ${stderr}`);
      // First start of a fresh dir: the kubeconfig (and its client certificate) appears once bootstrap is done.
      if (creds === undefined && fs.existsSync(kc)) creds = credsFromKubeconfigFile(kc);
      const status = await readyz(listening.url, creds);
      if (status === 200) break;
      if (performance.now() > deadline) throw new Error(`/readyz not 200 within ${timeoutMs} ms (last ${status})`);
      if (status === 0 || status === 401 || status === 403) await sleep(2);
    }
    const readyMs = performance.now() - t0;
    let rss: number | undefined;
    try {
      const statm = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(statm);
      if (m) rss = Number(m[1]) * 1024;
    } catch {
      // not Linux
    }
    return { readyMs, listeningMs: listening.ms, rss };
  } finally {
    if (!dead) {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(t);
    }
  }
}
