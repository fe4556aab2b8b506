// etcd as the distributed backend: kubectl through a server on etcd, kube's key layout and
// resourceVersion = mod revision, two API servers sharing one etcd, a 3-member etcd cluster losing a
// member under write load, and 410 Expired after compaction (watch and continue tokens).
// Needs etcd and etcdctl (Debian: apt-get install -y etcd-server etcd-client); without them this fails.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { Etcd3 } from 'etcd3';
import { startServer, type RunningServer } from '../src/index.js';
import { kubectl, type Kubectl } from './helpers/kubectl.js';
import { rawClient, type RawClient } from './helpers/http.js';
import { bgKubectl } from './helpers/watch-clients.js';
import { assertWatchTooOld, openWatch as openWatchStream, type Watch as WatchStream } from './helpers/watch.js';
import { startEtcd, type EtcdCluster } from './helpers/etcd.js';

let etcd: EtcdCluster;
let a: RunningServer;
let b: RunningServer;
let httpA: RawClient;
let httpB: RawClient;
let kA: Kubectl;
let kB: Kubectl;
let etcdClient: Etcd3;

before(async () => {
  etcd = await startEtcd();
  // Two API servers on the same etcd; neither compacts (the compaction tests start their own compactor).
  [a, b] = await Promise.all([
    startServer({ etcdServers: etcd.endpoints, securePort: 0, etcdCompactionIntervalMs: 0 }),
    startServer({ etcdServers: etcd.endpoints, securePort: 0, etcdCompactionIntervalMs: 0 }),
  ]);
  httpA = rawClient(a);
  httpB = rawClient(b);
  kA = kubectl(a.kubeconfigPath, '1.32');
  kB = kubectl(b.kubeconfigPath, '1.32');
  etcdClient = new Etcd3({ hosts: etcd.endpoints });
});
after(async () => {
  etcdClient?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await etcd?.stop();
});

const JSON_CT = { 'content-type': 'application/json' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface KObj {
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string };
  data?: Record<string, string>;
  [k: string]: unknown;
}
interface WEvent {
  type: string;
  object: KObj & { code?: number; reason?: string; message?: string; status?: string };
}

function cmBody(name: string, data: Record<string, string> = { a: '1' }): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
}

async function mkNs(http: RawClient, name: string): Promise<void> {
  const r = await http('POST', '/api/v1/namespaces', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }), headers: JSON_CT });
  assert.equal(r.status, 201, r.text);
}

async function createCM(http: RawClient, ns: string, name: string, data?: Record<string, string>): Promise<KObj> {
  const r = await http('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: cmBody(name, data), headers: JSON_CT });
  assert.equal(r.status, 201, r.text);
  return r.json<KObj>();
}

function etcdctl(args: string[]): string {
  return execFileSync('etcdctl', [`--endpoints=${etcd.endpoints.join(',')}`, ...args], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } });
}

/** A raw HTTPS watch: parsed events, status and end of stream. */
/** Watches here wait up to 8 s by default: two servers and an etcd cluster share the machine. */
function openWatch(srv: RunningServer, path: string): Promise<WatchStream<WEvent>> {
  return openWatchStream<WEvent>(srv, path, { waitMs: 8000 });
}

