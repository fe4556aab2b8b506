// The command line as users' scripts run it: flags, admin kubeconfig, restart, kill -9 durability,
// and the single-writer guard on a data dir.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../src/server/node-flags.js';
import { kubectl } from './helpers/kubectl.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'src', 'server', 'cli.js');
const dirs: string[] = [];
const children: ChildProcess[] = [];

/** Signal the child's whole process group (npm start runs the server under sh, which does not forward signals). */
function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

after(() => {
  for (const c of children) kill(c, 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cli-test-'));
  dirs.push(d);
  return d;
}

function run(args: string[], opts: { cmd?: string; waitFor?: RegExp } = {}): Promise<{ child: ChildProcess; out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.cmd ?? process.execPath, opts.cmd ? args : [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    let out = '';
    let done = false;
    const onData = (d: Buffer) => {
      out += d.toString();
      if (!done && opts.waitFor?.test(out)) {
        done = true;
        resolve({ child, out, code: null });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!done) {
        done = true;
        resolve({ child, out, code });
      }
    });
    setTimeout(() => {
      if (!done) reject(new Error(`timed out; output so far:\n${out}`));
    }, 60_000).unref();
  });
}

const READY = /Admin kubeconfig: (\S+)/;

/** The Node flags (before the script) of the node process running cli.js in the process group pgid (Linux /proc). */
function serverNodeFlags(pgid: number): string[] {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    let argv: string[];
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue; // gone meanwhile
    }
    // Field 5 of stat (after the parenthesised command name) is the process group.
    const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    const script = argv.findIndex((a) => a.endsWith('cli.js'));
    if (group === pgid && script > 0 && /node$/.test(argv[0]!)) return argv.slice(1, script);
  }
  throw new Error(`no node process running cli.js in process group ${pgid}`);
}

describe('command line', () => {
  it('the kube-apiserver-ts command (its shebang) runs node with the server\'s Node flags, as npm start does', () => {
    const shebang = readFileSync(cli, 'utf8').split('\n', 1)[0]!;
    assert.equal(shebang, `#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`);
  });


  it('unknown and malformed flags exit non-zero with a clear message', async () => {
    const a = await run(['--no-such-flag']);
    assert.notEqual(a.code, 0);
    assert.match(a.out, /unknown flag: --no-such-flag/);
    const b = await run(['--secure-port', 'abc']);
    assert.notEqual(b.code, 0);
    assert.match(b.out, /invalid argument "abc" for "--secure-port" flag/);
    const c = await run(['--service-cluster-ip-range', '10.0.0.0/33']);
    assert.notEqual(c.code, 0);
    assert.match(c.out, /--service-cluster-ip-range/);
    const d = await run(['--runtime-config', 'nosuch.example.com/v1=true']);
    assert.notEqual(d.code, 0);
    assert.match(d.out, /--runtime-config.*unknown api groups nosuch\.example\.com/);
  });

  it('--help prints the flags', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /--secure-port/);
    assert.match(r.out, /--data-dir/);
  });

  it('npm start -- --secure-port PORT --data-dir DIR writes DIR/admin.kubeconfig that kubectl uses', async () => {
    const dir = tempDir();
    const s = await run(['start', '--silent', '--', '--secure-port', '0', '--data-dir', dir], { cmd: 'npm', waitFor: READY });
    const path = READY.exec(s.out)![1]!;
    assert.equal(path, join(dir, 'admin.kubeconfig'));
    const cfg = readFileSync(path, 'utf8');
    assert.match(cfg, /certificate-authority-data:/);
    assert.match(cfg, /client-certificate-data:/);
    const k = kubectl(path);
    assert.match(await k.ok(['get', 'ns']), /^default\s+Active/m);
    // The server process (under npm's shell) runs with the server's Node flags.
    assert.deepEqual(serverNodeFlags(s.child.pid!), [...SERVER_NODE_FLAGS]);
    kill(s.child, 'SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
  });

  it('acknowledged writes survive kill -9; certificates and kubeconfig are reused', async () => {
    const dir = tempDir();
    const first = await run(['--secure-port', '0', '--data-dir', dir], { waitFor: READY });
    const kubeconfig = READY.exec(first.out)![1]!;
    const caBefore = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
    const k = kubectl(kubeconfig, '1.31');
    for (let i = 0; i < 10; i++) await k.ok(['create', 'configmap', `durable-${i}`, `--from-literal=i=${i}`]);
    kill(first.child, 'SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    // A different port on restart: the kubeconfig is rewritten; the CA stays.
    const second = await run(['--secure-port', '0', '--data-dir', dir], { waitFor: READY });
    assert.equal(readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8'), caBefore);
    const k2 = kubectl(READY.exec(second.out)![1]!, '1.31');
    const names = (await k2.ok(['get', 'cm', '-o', 'name'])).trim().split('\n');
    for (let i = 0; i < 10; i++) assert.ok(names.includes(`configmap/durable-${i}`), `durable-${i} survived`);
    assert.equal(await k2.ok(['get', 'cm', 'durable-9', '-o', 'jsonpath={.data.i}']), '9');

    // SQLite is single-writer: a second server on the same data dir is refused.
    const third = await run(['--secure-port', '0', '--data-dir', dir]);
    assert.notEqual(third.code, 0);
    assert.match(third.out, /locked/);
    kill(second.child, 'SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });
});
