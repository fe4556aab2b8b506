// Compaction of SQLite's log by the server's compactor (--etcd-compaction-interval drives both stores): the
// 410s kube gives for history that is gone, on the default store, also after a restart on the same data dir.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/index.js';
import { rawClient, type RawClient } from './helpers/http.js';
import { kubectl } from './helpers/kubectl.js';
import { objectOps } from './helpers/objects.js';
import { assertWatchTooOld, openWatch } from './helpers/watch.js';

const dataDir = mkdtempSync(join(tmpdir(), 'compaction-sqlite-test-'));
let server: RunningServer;
let http: RawClient;
const { mkNs, createCM } = objectOps(() => http);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Every 300 ms, up to the revision seen at the previous tick (kube's compactor).
const start = (securePort: number) => startServer({ dataDir, securePort, etcdCompactionIntervalMs: 300 });

let oldRV = 0;
let firstContinue = '';

before(async () => {
  server = await start(0);
  http = rawClient(server);
  await mkNs('compact');
  for (let i = 0; i < 4; i++) await createCM('compact', `p${i}`);
  const first = (await http('GET', '/api/v1/namespaces/compact/configmaps?limit=2')).json<{ metadata: { resourceVersion: string; continue: string } }>();
  oldRV = Number(first.metadata.resourceVersion);
  firstContinue = first.metadata.continue;
  assert.ok(firstContinue);
  await createCM('compact', 'p9');
  const deadline = Date.now() + 10000;
  for (;;) {
    // An exact list at the old revision reads the store's log: 410 once the log is compacted past it.
    const probe = await http('GET', `/api/v1/namespaces/compact/configmaps?resourceVersion=${oldRV}&resourceVersionMatch=Exact`);
    if (probe.status === 410) break;
    assert.equal(probe.status, 200, probe.text);
    if (Date.now() > deadline) throw new Error('the SQLite log was not compacted within 10 s');
    await sleep(200);
  }
});
after(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('SQLite log compaction', () => {
  it('an Exact list at a compacted resourceVersion: 410 "The resourceVersion for the provided list is too old."', async () => {
    const r = await http('GET', `/api/v1/namespaces/compact/configmaps?resourceVersion=${oldRV}&resourceVersionMatch=Exact`);
    assert.equal(r.status, 410, r.text);
    const st = r.json<{ kind: string; reason: string; code: number; message: string }>();
    assert.deepEqual([st.kind, st.reason, st.code, st.message], ['Status', 'Expired', 410, 'The resourceVersion for the provided list is too old.']);
  });

  it('kubectl reads the same list at the compacted resourceVersion as kube\'s Expired error', async () => {
    const r = await kubectl(server.kubeconfigPath)(['get', '--raw', `/api/v1/namespaces/compact/configmaps?resourceVersion=${oldRV}&resourceVersionMatch=Exact`]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^Error from server \(Expired\): The resourceVersion for the provided list is too old\.$/m);
  });

  it('a compacted continue token: 410 Expired with a fresh continue token that lists the rest at the latest revision', async () => {
    const r = await http('GET', `/api/v1/namespaces/compact/configmaps?limit=2&continue=${encodeURIComponent(firstContinue)}`);
    assert.equal(r.status, 410, r.text);
    const st = r.json<{ reason: string; message: string; metadata: { continue?: string } }>();
    assert.equal(st.reason, 'Expired');
    assert.match(st.message, /^The provided continue parameter is too old to display a consistent list result\./);
    assert.ok(st.metadata.continue, r.text);
    const rest = await http('GET', `/api/v1/namespaces/compact/configmaps?limit=100&continue=${encodeURIComponent(st.metadata.continue)}`);
    assert.equal(rest.status, 200, rest.text);
    const names = rest.json<{ items: { metadata: { name: string } }[] }>().items.map((x) => x.metadata.name);
    // The first page was kube-root-ca.crt and p0.
    assert.deepEqual(names, ['p1', 'p2', 'p3', 'p9']);
  });

  it('after a restart on the same data dir, a watch from a compacted resourceVersion: 200 and one ERROR event 410', async () => {
    const port = server.port;
    await server.stop();
    server = await start(port);
    http = rawClient(server);
    await assertWatchTooOld(await openWatch(server, `/api/v1/namespaces/compact/configmaps?watch=1&resourceVersion=${oldRV}`), oldRV);
    // The objects themselves are all still there.
    const list = await http('GET', '/api/v1/namespaces/compact/configmaps');
    const names = list.json<{ items: { metadata: { name: string } }[] }>().items.map((x) => x.metadata.name);
    assert.deepEqual(names, ['kube-root-ca.crt', 'p0', 'p1', 'p2', 'p3', 'p9']);
  });
});
