#!/usr/bin/env -S node --initial-old-space-size=128
// The kube-apiserver-ts command: a thin layer over startServer.
import { OptionsError, parseArgs, usage } from './options.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof OptionsError) {
      process.stderr.write(`Error: ${e.message}\n\n${usage()}`);
      process.exit(1);
    }
    throw e;
  }
  if (opts.help) {
    process.stdout.write(usage());
    return;
  }
  const server = await startServer({ ...opts, dataDir: opts.dataDir ?? '.kube-apiserver-ts', log: true });
  process.stdout.write(`Admin kubeconfig: ${server.kubeconfigPath}\n`);
  process.stdout.write(`Try: KUBECONFIG=${server.kubeconfigPath} kubectl get ns\n`);
  const shutdown = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  const flag = e instanceof Error && 'flag' in e && typeof e.flag === 'string' ? `invalid argument for "${e.flag}" flag: ` : '';
  process.stderr.write(`Error: ${flag}${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
