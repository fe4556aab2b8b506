// --watch-cache=false (kube-apiserver's flag): lists and watches are served from storage, not from a watch
// cache. The clients' watches (kubectl get -w / wait / rollout status, the client-node informer, the Python
// client's Watch, a restart) behave as with the cache: the same suite as test/watch.test.ts. Startup serves
// resources this way too until their caches are ready.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/index.js';
import { rawClient } from './helpers/http.js';
import { objectOps } from './helpers/objects.js';
import { clientWatchSuite } from './helpers/watch-clients.js';
import { openWatch } from './helpers/watch.js';

const dataDir = mkdtempSync(join(tmpdir(), 'watch-nocache-test-'));
let server: RunningServer;
const start = (securePort: number) => startServer({ dataDir, securePort, watchCache: false });

before(async () => {
  server = await start(0);
});
after(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('--watch-cache=false', () => {
  it('a list at resourceVersion=0, and a watch from its resourceVersion, see a new object', async () => {
    const http = rawClient(server);
    const { createCM } = objectOps(() => http);
    const list = await http('GET', '/api/v1/namespaces/default/configmaps?resourceVersion=0');
    assert.equal(list.status, 200, list.text);
    const rv = list.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const w = await openWatch<{ type: string; object: { metadata: { name: string } } }>(server, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`);
    try {
      await createCM('default', 'nocache');
      const ev = await w.waitFor((e) => e.object.metadata.name === 'nocache');
      assert.equal(ev.type, 'ADDED');
    } finally {
      w.stop();
    }
  });

  it('a resourceVersion that is not a number gets etcd\'s 400 on GET and LIST, and a reason-less 500 on WATCH, as on kube without its cache', async () => {
    const http = rawClient(server);
    const invalid = 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax';
    for (const q of ['/api/v1/namespaces/default/configmaps/kube-root-ca.crt?resourceVersion=abc', '/api/v1/namespaces/default/configmaps?resourceVersion=abc']) {
      const r = await http('GET', q);
      assert.deepEqual([r.status, r.json()], [400, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `invalid resource version: ${invalid}`, reason: 'BadRequest', code: 400 }], q);
    }
    const w = await http('GET', '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=abc');
    assert.deepEqual([w.status, w.json()], [500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: invalid, code: 500 }]);
  });
});

clientWatchSuite({
  backend: 'SQLite without the watch cache',
  restartWhat: 'same data directory',
  server: () => server,
  restart: async () => {
    const port = server.port;
    await server.stop();
    server = await start(port);
  },
  resumeAfterRestart: 'events',
  scratchDir: dataDir,
});