describe('one API server on etcd', () => {
  it('kubectl create / get / edit-by-patch / delete work through a server started with etcdServers', async () => {
    await kA.ok(['create', 'namespace', 'ek']);
    await kA.ok(['create', 'configmap', 'c1', '-n', 'ek', '--from-literal=k=v']);
    assert.match(await kA.ok(['get', 'cm', '-n', 'ek']), /^c1\s+1\s+\S+$/m);
    await kA.ok(['patch', 'cm', 'c1', '-n', 'ek', '--type=merge', '-p', '{"data":{"k2":"v2"}}']);
    assert.equal(await kA.ok(['get', 'cm', 'c1', '-n', 'ek', '-o', 'jsonpath={.data.k2}']), 'v2');
    await kA.ok(['apply', '-f', '-'], {
      input: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d1\n  namespace: ek\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: d1}\n  template:\n    metadata:\n      labels: {app: d1}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n',
    });
    await kA.ok(['scale', 'deploy/d1', '-n', 'ek', '--replicas=3']);
    assert.equal(await kA.ok(['get', 'deploy', 'd1', '-n', 'ek', '-o', 'jsonpath={.spec.replicas}']), '3');
    assert.match(await kA.ok(['delete', 'cm', 'c1', '-n', 'ek']), /configmap "c1" deleted/);
    const r = await kA(['get', 'cm', 'c1', '-n', 'ek']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(NotFound\): configmaps "c1" not found/);
  });

  it('keys are laid out as kube lays them out under /registry', async () => {
    await createCM(httpA, 'default', 'layout');
    const keys = etcdctl(['get', '--prefix', '--keys-only', '/registry']).split('\n').filter(Boolean);
    for (const key of [
      '/registry/configmaps/default/layout',
      '/registry/namespaces/default',
      '/registry/namespaces/kube-system',
      '/registry/services/specs/default/kubernetes',
      '/registry/deployments/ek/d1',
      '/registry/serviceaccounts/default/default',
    ]) {
      assert.ok(keys.includes(key), `${key} not in etcd; keys:\n${keys.join('\n')}`);
    }
    assert.ok(keys.every((key) => key.startsWith('/registry/')), keys.filter((key) => !key.startsWith('/registry/')).join('\n'));
  });

  it('resourceVersion is the etcd mod revision, and the stored object carries none', async () => {
    const c = await createCM(httpA, 'default', 'rv-check');
    const res = await etcdClient.get('/registry/configmaps/default/rv-check').exec();
    const kv = res.kvs[0]!;
    assert.equal(c.metadata.resourceVersion, kv.mod_revision);
    const u = await httpA('PATCH', '/api/v1/namespaces/default/configmaps/rv-check', { body: '{"data":{"a":"2"}}', headers: { 'content-type': 'application/merge-patch+json' } });
    const res2 = await etcdClient.get('/registry/configmaps/default/rv-check').exec();
    assert.equal(u.json<KObj>().metadata.resourceVersion, res2.kvs[0]!.mod_revision);
    assert.equal(res2.kvs[0]!.create_revision, kv.mod_revision);
    assert.ok(!res2.kvs[0]!.value.includes('resourceVersion'), `stored value carries a resourceVersion: ${res2.kvs[0]!.value.toString()}`);
    // A list's resourceVersion is an etcd revision at least as new as every item.
    const list = (await httpA('GET', '/api/v1/namespaces/default/configmaps')).json<{ metadata: { resourceVersion: string } }>();
    assert.ok(Number(list.metadata.resourceVersion) >= Number(res2.kvs[0]!.mod_revision));
    assert.ok(Number(list.metadata.resourceVersion) <= Number(res2.header.revision) + 50);
  });

  it('a write through A is read through B, with the same resourceVersion and uid', async () => {
    await mkNs(httpA, 'shared');
    const c = await createCM(httpA, 'shared', 'from-a');
    const g = await httpB('GET', '/api/v1/namespaces/shared/configmaps/from-a');
    assert.equal(g.status, 200, g.text);
    const o = g.json<KObj>();
    assert.equal(o.metadata.resourceVersion, c.metadata.resourceVersion);
    assert.equal(o.metadata.uid, c.metadata.uid);
    assert.match(await kB.ok(['get', 'cm', 'from-a', '-n', 'shared']), /^from-a\s+1\s+/m);
    // The namespace created through A got its kube-root-ca.crt and default ServiceAccount.
    const sa = await httpB('GET', '/api/v1/namespaces/shared/serviceaccounts/default');
    assert.equal(sa.status, 200, sa.text);
  });

  it('a consistent list through B right after a write through A includes it', async () => {
    for (let i = 0; i < 5; i++) {
      const c = await createCM(httpA, 'shared', `consistent-${i}`);
      const l = (await httpB('GET', '/api/v1/namespaces/shared/configmaps')).json<{ metadata: { resourceVersion: string }; items: KObj[] }>();
      assert.ok(l.items.some((x) => x.metadata.name === `consistent-${i}`), `list through B misses consistent-${i}`);
      assert.ok(Number(l.metadata.resourceVersion) >= Number(c.metadata.resourceVersion));
    }
  });

  it('a watch opened on B sees creates, updates and deletes made on A', async () => {
    const rv = (await httpB('GET', '/api/v1/namespaces/shared/configmaps')).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const w = await openWatch(b, `/api/v1/namespaces/shared/configmaps?watch=1&resourceVersion=${rv}`);
    try {
      assert.equal(w.status, 200);
      const c = await createCM(httpA, 'shared', 'watched');
      const added = await w.waitFor((e) => e.object.metadata.name === 'watched');
      assert.equal(added.type, 'ADDED');
      assert.equal(added.object.metadata.resourceVersion, c.metadata.resourceVersion);
      await httpA('PATCH', '/api/v1/namespaces/shared/configmaps/watched', { body: '{"data":{"a":"2"}}', headers: { 'content-type': 'application/merge-patch+json' } });
      await w.waitFor((e) => e.type === 'MODIFIED' && e.object.metadata.name === 'watched');
      assert.equal((await httpA('DELETE', '/api/v1/namespaces/shared/configmaps/watched')).status, 200);
      await w.waitFor((e) => e.type === 'DELETED' && e.object.metadata.name === 'watched');
      assert.deepEqual(w.events.filter((e) => e.object.metadata.name === 'watched').map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    } finally {
      w.stop();
    }
  });

  it('100 concurrent creates through A (grouped into shared etcd transactions) all reach watches and cached lists on A and B', async () => {
    const ns = await httpA('POST', '/api/v1/namespaces', { body: JSON.stringify({ metadata: { name: 'burst' } }), headers: JSON_CT });
    assert.equal(ns.status, 201, ns.text);
    const rv = (await httpB('GET', '/api/v1/namespaces/burst/configmaps')).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const wa = await openWatch(a, `/api/v1/namespaces/burst/configmaps?watch=1&resourceVersion=${rv}&labelSelector=burst%3D1`);
    const wb = await openWatch(b, `/api/v1/namespaces/burst/configmaps?watch=1&resourceVersion=${rv}&labelSelector=burst%3D1`);
    try {
      const created = await httpA.h2burst(
        Array.from({ length: 100 }, (_, i) => ({
          method: 'POST',
          path: '/api/v1/namespaces/burst/configmaps',
          body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `burst-${i}`, labels: { burst: '1' } } }),
          headers: JSON_CT,
        })),
      );
      assert.deepEqual([...new Set(created.map((r) => r.status))], [201]);
      const rvs = created.map((r) => (JSON.parse(r.body) as KObj).metadata.resourceVersion);
      assert.ok(new Set(rvs).size < 100, 'some creates shared a revision');
      for (const w of [wa, wb]) {
        await w.waitFor(() => w.events.length >= 100);
        assert.equal(new Set(w.events.map((e) => e.object.metadata.name)).size, 100);
        assert.ok(w.events.every((e) => e.type === 'ADDED'));
      }
      // A watch resumed from a shared revision gets exactly the creates after it.
      const mid = Math.min(...rvs.map(Number));
      const after = rvs.filter((r) => Number(r) > mid).length;
      const wr = await openWatch(b, `/api/v1/namespaces/burst/configmaps?watch=1&resourceVersion=${mid}&labelSelector=burst%3D1`);
      try {
        if (after > 0) await wr.waitFor(() => wr.events.length >= after);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(wr.events.length, after);
      } finally {
        wr.stop();
      }
      for (const http of [httpA, httpB]) {
        for (const q of ['resourceVersion=0&', '']) {
          const l = (await http('GET', `/api/v1/namespaces/burst/configmaps?${q}labelSelector=burst%3D1`)).json<{ items: KObj[] }>();
          assert.equal(l.items.length, 100, `list ${q || 'consistent'}`);
        }
      }
      // kubectl on B lists them all, each once.
      const names = (await kB.ok(['get', 'cm', '-n', 'burst', '-l', 'burst=1', '-o', 'name'])).trim().split('\n');
      assert.equal(new Set(names).size, 100);
      assert.ok(names.every((n) => /^configmap\/burst-\d+$/.test(n)));
    } finally {
      wa.stop();
      wb.stop();
    }
  });

  it('optimistic concurrency holds across servers: a stale update through B is a 409 Conflict', async () => {
    const c = await createCM(httpA, 'shared', 'cas');
    const u1 = await httpA('PUT', '/api/v1/namespaces/shared/configmaps/cas', { body: JSON.stringify({ ...c, data: { a: 'from-a' } }), headers: JSON_CT });
    assert.equal(u1.status, 200, u1.text);
    const u2 = await httpB('PUT', '/api/v1/namespaces/shared/configmaps/cas', { body: JSON.stringify({ ...c, data: { a: 'from-b' } }), headers: JSON_CT });
    assert.equal(u2.status, 409, u2.text);
    const st = u2.json<{ reason: string; message: string }>();
    assert.equal(st.reason, 'Conflict');
    assert.equal(st.message, 'Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again');
    // A create of the same name through both: exactly one wins.
    const [x, y] = await Promise.all([
      httpA('POST', '/api/v1/namespaces/shared/configmaps', { body: cmBody('race'), headers: JSON_CT }),
      httpB('POST', '/api/v1/namespaces/shared/configmaps', { body: cmBody('race'), headers: JSON_CT }),
    ]);
    assert.deepEqual([x.status, y.status].sort(), [201, 409]);
  });

  it('kubectl get -w on B prints what kubectl on A writes', async () => {
    const w = bgKubectl(b.kubeconfigPath, ['get', 'cm', '-n', 'shared', '-w', '--output-watch-events']);
    try {
      await w.waitLine(/^ADDED\s+from-a\s+1\s/);
      await kA.ok(['create', 'configmap', 'kubectl-a', '-n', 'shared', '--from-literal=x=1']);
      await w.waitLine(/^ADDED\s+kubectl-a\s+1\s/);
      await kA.ok(['delete', 'configmap', 'kubectl-a', '-n', 'shared']);
      await w.waitLine(/^DELETED\s+kubectl-a\s+1\s/);
    } finally {
      w.kill();
    }
  });
});

