// API versions as the API Overview describes them: levels and defaults, --runtime-config, one stored
// object served through every version, deprecation warnings, storage versions.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from '../src/index.js';
import { kubectl } from './helpers/kubectl.js';
import { rawClient } from './helpers/http.js';

const dirs: string[] = [];
const servers: RunningServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(runtimeConfig?: string, dataDir?: string): Promise<RunningServer> {
  const s = await startServer({ runtimeConfig, dataDir, securePort: 0 });
  servers.push(s);
  return s;
}

describe('--runtime-config', () => {
  it('by default serves GA versions only', async () => {
    const s = await start();
    const k = kubectl(s.kubeconfigPath);
    const v = (await k.ok(['api-versions'])).split('\n');
    assert.ok(!v.some((x) => /alpha|beta/.test(x)), v.join(' '));
    const r = await rawClient(s)('GET', '/apis/networking.k8s.io/v1beta1');
    assert.equal(r.status, 404);
  });

  it('api/beta=true turns on the beta versions; GROUP/VERSION/RESOURCE=false removes one resource', async () => {
    const s = await start('api/beta=true,batch/v1/cronjobs=false');
    const k = kubectl(s.kubeconfigPath);
    const v = await k.ok(['api-versions']);
    assert.match(v, /^networking\.k8s\.io\/v1beta1$/m);
    assert.match(v, /^admissionregistration\.k8s\.io\/v1beta1$/m);
    assert.doesNotMatch(v, /alpha/);
    const res = await k.ok(['api-resources', '--api-group=batch', '-o', 'name']);
    assert.equal(res.trim(), 'jobs.batch');
    const http = rawClient(s);
    assert.equal((await http('GET', '/apis/batch/v1/namespaces/default/cronjobs')).status, 404);
    const idx = (await http('GET', '/openapi/v3')).json<{ paths: Record<string, unknown> }>();
    assert.ok('apis/networking.k8s.io/v1beta1' in idx.paths);
    assert.ok(!('apis/storagemigration.k8s.io/v1alpha1' in idx.paths));
  });

  it('a disabled group version vanishes; its data is served again when it is switched back on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc-'));
    dirs.push(dir);
    let s = await start(undefined, dir);
    await kubectl(s.kubeconfigPath).ok(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 0 * * *']);
    await s.stop();
    s = await start('batch/v1=false', dir);
    const k = kubectl(s.kubeconfigPath);
    assert.doesNotMatch(await k.ok(['api-versions']), /^batch\/v1$/m);
    const r = await k(['get', 'cronjobs']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /the server doesn't have a resource type "cronjobs"/);
    await s.stop();
    s = await start('batch/v1=true', dir);
    assert.equal(await kubectl(s.kubeconfigPath).ok(['get', 'cronjob', 'nightly', '-o', 'jsonpath={.spec.schedule}']), '0 0 * * *');
  });

  it('bad values stop the server at start with a clear message', async () => {
    await assert.rejects(startServer({ runtimeConfig: 'nosuch.example.com/v1=true' }), /unknown api groups nosuch\.example\.com/);
    await assert.rejects(startServer({ runtimeConfig: 'api/all=maybe' }), /maybe/);
  });
});

