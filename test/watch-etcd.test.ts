// The clients' watches on etcd: the same suite as watch.test.ts runs on SQLite (kubectl get -w / wait /
// rollout status, the client-node informer, the Python client's Watch), against a server on a real etcd,
// and a restart is a new API server on the same etcd (and certificates). Needs etcd (Debian: apt-get install -y etcd-server).
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { startServer, type RunningServer } from '../src/index.js';
import { startEtcd, type EtcdCluster } from './helpers/etcd.js';
import { clientWatchSuite } from './helpers/watch-clients.js';

let etcd: EtcdCluster;
let server: RunningServer;
const scratchDir = mkdtempSync(join(tmpdir(), 'watch-etcd-test-'));
// The data dir holds only the certificates and kubeconfig (the objects are in etcd), so that the restarted
// server keeps the CA the clients trust.
const start = (securePort: number) => startServer({ etcdServers: etcd.endpoints, dataDir: scratchDir, securePort, etcdCompactionIntervalMs: 0 });

before(async () => {
  etcd = await startEtcd();
  server = await start(0);
});
after(async () => {
  await server?.stop();
  await etcd?.stop();
  rmSync(scratchDir, { recursive: true, force: true });
});

clientWatchSuite({
  backend: 'etcd',
  restartWhat: 'same etcd, whose revision moved on meanwhile',
  server: () => server,
  restart: async () => {
    const port = server.port;
    await server.stop();
    // The cluster moves on while this server is down (another replica, another etcd user): a key outside
    // the registry prefix bumps etcd's revision, so the new watch cache starts after the clients' last one.
    const client = new Etcd3({ hosts: etcd.endpoints });
    try {
      await client.put('/elsewhere/while-down').value('1');
    } finally {
      client.close();
    }
    server = await start(port);
  },
  resumeAfterRestart: 'expired',
  scratchDir,
});
