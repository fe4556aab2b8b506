// --etcd-servers-overrides: a resource kept in an etcd cluster of its own, as large clusters keep Events apart.
// Two real etcds; Events (core/v1 and events.k8s.io/v1, one store) go to the second, everything else to the first.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { startServer, type RunningServer } from '../src/index.js';
import { OptionsError, parseArgs } from '../src/server/options.js';
import { startEtcd, type EtcdCluster } from './helpers/etcd.js';
import { kubectl } from './helpers/kubectl.js';
import { bgKubectl } from './helpers/watch-clients.js';

const dataDir = mkdtempSync(join(tmpdir(), 'etcd-overrides-test-'));
let main: EtcdCluster;
let events: EtcdCluster;
let server: RunningServer;

const event = (name: string) => `apiVersion: v1
kind: Event
metadata: {name: ${name}, namespace: default}
involvedObject: {kind: ConfigMap, name: cm, namespace: default}
reason: Testing
message: event ${name}
type: Normal
`;

async function keysIn(cluster: EtcdCluster, prefix: string): Promise<string[]> {
  const c = new Etcd3({ hosts: cluster.endpoints });
  try {
    return (await c.getAll().prefix(prefix).keys()).sort();
  } finally {
    c.close();
  }
}

before(async () => {
  [main, events] = await Promise.all([startEtcd(), startEtcd()]);
  server = await startServer({
    etcdServers: main.endpoints,
    etcdServersOverrides: [{ group: '', resource: 'events', servers: events.endpoints }],
    dataDir,
    securePort: 0,
  });
});
after(async () => {
  await server?.stop();
  await Promise.all([main?.stop(), events?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('--etcd-servers-overrides', () => {
  it('parses kube\'s format (group/resource#servers; semicolon separated) and refuses others with kube\'s message', () => {
    const o = parseArgs(['--etcd-servers', 'http://a:2379', '--etcd-servers-overrides', '/events#http://e1:2379;http://e2:2379,apps/deployments#http://d:2379']);
    assert.deepEqual(o.etcdServersOverrides, [
      { group: '', resource: 'events', servers: ['http://e1:2379', 'http://e2:2379'] },
      { group: 'apps', resource: 'deployments', servers: ['http://d:2379'] },
    ]);
    for (const bad of ['events#http://e:2379', '/events', 'a/b/c#http://e:2379']) {
      assert.throws(() => parseArgs(['--etcd-servers', 'http://a:2379', `--etcd-servers-overrides=${bad}`]), (err: Error) => {
        assert.ok(err instanceof OptionsError);
        assert.equal(err.message, '--etcd-servers-overrides invalid, must be of format: group/resource#servers, where servers are URLs, semicolon separated');
        return true;
      });
    }
    assert.throws(() => parseArgs(['--etcd-servers-overrides', '/events#http://e:2379']), /needs --etcd-servers/);
  });

  it('Events are written to their own etcd, other objects to the main one; kubectl reads and watches both', async () => {
    const k = kubectl(server.kubeconfigPath);
    const watch = bgKubectl(server.kubeconfigPath, ['get', 'events', '-w', '--output-watch-events']);
    try {
      await k.ok(['create', 'configmap', 'cm', '--from-literal=a=b']);
      await k.ok(['create', '-f', '-'], { input: event('split') });
      await watch.waitLine(/^ADDED\s.*event split$/);
      assert.deepEqual(await keysIn(events, '/registry/events/'), ['/registry/events/default/split']);
      assert.deepEqual(await keysIn(main, '/registry/events/'), []);
      assert.ok((await keysIn(main, '/registry/configmaps/default/')).includes('/registry/configmaps/default/cm'));
      assert.deepEqual(await keysIn(events, '/registry/configmaps/'), []);
      assert.match(await k.ok(['get', 'events']), /event split/);
      assert.equal(await k.ok(['get', 'events.v1.events.k8s.io', 'split', '-o', 'jsonpath={.note}']), 'event split');
      await k.ok(['delete', 'event', 'split']);
      await watch.waitLine(/^DELETED\s.*event split$/);
      assert.deepEqual(await keysIn(events, '/registry/events/'), []);
    } finally {
      watch.kill();
    }
  });
});
