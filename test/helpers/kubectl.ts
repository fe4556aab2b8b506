// Runs the real kubectl binaries installed on this machine against a test server.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

let binDir: string | undefined;

/** Directory holding kubectl.1.27 … kubectl.1.33 (beside the binary `kubectl` links to). */
export function kubectlDir(): string {
  if (binDir) return binDir;
  const onPath = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  binDir = dirname(realpathSync(onPath));
  return binDir;
}

export function kubectlBinary(version: string): string {
  const p = join(kubectlDir(), `kubectl.${version}`);
  if (!existsSync(p)) throw new Error(`${p} not found`);
  return p;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  (args: string[], opts?: { input?: string; env?: Record<string, string> }): Promise<RunResult>;
  /** Like the call, but throws unless the exit code is 0; returns stdout. */
  ok(args: string[], opts?: { input?: string; env?: Record<string, string> }): Promise<string>;
}

export function kubectl(kubeconfig: string, version = '1.32'): Kubectl {
  const bin = kubectlBinary(version);
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  const run = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args], {
        env: { ...process.env, KUBECONFIG: kubeconfig, ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(opts.input ?? '');
    });
  const fn = run as Kubectl;
  fn.ok = async (args, opts) => {
    const r = await run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  };
  return fn;
}
