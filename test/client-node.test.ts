// @kubernetes/client-node against the real server: typed CRUD, errors, pagination, patch, watch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, Watch, type V1ConfigMap } from '@kubernetes/client-node';
import { startServer, type RunningServer } from '../src/index.js';

let server: RunningServer;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;

before(async () => {
  server = await startServer();
  kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});
after(async () => {
  await server.stop();
});

async function apiError(p: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return e as ApiException<string>;
    throw e;
  }
  assert.fail('expected an ApiException');
}

describe('client-node', () => {
  it('creates, reads, updates and deletes a ConfigMap', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn1', labels: { app: 'x' } }, data: { a: '1' } } });
    assert.equal(created.metadata?.name, 'cn1');
    assert.ok(created.metadata?.uid);
    assert.ok(created.metadata?.creationTimestamp instanceof Date);
    const got = await core.readNamespacedConfigMap({ name: 'cn1', namespace: 'default' });
    assert.deepEqual(got.data, { a: '1' });
    got.data = { a: '2' };
    const updated = await core.replaceNamespacedConfigMap({ name: 'cn1', namespace: 'default', body: got });
    assert.equal(updated.data?.a, '2');
    assert.ok(Number(updated.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
    const status = await core.deleteNamespacedConfigMap({ name: 'cn1', namespace: 'default' });
    assert.equal(status.status, 'Success');
    const e = await apiError(core.readNamespacedConfigMap({ name: 'cn1', namespace: 'default' }));
    assert.equal(e.code, 404);
    const body = JSON.parse(e.body) as { reason: string; message: string; details: { name: string; kind: string } };
    assert.equal(body.reason, 'NotFound');
    assert.equal(body.message, 'configmaps "cn1" not found');
    assert.deepEqual(body.details, { name: 'cn1', kind: 'configmaps' });
  });

  it('answers optimistic-concurrency conflicts with 409', async () => {
    const c = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn2' }, data: { a: '1' } } });
    await core.replaceNamespacedConfigMap({ name: 'cn2', namespace: 'default', body: { ...c, data: { a: '2' } } });
    const e = await apiError(core.replaceNamespacedConfigMap({ name: 'cn2', namespace: 'default', body: { ...c, data: { a: '3' } } }));
    assert.equal(e.code, 409);
    const body = JSON.parse(e.body) as { reason: string; message: string };
    assert.equal(body.reason, 'Conflict');
    assert.equal(body.message, 'Operation cannot be fulfilled on configmaps "cn2": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('re-creating a fetched object that still carries its resourceVersion gets kube\'s 500; a list at a resourceVersion that is not a number too', async () => {
    const c = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn-recreate' }, data: { a: '1' } } });
    await core.deleteNamespacedConfigMap({ name: 'cn-recreate', namespace: 'default' });
    const e = await apiError(core.createNamespacedConfigMap({ namespace: 'default', body: c }));
    assert.equal(e.code, 500);
    assert.deepEqual(JSON.parse(e.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'resourceVersion should not be set on objects to be created', code: 500 });
    assert.equal((await apiError(core.readNamespacedConfigMap({ name: 'cn-recreate', namespace: 'default' }))).code, 404);
    const l = await apiError(core.listNamespacedConfigMap({ namespace: 'default', resourceVersion: 'abc' }));
    assert.equal(l.code, 500);
    assert.equal((JSON.parse(l.body) as { message: string }).message, 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax');
  });

  it('paginates with limit/continue and reports remainingItemCount', async () => {
    await core.createNamespace({ body: { metadata: { name: 'paging' } } });
    for (let i = 0; i < 7; i++) {
      await core.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name: `p${i}`, labels: { page: 'yes' } } } });
    }
    const names: string[] = [];
    let cont: string | undefined;
    let first = true;
    let listRV: string | undefined;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: 'paging', labelSelector: 'page=yes', limit: 3, _continue: cont });
      names.push(...page.items.map((i) => i.metadata!.name!));
      if (first) {
        assert.equal(page.items.length, 3);
        listRV = page.metadata?.resourceVersion;
        first = false;
      } else {
        assert.equal(page.metadata?.resourceVersion, listRV, 'continue pins the list revision');
      }
      cont = page.metadata?._continue;
    } while (cont);
    assert.deepEqual(names, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    const unfiltered = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 2 });
    assert.equal(unfiltered.metadata?.remainingItemCount, 6); // 7 labelled + kube-root-ca.crt - 2
  });

  it('patches with strategic merge on a Deployment\'s containers', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'cn-dep' },
        spec: {
          selector: { matchLabels: { app: 'cn' } },
          template: { metadata: { labels: { app: 'cn' } }, spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } },
        },
      },
    });
    const patched = await apps.patchNamespacedDeployment(
      { name: 'cn-dep', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const cs = patched.spec!.template.spec!.containers.map((c) => `${c.name}=${c.image}`);
    assert.deepEqual(cs, ['a=a:1', 'b=b:2']);
  });

  it('watches: ADDED, MODIFIED, DELETED in order', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const events: string[] = [];
    const w = new Watch(kc);
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const req = await w.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata!.resourceVersion, fieldSelector: 'metadata.name=watched' },
      (type: string, obj: V1ConfigMap) => {
        events.push(`${type}:${obj.data?.v ?? ''}`);
        if (type === 'DELETED') done();
      },
      () => undefined,
    );
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched' }, data: { v: '1' } } });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'unwatched' } } });
    await core.patchNamespacedConfigMap({ name: 'watched', namespace: 'default', body: [{ op: 'replace', path: '/data/v', value: '2' }] });
    await core.deleteNamespacedConfigMap({ name: 'watched', namespace: 'default' });
    await finished;
    req.abort();
    assert.deepEqual(events, ['ADDED:1', 'MODIFIED:2', 'DELETED:2']);
  });

  it('rejects invalid names with 422 and kube\'s causes', async () => {
    const e = await apiError(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Not Valid' } } }));
    assert.equal(e.code, 422);
    const body = JSON.parse(e.body) as { reason: string; details: { causes: { reason: string; field: string }[] } };
    assert.equal(body.reason, 'Invalid');
    assert.equal(body.details.causes[0]!.field, 'metadata.name');
    assert.equal(body.details.causes[0]!.reason, 'FieldValueInvalid');
  });
});