describe('one object, many versions', () => {
  const hpaV2 = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 120, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    },
  };

  it('an HPA written as autoscaling/v2 reads as v1 and back without losing v2-only fields', async () => {
    const s = await start();
    const http = rawClient(s);
    const c = await http('POST', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', { body: JSON.stringify(hpaV2), headers: { 'content-type': 'application/json' } });
    assert.equal(c.status, 201, c.text);
    const v1 = (await http('GET', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web')).json<{ apiVersion: string; spec: Record<string, unknown>; metadata: { annotations?: Record<string, string> } }>();
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 70);
    assert.equal(v1.spec.maxReplicas, 10);
    assert.ok(v1.metadata.annotations?.['autoscaling.alpha.kubernetes.io/metrics'], 'memory metric kept in an annotation');
    // Write it back through v1 (a client that only knows v1), then read v2: nothing lost.
    const put = await http('PUT', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web', { body: JSON.stringify({ ...v1, spec: { ...v1.spec, maxReplicas: 12 } }), headers: { 'content-type': 'application/json' } });
    assert.equal(put.status, 200, put.text);
    const v2 = (await http('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web')).json<typeof hpaV2 & { metadata: { annotations?: Record<string, string> } }>();
    assert.equal(v2.spec.maxReplicas, 12);
    // kube's v1 → v2 conversion puts the annotation's metrics first and the CPU target last
    const byName = (m: { resource: { name: string } }[]) => [...m].sort((a, b) => a.resource.name.localeCompare(b.resource.name));
    assert.deepEqual(byName(v2.spec.metrics), byName(hpaV2.spec.metrics));
    assert.deepEqual(v2.spec.behavior.scaleDown, { ...hpaV2.spec.behavior.scaleDown, selectPolicy: 'Max' });
    assert.equal(v2.metadata.annotations, undefined);
  });

  it('core/v1 and events.k8s.io/v1 Events share storage', async () => {
    const s = await start();
    const http = rawClient(s);
    const ev = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e1' },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingController: 'example.com/ctl',
      reportingInstance: 'ctl-1',
      action: 'Sync',
      reason: 'Synced',
      note: 'all good',
      type: 'Normal',
      regarding: { kind: 'Pod', namespace: 'default', name: 'p1' },
    };
    assert.equal((await http('POST', '/apis/events.k8s.io/v1/namespaces/default/events', { body: JSON.stringify(ev), headers: { 'content-type': 'application/json' } })).status, 201);
    const core = (await http('GET', '/api/v1/namespaces/default/events/e1')).json<{ message: string; involvedObject: { name: string }; reportingComponent: string }>();
    assert.equal(core.message, 'all good');
    assert.equal(core.involvedObject.name, 'p1');
    assert.equal(core.reportingComponent, 'example.com/ctl');
    const sel = (await http('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp1')).json<{ items: unknown[] }>();
    assert.equal(sel.items.length, 1);
  });

  it('objects are stored in kube\'s storage version; discovery reports its hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sv-'));
    dirs.push(dir);
    const s = await start(undefined, dir);
    const http = rawClient(s);
    const c = await http('POST', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', {
      body: JSON.stringify({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'v1hpa' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'x', apiVersion: 'apps/v1' }, maxReplicas: 3 } }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(c.status, 201, c.text);
    const d1 = (await http('GET', '/apis/autoscaling/v1')).json<{ resources: { name: string; storageVersionHash?: string }[] }>();
    const d2 = (await http('GET', '/apis/autoscaling/v2')).json<{ resources: { name: string; storageVersionHash?: string }[] }>();
    const h1 = d1.resources.find((r) => r.name === 'horizontalpodautoscalers')!.storageVersionHash;
    assert.equal(h1, d2.resources.find((r) => r.name === 'horizontalpodautoscalers')!.storageVersionHash);
    assert.equal(h1, 'qwQve8ut294=');
    await s.stop();
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    const row = db.prepare('SELECT l.value FROM kv JOIN log l ON l.rev = kv.mod_rev WHERE kv.key = ?').get('/registry/horizontalpodautoscalers/default/v1hpa') as { value: string };
    db.close();
    assert.equal((JSON.parse(row.value) as { apiVersion: string }).apiVersion, 'autoscaling/v2');
  });

  it('deprecated versions answer with kube\'s Warning header', async () => {
    const s = await start('admissionregistration.k8s.io/v1beta1=true');
    const r = await rawClient(s)('GET', '/apis/admissionregistration.k8s.io/v1beta1/validatingadmissionpolicies');
    assert.equal(r.status, 200);
    assert.equal(r.headers['warning'], '299 - "admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy is deprecated in v1.31+, unavailable in v1.34+"');
  });
});