/** One HTTP request with a client-side timeout (ms); resolves with status 0 on a network error or timeout. */
function timedRequest(srv: RunningServer, method: string, path: string, body: string | undefined, ms: number): Promise<{ status: number; text: string }> {
  const cfg = srv.kubeconfig;
  const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  const user = cfg.users[0]!.user;
  const url = new URL(srv.url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        ca: b64(cfg.clusters[0]!.cluster['certificate-authority-data']),
        cert: b64(user['client-certificate-data']),
        key: b64(user['client-key-data']),
        headers: body !== undefined ? { ...JSON_CT, 'content-length': String(Buffer.byteLength(body)) } : {},
        agent: false,
        timeout: ms,
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', () => resolve({ status: 0, text: 'response error' }));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ status: 0, text: 'timeout' });
    });
    req.on('error', (e) => resolve({ status: 0, text: e.message }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function leaderIndex(endpoints: string[]): Promise<number> {
  const status = await Promise.all(
    endpoints.map(async (ep) => {
      const r = await fetch(`${ep}/v3/maintenance/status`, { method: 'POST', body: '{}' });
      return (await r.json()) as { header: { member_id: string }; leader: string };
    }),
  );
  const i = status.findIndex((s) => s.header.member_id === s.leader);
  assert.ok(i >= 0, JSON.stringify(status));
  return i;
}

describe('a 3-member etcd cluster losing a member', () => {
  it('writes keep succeeding (at most one retry each), acknowledged writes survive, watches continue', async (t) => {
    const cluster = await startEtcd({ members: 3 });
    let srv: RunningServer | undefined;
    try {
      srv = await startServer({ etcdServers: cluster.endpoints, securePort: 0, etcdCompactionIntervalMs: 0 });
      const http = rawClient(srv);
      await mkNs(http, 'ha');
      const rv = (await http('GET', '/api/v1/namespaces/ha/configmaps')).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
      const w = await openWatch(srv, `/api/v1/namespaces/ha/configmaps?watch=1&resourceVersion=${rv}`);
      const acked: string[] = [];
      const failures: string[] = [];
      const retried: string[] = [];
      const N = 40;
      const leader = await leaderIndex(cluster.endpoints);
      for (let i = 0; i < N; i++) {
        if (i === 15) await cluster.killMember(leader);
        const name = `ha-${i}`;
        let ok = false;
        for (let attempt = 0; attempt < 2 && !ok; attempt++) {
          const r = await timedRequest(srv, 'POST', '/api/v1/namespaces/ha/configmaps', cmBody(name, { i: String(i) }), 10000);
          if (r.status === 201) ok = true;
          else if (r.status === 409 && attempt > 0) {
            // The first attempt was applied although we did not hear back: the object is there.
            const g = await timedRequest(srv, 'GET', `/api/v1/namespaces/ha/configmaps/${name}`, undefined, 10000);
            ok = g.status === 200 && (JSON.parse(g.text) as KObj).data?.i === String(i);
          } else if (attempt === 0 && (r.status === 0 || r.status >= 500)) {
            retried.push(`${name}: ${r.status} ${r.text.slice(0, 200)}`);
            await sleep(200);
          } else {
            failures.push(`${name}: ${r.status} ${r.text.slice(0, 300)}`);
            break;
          }
        }
        if (ok) acked.push(name);
        else if (!failures.some((f) => f.startsWith(`${name}:`))) failures.push(`${name}: failed after a retry`);
        // Reads work too.
        const g = await timedRequest(srv, 'GET', '/api/v1/namespaces/ha/configmaps?limit=5', undefined, 10000);
        if (g.status !== 200) {
          const g2 = await timedRequest(srv, 'GET', '/api/v1/namespaces/ha/configmaps?limit=5', undefined, 10000);
          if (g2.status !== 200) failures.push(`list after ${name}: ${g.status} then ${g2.status} ${g2.text.slice(0, 200)}`);
        }
      }
      t.diagnostic(`requests that needed their one retry: ${retried.length ? retried.join('; ') : 'none'}`);
      assert.deepEqual(failures, [], `retried once: ${retried.join('; ')}`);
      assert.equal(acked.length, N);
      const list = JSON.parse((await timedRequest(srv, 'GET', '/api/v1/namespaces/ha/configmaps', undefined, 10000)).text) as { items: KObj[] };
      const names = new Set(list.items.map((x) => x.metadata.name));
      for (const n of acked) assert.ok(names.has(n), `acknowledged ${n} is missing after the failover`);
      // The watch opened before the failure delivered every create, once, in order.
      await w.waitFor((e) => e.object.metadata.name === `ha-${N - 1}`, 15000);
      const added = w.events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name);
      assert.deepEqual(added.filter((n) => n.startsWith('ha-')), acked);
      assert.deepEqual(w.events.filter((e) => e.type === 'ERROR'), []);
      w.stop();
    } finally {
      await srv?.stop();
      await cluster.stop();
    }
  });
});

describe('compaction', () => {
  let c: RunningServer;
  let oldRV = 0;
  let firstContinue = '';
  before(async () => {
    // A third server that compacts every 300 ms (kube's compactor: up to the revision seen one interval ago).
    c = await startServer({ etcdServers: etcd.endpoints, securePort: 0, etcdCompactionIntervalMs: 300 });
    await mkNs(httpA, 'compact');
    for (let i = 0; i < 4; i++) await createCM(httpA, 'compact', `p${i}`);
    const first = (await httpA('GET', '/api/v1/namespaces/compact/configmaps?limit=2')).json<{ metadata: { resourceVersion: string; continue: string } }>();
    oldRV = Number(first.metadata.resourceVersion);
    firstContinue = first.metadata.continue;
    assert.ok(firstContinue);
    await createCM(httpA, 'compact', 'p9');
    // Wait until etcd has compacted past the old revision.
    const deadline = Date.now() + 10000;
    for (;;) {
      // An exact list at the old revision goes to etcd: 410 once etcd has compacted past it.
      const probe = await httpA('GET', `/api/v1/namespaces/compact/configmaps?resourceVersion=${oldRV}&resourceVersionMatch=Exact`);
      if (probe.status === 410) break;
      if (Date.now() > deadline) throw new Error('etcd was not compacted within 10 s');
      await createCM(httpA, 'compact', `filler-${Date.now()}`);
      await sleep(200);
    }
  });
  after(async () => {
    await c?.stop();
  });

  // Watch from a compacted resourceVersion: kube's watch cache answers 200 and one ERROR event carrying a
  // 410 Expired Status "too old resource version: <rv> (<oldest>)", then ends the stream (cacher.Watch:
  // "once we have passed authn/authz/admission ... other errors must fail with a watch event of type ERROR").
  async function assertWatchExpired(srv: RunningServer): Promise<void> {
    await assertWatchTooOld(await openWatch(srv, `/api/v1/namespaces/compact/configmaps?watch=1&resourceVersion=${oldRV}`), oldRV);
  }

  it('a watch from a resourceVersion older than the watch cache\'s history (a server started after the compaction): 200 + ERROR event 410', async () => {
    // kube's watch cache serves recent history from memory even after etcd compacted it; a server whose
    // cache starts after the compaction cannot, and answers as kube's cacher does.
    const d = await startServer({ etcdServers: etcd.endpoints, securePort: 0 });
    try {
      for (let i = 0; i < 50; i++) {
        const r = await rawClient(d)('GET', '/readyz');
        if (r.status === 200) break;
      }
      await sleep(300); // let the watch cache fill
      await assertWatchExpired(d);
    } finally {
      await d.stop();
    }
  });

  it('a compacted continue token: 410 Expired with kube\'s message and a fresh continue token that continues at the latest revision', async () => {
    const cont = await httpA('GET', `/api/v1/namespaces/compact/configmaps?limit=2&continue=${encodeURIComponent(firstContinue)}`);
    assert.equal(cont.status, 410, cont.text);
    const st = cont.json<{ kind: string; reason: string; code: number; message: string; metadata: { continue?: string } }>();
    assert.equal(st.kind, 'Status');
    assert.equal(st.reason, 'Expired');
    assert.equal(st.code, 410);
    assert.equal(
      st.message,
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
    assert.ok(st.metadata.continue, `no fresh continue token in ${cont.text}`);
    const token = JSON.parse(Buffer.from(st.metadata.continue, 'base64url').toString('utf8')) as { v: string; rv: number; start: string };
    assert.equal(token.v, 'meta.k8s.io/v1');
    assert.equal(token.rv, -1);
    const rest = await httpA('GET', `/api/v1/namespaces/compact/configmaps?limit=100&continue=${encodeURIComponent(st.metadata.continue)}`);
    assert.equal(rest.status, 200, rest.text);
    const names = rest.json<{ items: KObj[] }>().items.map((x) => x.metadata.name);
    assert.ok(names.includes('p9') && names.includes('p3'), names.join(','));
    assert.ok(!names.includes('kube-root-ca.crt') && !names.includes('p0'), `continued from the start: ${names.join(',')}`);
  });

  it('an Exact list at a compacted resourceVersion: 410 "The resourceVersion for the provided list is too old."', async () => {
    const exact = await httpA('GET', `/api/v1/namespaces/compact/configmaps?resourceVersion=${oldRV}&resourceVersionMatch=Exact`);
    assert.equal(exact.status, 410, exact.text);
    const st = exact.json<{ reason: string; message: string }>();
    assert.equal(st.reason, 'Expired');
    assert.equal(st.message, 'The resourceVersion for the provided list is too old.');
  });
});
