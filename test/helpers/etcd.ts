// Starts a real etcd (1 member, or a 3-member cluster) on free loopback ports for tests.
//
// Uses the `etcd` binary on PATH (Debian: `apt-get install -y etcd-server etcd-client`), or $ETCD_BIN.
// A missing binary is an error, never a skip: the etcd tests must fail loudly where etcd is absent.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface EtcdCluster {
  /** Client URLs, one per member (http://127.0.0.1:port). */
  endpoints: string[];
  /** Kill every member and remove the data directories. */
  stop(): Promise<void>;
  /** SIGKILL member i (0-based); the others keep running. */
  killMember(i: number): Promise<void>;
}

export interface StartEtcdOptions {
  /** Cluster size; default 1. */
  members?: number;
  /** etcd's --experimental-watch-progress-notify-interval; default '500ms' so tests see progress notifications. */
  progressNotifyInterval?: string;
  /** How long to wait for the cluster to become healthy (ms); default 30000. */
  startTimeoutMs?: number;
  /**
   * Serve clients over TLS (https:// endpoints) with this serving certificate and key, and require client
   * certificates signed by caFile (etcd's --client-cert-auth). Peers stay on plain HTTP.
   */
  tls?: { certFile: string; keyFile: string; caFile: string; clientCertFile: string; clientKeyFile: string };
}

function findEtcd(): string {
  const fromEnv = process.env.ETCD_BIN;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`ETCD_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/local/bin'])) {
    if (!dir) continue;
    const candidate = path.join(dir, 'etcd');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new Error(
    'etcd is not installed: the etcd storage tests need the `etcd` binary on PATH ' +
      '(Debian/Ubuntu: `apt-get install -y etcd-server etcd-client`; or set ETCD_BIN=/path/to/etcd)',
  );
}

/** Ports that were free a moment ago (the listeners are closed before returning). */
async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') throw new Error('could not allocate a port');
      ports.push(addr.port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
  return ports;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function healthy(url: string, tls?: StartEtcdOptions['tls']): Promise<boolean> {
  if (tls) {
    return new Promise((resolve) => {
      const req = https.get(
        `${url}/health`,
        { ca: fs.readFileSync(tls.caFile), cert: fs.readFileSync(tls.clientCertFile), key: fs.readFileSync(tls.clientKeyFile), timeout: 1000 },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"?true/.test(body)));
        },
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
  }
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { health?: unknown };
    return body.health === 'true' || body.health === true;
  } catch {
    return false;
  }
}

interface Member {
  name: string;
  clientUrl: string;
  proc: ChildProcess;
  exited: Promise<void>;
  stderrTail: string[];
  done: boolean;
}

/**
 * etcd runs under a shell that SIGKILLs it when its stdin pipe closes: when the test process ends, however it
 * ends (kill -9 included), its etcds end with it. Asynchronous lists get /dev/null as stdin, hence fd 3.
 */
const WATCHDOG = 'exec 3<&0; "$@" </dev/null & pid=$!; (cat <&3 >/dev/null; kill -9 $pid 2>/dev/null) & wait $pid';

/** SIGKILL the member's etcd (through its watchdog); `exited` resolves once it is gone. */
function kill(m: Member): void {
  if (!m.done) m.proc.stdin?.end();
}

export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdCluster> {
  const bin = findEtcd();
  const n = Math.max(1, Math.floor(opts.members ?? 1));
  // tmpfs when available: etcd fsyncs every commit and the tests only need speed.
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const root = fs.mkdtempSync(path.join(base, 'etcd-test-'));
  const ports = await freePorts(2 * n);
  const names = Array.from({ length: n }, (_, i) => `m${i}`);
  const peerUrls = names.map((_, i) => `http://127.0.0.1:${ports[2 * i + 1]}`);
  const clientUrls = names.map((_, i) => `${opts.tls ? 'https' : 'http'}://127.0.0.1:${ports[2 * i]}`);
  const initialCluster = names.map((name, i) => `${name}=${peerUrls[i]}`).join(',');
  const token = `test-${process.pid}-${Date.now()}`;

  const members: Member[] = names.map((name, i) => {
    const args = [
      `--name=${name}`,
      `--data-dir=${path.join(root, name)}`,
      `--listen-client-urls=${clientUrls[i]}`,
      `--advertise-client-urls=${clientUrls[i]}`,
      `--listen-peer-urls=${peerUrls[i]}`,
      `--initial-advertise-peer-urls=${peerUrls[i]}`,
      `--initial-cluster=${initialCluster}`,
      '--initial-cluster-state=new',
      `--initial-cluster-token=${token}`,
      `--experimental-watch-progress-notify-interval=${opts.progressNotifyInterval ?? '500ms'}`,
      // Fast leader election so failover tests do not wait seconds.
      '--heartbeat-interval=50',
      '--election-timeout=500',
      '--logger=zap',
      '--log-outputs=stderr',
      '--log-level=error',
      ...(opts.tls
        ? [`--cert-file=${opts.tls.certFile}`, `--key-file=${opts.tls.keyFile}`, '--client-cert-auth', `--trusted-ca-file=${opts.tls.caFile}`]
        : []),
    ];
    const proc = spawn('/bin/sh', ['-c', WATCHDOG, 'etcd-watchdog', bin, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    const stderrTail: string[] = [];
    proc.stderr?.on('data', (d: Buffer) => {
      stderrTail.push(d.toString());
      if (stderrTail.length > 50) stderrTail.shift();
    });
    const member: Member = {
      name,
      clientUrl: clientUrls[i],
      proc,
      stderrTail,
      done: false,
      exited: new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.once('error', () => resolve());
      }),
    };
    void member.exited.then(() => {
      member.done = true;
    });
    return member;
  });

  const killAll = async () => {
    for (const m of members) kill(m);
    await Promise.all(members.map((m) => m.exited));
    fs.rmSync(root, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30000);
  try {
    for (;;) {
      const dead = members.find((m) => m.done);
      if (dead) {
        throw new Error(`etcd member ${dead.name} exited during startup:\n${dead.stderrTail.join('').slice(-4000)}`);
      }
      const ok = await Promise.all(members.map((m) => healthy(m.clientUrl, opts.tls)));
      if (ok.every(Boolean)) break;
      if (Date.now() > deadline) {
        throw new Error(
          `etcd did not become healthy within ${opts.startTimeoutMs ?? 30000} ms:\n` +
            members.map((m) => `${m.name}: ${m.stderrTail.join('').slice(-2000)}`).join('\n'),
        );
      }
      await sleep(50);
    }
  } catch (err) {
    await killAll();
    throw err;
  }

  let stopped = false;
  return {
    endpoints: clientUrls,
    async stop() {
      if (stopped) return;
      stopped = true;
      await killAll();
    },
    async killMember(i: number) {
      const m = members[i];
      if (m === undefined) throw new Error(`no etcd member ${i}`);
      kill(m);
      await m.exited;
    },
  };
}
