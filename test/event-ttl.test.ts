// --event-ttl: Events (core/v1 and events.k8s.io/v1, one store) are deleted a TTL after their last write, as
// kube-apiserver's etcd leases do; watchers see DELETED; other resources are untouched. On SQLite, the
// expiry survives a restart. (The etcd backend's leases are covered by the storage contract and
// test/storage-etcd.test.ts.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/index.js';
import { rawClient, type RawClient } from './helpers/http.js';
import { kubectl, type Kubectl } from './helpers/kubectl.js';
import { bgKubectl } from './helpers/watch-clients.js';

const TTL_MS = 3000;
const dataDir = mkdtempSync(join(tmpdir(), 'event-ttl-test-'));
let server: RunningServer;
let http: RawClient;
let k: Kubectl;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const start = (securePort: number) => startServer({ dataDir, securePort, eventTTLMs: TTL_MS });

const coreEvent = (name: string) => `apiVersion: v1
kind: Event
metadata:
  name: ${name}
  namespace: ttl
involvedObject:
  kind: ConfigMap
  name: cm
  namespace: ttl
reason: Testing
message: event ${name}
type: Normal
count: 1
`;

async function exists(path: string): Promise<boolean> {
  const r = await http('GET', path);
  assert.ok(r.status === 200 || r.status === 404, r.text);
  return r.status === 200;
}

before(async () => {
  server = await start(0);
  http = rawClient(server);
  k = kubectl(server.kubeconfigPath);
  await k.ok(['create', 'namespace', 'ttl']);
});
after(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('--event-ttl', () => {
  it('deletes Events a TTL after their last write (kubectl get -w --output-watch-events shows DELETED); an update restarts the TTL; ConfigMaps stay', async () => {
    const watch = bgKubectl(server.kubeconfigPath, ['get', 'events', '-n', 'ttl', '-w', '--output-watch-events']);
    try {
      await k.ok(['create', 'configmap', 'cm', '-n', 'ttl']);
      const t0 = Date.now();
      await k.ok(['create', '-f', '-'], { input: coreEvent('first') });
      await k.ok(['create', '-f', '-'], { input: coreEvent('updated') });
      await k.ok(['create', '-f', '-'], {
        input: `apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: new-api
  namespace: ttl
eventTime: "2026-01-01T00:00:00.000000Z"
reportingController: example.com/test
reportingInstance: test-1
action: Testing
reason: Testing
regarding:
  kind: ConfigMap
  name: cm
  namespace: ttl
type: Normal
note: event new-api
`,
      });
      await watch.waitLine(/^ADDED\s.*event new-api$/);
      await sleep(TTL_MS / 2);
      // Taken before the patch: its write, and so its new expiry, come after this.
      const patchedAt = Date.now();
      await k.ok(['patch', 'event', 'updated', '-n', 'ttl', '--type=merge', '-p', '{"count":2}']);

      await watch.waitLine(/^DELETED\s.*event first$/, TTL_MS + 5000);
      await watch.waitLine(/^DELETED\s.*event new-api$/, 5000);
      assert.ok(Date.now() - t0 >= TTL_MS - 100, `deleted after ${Date.now() - t0} ms`);
      // The patched Event lives a full TTL from its patch.
      if (Date.now() - patchedAt < TTL_MS - 200) assert.ok(await exists('/api/v1/namespaces/ttl/events/updated'), 'the patched Event expired early');
      assert.equal(await exists('/api/v1/namespaces/ttl/events/first'), false);
      assert.equal(await exists('/apis/events.k8s.io/v1/namespaces/ttl/events/new-api'), false);
      await watch.waitLine(/^DELETED\s.*event updated$/, TTL_MS + 5000);
      assert.ok(Date.now() - patchedAt >= TTL_MS - 100);
      assert.match((await k(['get', 'events', '-n', 'ttl'])).stderr, /No resources found in ttl namespace/);
      assert.ok(await exists('/api/v1/namespaces/ttl/configmaps/cm'));
      assert.ok(await exists('/api/v1/namespaces/ttl'));
    } finally {
      watch.kill();
    }
  });

  it('an Event whose TTL passes while the server is down is gone after the restart', async () => {
    await k.ok(['create', '-f', '-'], { input: coreEvent('across-restart') });
    const port = server.port;
    await server.stop();
    await sleep(TTL_MS + 500);
    server = await start(port);
    http = rawClient(server);
    const deadline = Date.now() + 5000;
    while (await exists('/api/v1/namespaces/ttl/events/across-restart')) {
      assert.ok(Date.now() < deadline, 'the Event outlived its TTL by 5 s after the restart');
      await sleep(100);
    }
    assert.ok(await exists('/api/v1/namespaces/ttl/configmaps/cm'));
  });
});
