// REST semantics on the wire, checked with raw HTTPS requests (what client libraries rely on).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../src/index.js';
import { rawClient, type RawClient } from './helpers/http.js';
import { kubectl } from './helpers/kubectl.js';

let server: RunningServer;
let http: RawClient;

before(async () => {
  server = await startServer();
  http = rawClient(server);
});
after(async () => {
  await server.stop();
});

const JSON_CT = { 'content-type': 'application/json' };
const CM = '/api/v1/namespaces/default/configmaps';

async function createCM(name: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const r = await http('POST', CM, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data: { k: 'v' } }), headers: JSON_CT });
  assert.equal(r.status, 201, r.text);
  return r.json();
}

describe('non-resource endpoints', () => {
  it('/version reports 1.32', async () => {
    const v = (await http('GET', '/version')).json<{ major: string; minor: string; gitVersion: string }>();
    assert.equal(v.major, '1');
    assert.equal(v.minor, '32');
    assert.match(v.gitVersion, /^v1\.32\.\d+$/);
  });

  it('health checks answer like kube, with ?verbose and single checks', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await http('GET', p);
      assert.equal(r.status, 200);
      assert.equal(r.text, 'ok');
    }
    const v = await http('GET', '/readyz?verbose');
    assert.match(v.text, /^\[\+\]ping ok$/m);
    assert.match(v.text, /^\[\+\]etcd ok$/m);
    assert.match(v.text, /readyz check passed\n$/);
    assert.equal((await http('GET', '/livez/ping')).text, 'ok');
    const ex = await http('GET', '/healthz?verbose&exclude=etcd');
    assert.match(ex.text, /^\[\+\]etcd excluded: ok$/m);
  });

  it('anonymous requests may read /version but not the API', async () => {
    assert.equal((await http('GET', '/version', { anonymous: true })).status, 200);
    const r = await http('GET', '/api/v1/namespaces', { anonymous: true });
    assert.equal(r.status, 403);
    const s = r.json<{ message: string; reason: string }>();
    assert.equal(s.reason, 'Forbidden');
    assert.equal(s.message, 'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope');
  });

  it('serves HTTP/2', async () => {
    const r = await http.h2get('/api/v1/namespaces/default');
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.body) as { metadata: { name: string } }).metadata.name, 'default');
  });

  it('field selectors keep working on objects the cache holds as JSON after a LIST', async () => {
    const ns = 'default';
    const mk = (name: string, type: string, t: string) =>
      http('POST', `/api/v1/namespaces/${ns}/secrets`, {
        body: JSON.stringify({ metadata: { name, labels: { t } }, type, stringData: type === 'Opaque' ? { k: 'v' } : { username: 'u', password: 'p' } }),
        headers: JSON_CT,
      });
    for (const [name, type, t] of [['fs-a', 'Opaque', 'x'], ['fs-b', 'kubernetes.io/basic-auth', 'x'], ['fs-c', 'kubernetes.io/basic-auth', 'y'], ['fs-d', 'Opaque', 'y']] as const) {
      assert.equal((await mk(name, type, t)).status, 201);
    }
    const names = (r: { json<T>(): T }) => r.json<{ items: { metadata: { name: string } }[] }>().items.map((i) => i.metadata.name).filter((n) => n.startsWith('fs-'));
    assert.deepEqual(names(await http('GET', `/api/v1/namespaces/${ns}/secrets`)), ['fs-a', 'fs-b', 'fs-c', 'fs-d']);
    for (const rv of ['', '&resourceVersion=0']) {
      assert.deepEqual(names(await http('GET', `/api/v1/namespaces/${ns}/secrets?fieldSelector=type%3Dkubernetes.io%2Fbasic-auth${rv}`)), ['fs-b', 'fs-c']);
      assert.deepEqual(names(await http('GET', `/api/v1/namespaces/${ns}/secrets?fieldSelector=type%21%3DOpaque,metadata.name%21%3Dfs-b${rv}`)), ['fs-c']);
      assert.deepEqual(names(await http('GET', `/api/v1/namespaces/${ns}/secrets?labelSelector=t%3Dy&fieldSelector=type%3DOpaque${rv}`)), ['fs-d']);
    }
    // kubectl sends the same selectors.
    const byKubectl = await kubectl(server.kubeconfigPath).ok(['get', 'secrets', '-n', ns, '--field-selector', 'type=kubernetes.io/basic-auth', '-l', 't=y', '-o', 'name']);
    assert.deepEqual(byKubectl.trim().split('\n'), ['secret/fs-c']);
    const w = await http('GET', `/api/v1/namespaces/${ns}/secrets?watch=1&fieldSelector=type%3DOpaque&timeoutSeconds=1`);
    const events = w.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`).filter((e) => e.includes(' fs-')), ['ADDED fs-a', 'ADDED fs-d']);
    for (const n of ['fs-a', 'fs-b', 'fs-c', 'fs-d']) assert.equal((await http('DELETE', `/api/v1/namespaces/${ns}/secrets/${n}`)).status, 200);
  });

  it('a multi-megabyte LIST arrives whole over HTTP/1.1 and HTTP/2, from the cache and consistent', async () => {
    const ns = 'default';
    const payload = 'p'.repeat(8000) + '\u00e9\u4e2d'; // multi-byte characters: lengths are bytes
    const created = await http.h2burst(
      Array.from({ length: 300 }, (_, i) => ({
        method: 'POST',
        path: `/api/v1/namespaces/${ns}/configmaps`,
        body: JSON.stringify({ metadata: { name: `big-${String(i).padStart(3, '0')}`, labels: { big: 'list' } }, data: { payload } }),
        headers: JSON_CT,
      })),
    );
    assert.deepEqual([...new Set(created.map((c) => c.status))], [201]);
    for (const q of ['?labelSelector=big%3Dlist', '?labelSelector=big%3Dlist&resourceVersion=0']) {
      const r1 = await http('GET', `/api/v1/namespaces/${ns}/configmaps${q}`);
      assert.equal(r1.status, 200);
      // Encoded while it is written, so its length is known only at the end: chunked, as kube sends big lists.
      assert.equal(r1.headers['transfer-encoding'], 'chunked');
      assert.equal(r1.headers['content-length'], undefined);
      assert.ok(r1.body.length > 2_400_000);
      const l1 = r1.json<{ items: { metadata: { name: string }; data: { payload: string } }[] }>();
      assert.equal(l1.items.length, 300);
      assert.deepEqual(l1.items.map((x) => x.metadata.name), Array.from({ length: 300 }, (_, i) => `big-${String(i).padStart(3, '0')}`));
      assert.ok(l1.items.every((x) => x.data.payload === payload));
      const r2 = await http.h2get(`/api/v1/namespaces/${ns}/configmaps${q}`);
      assert.equal(r2.status, 200);
      assert.equal(r2.body, r1.text);
    }
    // The cache now keeps these objects as JSON: a watch's initial ADDED events carry them whole.
    const w = await http('GET', `/api/v1/namespaces/${ns}/configmaps?watch=1&labelSelector=big%3Dlist&timeoutSeconds=1`);
    const events = w.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string }; data: { payload: string } } });
    assert.equal(events.length, 300);
    assert.ok(events.every((e) => e.type === 'ADDED' && e.object.data.payload === payload));
    const small = await http('GET', `/api/v1/namespaces/${ns}/configmaps?limit=1`);
    assert.equal(Number(small.headers['content-length']), small.body.length, 'a list that fits one piece has a content-length');
    // kubectl -o json (pages of 500 through the same JSON list path) sees every object whole.
    const out = JSON.parse(await kubectl(server.kubeconfigPath).ok(['get', 'cm', '-n', ns, '-l', 'big=list', '-o', 'json'])) as { items: { data: { payload: string } }[] };
    assert.equal(out.items.length, 300);
    assert.ok(out.items.every((x) => x.data.payload === payload));
    assert.equal((await http('DELETE', `/api/v1/namespaces/${ns}/configmaps?labelSelector=big%3Dlist`)).status, 200);
  });
});

describe('errors', () => {
  it('unknown resources are a generic 404 Status', async () => {
    const r = await http('GET', '/api/v1/namespaces/default/foos');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
  });

  it('missing objects name the resource and the object', async () => {
    const r = await http('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
  });

  it('POST to an object path is 405', async () => {
    const r = await http('POST', `${CM}/x`, { body: '{}', headers: JSON_CT });
    assert.equal(r.status, 405);
    assert.equal(r.json<{ reason: string }>().reason, 'MethodNotAllowed');
  });

  it('a name that does not match the URL is 400', async () => {
    await createCM('named');
    const r = await http('PUT', `${CM}/named`, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } }), headers: JSON_CT });
    assert.equal(r.status, 400);
    assert.equal(r.json<{ message: string }>().message, 'the name of the object (other) does not match the name on the URL (named)');
  });

  it('malformed JSON is 400 and changes nothing', async () => {
    const r = await http('POST', CM, { body: '{"metadata": ', headers: JSON_CT });
    assert.equal(r.status, 400);
    assert.equal(r.json<{ reason: string }>().reason, 'BadRequest');
  });

  it('bad selectors are 400 with kube\'s messages', async () => {
    const f = await http('GET', `${CM}?fieldSelector=${encodeURIComponent('spec.foo=bar')}`);
    assert.equal(f.status, 400);
    assert.equal(f.json<{ message: string }>().message, '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"');
    const l = await http('GET', `${CM}?labelSelector=${encodeURIComponent('a in b')}`);
    assert.equal(l.status, 400);
    const p = await http('GET', `/api/v1/pods?fieldSelector=${encodeURIComponent('spec.foo=bar')}`);
    assert.equal(p.json<{ message: string }>().message, 'field label not supported: spec.foo');
  });

  it('the system namespaces cannot be deleted', async () => {
    const r = await http('DELETE', '/api/v1/namespaces/default');
    assert.equal(r.status, 403);
    assert.equal(r.json<{ message: string }>().message, 'namespaces "default" is forbidden: this namespace may not be deleted');
  });
});

describe('request bodies and query parsing', () => {
  it('a body over 3 MiB is refused with 413 RequestEntityTooLarge, and nothing is created', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'huge' }, data: { k: 'x'.repeat(3 * 1024 * 1024) } });
    const r = await http('POST', CM, { body, headers: JSON_CT });
    assert.equal(r.status, 413, r.text);
    const st = r.json<{ kind: string; reason: string; message: string; code: number }>();
    assert.deepEqual([st.kind, st.reason, st.message, st.code], ['Status', 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728', 413]);
    assert.equal((await http('GET', `${CM}/huge`)).status, 404);
  });

  it('a body without Content-Type is JSON', async () => {
    const r = await http('POST', CM, { body: JSON.stringify({ metadata: { name: 'noct' } }) });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json<{ kind: string }>().kind, 'ConfigMap');
  });

  it('YAML request bodies and YAML responses', async () => {
    const r = await http('POST', CM, { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: "1"\n', headers: { 'content-type': 'application/yaml', accept: 'application/yaml' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers['content-type'], 'application/yaml');
    assert.match(r.text, /^kind: ConfigMap$/m);
    assert.match(r.text, /^  name: from-yaml$/m);
  });

  it('fieldValidation: duplicate and unknown fields are a 400 in Strict mode, warnings in Warn mode', async () => {
    const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup"},"bogus":1}';
    const strict = await http('POST', `${CM}?fieldValidation=Strict`, { body, headers: JSON_CT });
    assert.equal(strict.status, 400);
    assert.equal(strict.json<{ message: string }>().message, 'strict decoding error: duplicate field "metadata.name", unknown field "bogus"');
    const warn = await http('POST', `${CM}?fieldValidation=Warn`, { body, headers: JSON_CT });
    assert.equal(warn.status, 201);
    assert.deepEqual(warn.headers['warning'], '299 - "duplicate field \\"metadata.name\\"", 299 - "unknown field \\"bogus\\""');
    assert.equal(warn.json<Record<string, unknown>>().bogus, undefined);
  });

  it('generateName makes a unique name', async () => {
    const a = await createCM('', { generateName: 'gen-' });
    const name = (a.metadata as { name: string }).name;
    assert.match(name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('dryRun=All validates and answers without persisting', async () => {
    const r = await http('POST', `${CM}?dryRun=All`, { body: JSON.stringify({ metadata: { name: 'dry' } }), headers: JSON_CT });
    assert.equal(r.status, 201);
    assert.equal((await http('GET', `${CM}/dry`)).status, 404);
    const bad = await http('POST', `${CM}?dryRun=All`, { body: JSON.stringify({ metadata: { name: 'Dry!' } }), headers: JSON_CT });
    assert.equal(bad.status, 422);
    await createCM('dry-del');
    assert.equal((await http('DELETE', `${CM}/dry-del?dryRun=All`)).status, 200);
    assert.equal((await http('GET', `${CM}/dry-del`)).status, 200);
  });

  it('watch=True streams events, flushed at once', async () => {
    const list = (await http('GET', CM)).json<{ metadata: { resourceVersion: string } }>();
    const w = await http.stream(`${CM}?watch=True&resourceVersion=${list.metadata.resourceVersion}&fieldSelector=metadata.name%3Dwatched`);
    assert.equal(w.status, 200);
    assert.equal(w.headers['content-type'], 'application/json');
    await createCM('watched');
    await http('DELETE', `${CM}/watched`);
    const lines = await w.waitFor(2);
    w.stop();
    const events = lines.map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED watched', 'DELETED watched']);
  });

  it('the legacy /watch/ path works', async () => {
    const w = await http.stream('/api/v1/watch/namespaces/default/configmaps/kube-root-ca.crt');
    const lines = await w.waitFor(1);
    w.stop();
    assert.equal((JSON.parse(lines[0]!) as { type: string }).type, 'ADDED');
  });
});

describe('lists', () => {
  it('one object reads the same byte for byte from its create, GET, LIST and watch, metadata in Go order', async () => {
    const w = await http.stream(`${CM}?watch=1&fieldSelector=metadata.name%3Dsame-bytes`);
    const created = await http('POST', CM, { body: JSON.stringify({ metadata: { name: 'same-bytes', labels: { a: 'b' } }, data: { k: 'v\u00e9' } }), headers: JSON_CT });
    assert.equal(created.status, 201, created.text);
    const text = created.text.trimEnd();
    const meta = (JSON.parse(text) as { metadata: Record<string, unknown> }).metadata;
    assert.deepEqual(Object.keys(meta), ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'labels', 'managedFields']);
    assert.equal((await http('GET', `${CM}/same-bytes`)).text.trimEnd(), text);
    for (const q of ['', '?resourceVersion=0']) {
      const list = (await http('GET', `${CM}${q}`)).text;
      assert.ok(list.includes(`,${text}`) || list.includes(`[${text}`), `LIST${q} carries the same bytes`);
    }
    const [line] = await w.waitFor(1);
    w.stop();
    assert.equal(line, `{"type":"ADDED","object":${text}}`);
    // Its resourceVersion is the stored one: an update that sends it back is not a conflict.
    const put = await http('PUT', `${CM}/same-bytes`, { body: JSON.stringify({ ...JSON.parse(text), data: { k: '2' } }), headers: JSON_CT });
    assert.equal(put.status, 200, put.text);
    assert.equal((await http('GET', `${CM}/same-bytes`)).text, put.text);
  });

  it('limit/continue pages with remainingItemCount, and a bad continue token is 400', async () => {
    for (const n of ['pg-a', 'pg-b', 'pg-c']) await createCM(n, { labels: { pg: 'x' } });
    const p1 = (await http('GET', `${CM}?limit=2&labelSelector=pg%3Dx`)).json<{ items: { metadata: { name: string } }[]; metadata: { continue: string; remainingItemCount?: number } }>();
    assert.deepEqual(p1.items.map((i) => i.metadata.name), ['pg-a', 'pg-b']);
    assert.ok(p1.metadata.continue);
    assert.equal(p1.metadata.remainingItemCount, undefined, 'not reported when a selector filters');
    const p2 = (await http('GET', `${CM}?limit=2&labelSelector=pg%3Dx&continue=${encodeURIComponent(p1.metadata.continue)}`)).json<{ items: { metadata: { name: string } }[]; metadata: { continue?: string } }>();
    assert.deepEqual(p2.items.map((i) => i.metadata.name), ['pg-c']);
    assert.equal(p2.metadata.continue, undefined);
    const bad = await http('GET', `${CM}?limit=2&continue=garbage`);
    assert.equal(bad.status, 400);
  });

  it('resourceVersionMatch=Exact lists the past', async () => {
    const before = await createCM('past');
    const rv = (before.metadata as { resourceVersion: string }).resourceVersion;
    await http('DELETE', `${CM}/past`);
    const now = (await http('GET', CM)).json<{ items: { metadata: { name: string } }[] }>();
    assert.ok(!now.items.some((i) => i.metadata.name === 'past'));
    const then = (await http('GET', `${CM}?resourceVersion=${rv}&resourceVersionMatch=Exact`)).json<{ items: { metadata: { name: string } }[]; metadata: { resourceVersion: string } }>();
    assert.ok(then.items.some((i) => i.metadata.name === 'past'));
    assert.equal(then.metadata.resourceVersion, rv);
  });

  it('GET with a resourceVersion: "0" and reached ones answer at once; an unreached one waits ~3 s, then 504 as kube\'s watch cache', async () => {
    const obj = await createCM('get-rv');
    const rv = Number((obj.metadata as { resourceVersion: string }).resourceVersion);
    for (const q of ['0', String(rv)]) {
      const r = await http('GET', `${CM}/get-rv?resourceVersion=${q}`);
      assert.equal(r.status, 200, r.text);
    }
    const t0 = Date.now();
    const r = await http('GET', `${CM}/get-rv?resourceVersion=${rv + 100000}`);
    assert.ok(Date.now() - t0 >= 2500, `answered after ${Date.now() - t0} ms`);
    assert.equal(r.status, 504, r.text);
    assert.equal(r.headers['retry-after'], '1');
    const st = r.json<{ reason: string; message: string; details: { causes: { reason: string }[] } }>();
    assert.equal(st.reason, 'Timeout');
    assert.match(st.message, new RegExp(`^Timeout: Too large resource version: ${rv + 100000}, current: \\d+$`));
    assert.equal(st.details.causes[0]?.reason, 'ResourceVersionTooLarge');
  });

  it('resourceVersionMatch=Exact at a revision the store has not reached: kube\'s 500 with etcd\'s message, at once', async () => {
    const cur = Number((await http('GET', CM)).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion);
    const t0 = Date.now();
    const r = await http('GET', `${CM}?resourceVersion=${cur + 1000}&resourceVersionMatch=Exact`);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(r.status, 500, r.text);
    assert.deepEqual(r.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'etcdserver: mvcc: required revision is a future revision', code: 500 });
  });

  it('a resourceVersion that is not a number: the status kube answers with, which depends on the layer that reads it', async () => {
    const status = (code: number, message: string, reason?: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, ...(reason ? { reason } : {}), code });
    const invalid = (v: string, why = 'invalid syntax') => `resourceVersion: Invalid value: "${v}": strconv.ParseUint: parsing "${v}": ${why}`;
    // kube's watch cache reads GET, plain LIST and WATCH, and passes the parse error up bare: 500 without a reason.
    for (const q of [`${CM}/kube-root-ca.crt?resourceVersion=abc`, `${CM}?resourceVersion=abc`, `${CM}?resourceVersion=-1&watch=1`, `/api/v1/watch/namespaces/default/configmaps?resourceVersion=abc&limit=5`]) {
      const r = await http('GET', q);
      assert.deepEqual([r.status, r.json()], [500, status(500, invalid(q.includes('-1') ? '-1' : 'abc'))], q);
    }
    // Lists kube sends to etcd (Exact, or a limit with a resourceVersion) get etcd's 400.
    for (const [q, v, why] of [
      [`${CM}?resourceVersion=abc&resourceVersionMatch=Exact`, 'abc', undefined],
      [`${CM}?resourceVersion=1x&limit=2`, '1x', undefined],
      [`${CM}?resourceVersion=99999999999999999999&limit=2`, '99999999999999999999', 'value out of range'],
    ] as const) {
      const r = await http('GET', q);
      assert.deepEqual([r.status, r.json()], [400, status(400, `invalid resource version: ${invalid(v, why)}`, 'BadRequest')], q);
    }
    // Values are quoted as Go's %q quotes them.
    const q = await http('GET', `${CM}?resourceVersion=${encodeURIComponent('a"b\n\u00e9')}`);
    assert.equal(q.json<{ message: string }>().message, 'resourceVersion: Invalid value: "a\\"b\\n\u00e9": strconv.ParseUint: parsing "a\\"b\\n\u00e9": invalid syntax');
    // A continue token refuses any resourceVersion first.
    const c = await http('GET', `${CM}?resourceVersion=abc&continue=abc`);
    assert.deepEqual([c.status, c.json()], [400, status(400, 'specifying resource version is not allowed when using continue', 'BadRequest')]);
  });

  it('a written object\'s resourceVersion: a bad one on update is Go\'s bare 500; POST refuses one that is set, as kube\'s storage does', async () => {
    const obj = await createCM('rv-body');
    const meta = obj.metadata as { resourceVersion: string };
    for (const [method, path, type, body] of [
      ['PUT', `${CM}/rv-body`, 'application/json', { ...obj, metadata: { ...meta, resourceVersion: 'abc' } }],
      ['PATCH', `${CM}/rv-body`, 'application/merge-patch+json', { metadata: { resourceVersion: 'abc' } }],
    ] as const) {
      const r = await http(method, path, { body: JSON.stringify(body), headers: { 'content-type': type } });
      assert.deepEqual([r.status, r.json()], [500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'strconv.ParseUint: parsing "abc": invalid syntax', code: 500 }], method);
    }
    assert.equal((await http('GET', `${CM}/rv-body`)).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion, meta.resourceVersion);
    // A JSON patch that sets a stale resourceVersion makes it a precondition too.
    const stale = await http('PATCH', `${CM}/rv-body`, { body: JSON.stringify([{ op: 'replace', path: '/metadata/resourceVersion', value: '1' }, { op: 'add', path: '/data/x', value: 'y' }]), headers: { 'content-type': 'application/json-patch+json' } });
    assert.equal(stale.status, 409, stale.text);

    // Apply creating a missing object parses its resourceVersion too (and then drops it).
    const applyNew = (name: string, rv: string) =>
      http('PATCH', `${CM}/${name}?fieldManager=t`, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, resourceVersion: rv } }), headers: { 'content-type': 'application/apply-patch+yaml' } });
    const bad = await applyNew('rv-apply', 'abc');
    assert.deepEqual([bad.status, bad.json<{ message: string }>().message], [500, 'strconv.ParseUint: parsing "abc": invalid syntax']);
    assert.equal((await http('GET', `${CM}/rv-apply`)).status, 404);
    assert.equal((await applyNew('rv-apply', '5')).status, 201);

    const post = (name: string, rv: string, query = '') =>
      http('POST', `${CM}${query}`, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, resourceVersion: rv } }), headers: JSON_CT });
    const set = await post('rv-set', '5');
    assert.deepEqual([set.status, set.json()], [500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'resourceVersion should not be set on objects to be created', code: 500 }]);
    assert.equal((await http('GET', `${CM}/rv-set`)).status, 404);
    // Not on dry-run (kube's dry-run storage does not check), and values that do not parse, or "0", are ignored.
    assert.equal((await post('rv-set', '5', '?dryRun=All')).status, 201);
    for (const [name, rv] of [['rv-abc', 'abc'], ['rv-zero', '0']]) {
      const r = await post(name!, rv!);
      assert.equal(r.status, 201, r.text);
      assert.notEqual(r.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion, rv);
    }
  });

  it('kubectl shows these resourceVersion errors as kube\'s: get --raw, replace, and apply --server-side creating an object', async () => {
    const k = kubectl(server.kubeconfigPath);
    const raw = await k(['get', '--raw', `${CM}?resourceVersion=abc`]);
    assert.equal(raw.code, 1);
    assert.match(raw.stderr, /^Error from server: resourceVersion: Invalid value: "abc": strconv\.ParseUint: parsing "abc": invalid syntax$/m);
    await createCM('rv-kubectl');
    const cm = JSON.parse(await k.ok(['get', 'cm', 'rv-kubectl', '-o', 'json'])) as { metadata: { resourceVersion: string } };
    cm.metadata.resourceVersion = 'abc';
    const replaced = await k(['replace', '-f', '-'], { input: JSON.stringify(cm) });
    assert.equal(replaced.code, 1);
    assert.match(replaced.stderr, /^Error from server: error when replacing "STDIN": strconv\.ParseUint: parsing "abc": invalid syntax$/m);
    const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rv-ssa', namespace: 'default', resourceVersion: 'abc' }, data: { a: 'b' } };
    const applied = await k(['apply', '--server-side', '-f', '-'], { input: JSON.stringify(manifest) });
    assert.equal(applied.code, 1);
    assert.match(applied.stderr, /strconv\.ParseUint: parsing "abc": invalid syntax/);
    assert.equal((await k(['get', 'cm', 'rv-ssa'])).code, 1);
  });

  it('lists across all namespaces', async () => {
    const r = (await http('GET', '/api/v1/configmaps?fieldSelector=metadata.name%3Dkube-root-ca.crt')).json<{ kind: string; items: { metadata: { namespace: string } }[] }>();
    assert.equal(r.kind, 'ConfigMapList');
    assert.deepEqual(r.items.map((i) => i.metadata.namespace).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('deletecollection removes what the selector matches', async () => {
    for (const n of ['dc-1', 'dc-2']) await createCM(n, { labels: { dc: 'y' } });
    await createCM('dc-keep');
    const r = await http('DELETE', `${CM}?labelSelector=dc%3Dy`);
    assert.equal(r.status, 200);
    assert.equal(r.json<{ kind: string }>().kind, 'ConfigMapList');
    assert.equal((await http('GET', `${CM}/dc-1`)).status, 404);
    assert.equal((await http('GET', `${CM}/dc-keep`)).status, 200);
  });
});

describe('tables and metadata-only responses', () => {
  const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

  it('lists as a Table with metadata rows', async () => {
    const t = (await http('GET', CM, { headers: { accept: TABLE } })).json<{ kind: string; apiVersion: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { kind: string } }[] }>();
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Data', 'Age']);
    assert.equal(t.rows[0]!.object.kind, 'PartialObjectMetadata');
  });

  it('includeObject=Object embeds the full object; None leaves it out', async () => {
    const o = (await http('GET', `${CM}/kube-root-ca.crt?includeObject=Object`, { headers: { accept: TABLE } })).json<{ rows: { object: { kind: string; data: Record<string, string> } }[] }>();
    assert.equal(o.rows[0]!.object.kind, 'ConfigMap');
    assert.ok(o.rows[0]!.object.data['ca.crt']);
    const n = (await http('GET', `${CM}/kube-root-ca.crt?includeObject=None`, { headers: { accept: TABLE } })).json<{ rows: { object?: unknown }[] }>();
    assert.equal(n.rows[0]!.object, undefined);
  });

  it('PartialObjectMetadataList', async () => {
    const r = (await http('GET', CM, { headers: { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' } })).json<{ kind: string; items: { kind: string; apiVersion: string; metadata: { name: string }; data?: unknown }[] }>();
    assert.equal(r.kind, 'PartialObjectMetadataList');
    assert.equal(r.items[0]!.kind, 'PartialObjectMetadata');
    assert.equal(r.items[0]!.data, undefined);
  });

  it('an unacceptable Accept is 406', async () => {
    const r = await http('GET', CM, { headers: { accept: 'text/html' } });
    assert.equal(r.status, 406);
  });
});

describe('deletion', () => {
  it('preconditions that do not match are a 409', async () => {
    await createCM('pre');
    const r = await http('DELETE', `${CM}/pre`, { body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-it' } }), headers: JSON_CT });
    assert.equal(r.status, 409);
    assert.match(r.json<{ message: string }>().message, /^Operation cannot be fulfilled on configmaps "pre": Precondition failed: UID in precondition: not-it, UID in object meta: /);
  });

  it('finalizers keep an object until they are removed', async () => {
    await createCM('fin', { finalizers: ['example.com/hold'] });
    const d = await http('DELETE', `${CM}/fin`);
    assert.equal(d.status, 200);
    const obj = d.json<{ metadata: { deletionTimestamp?: string; finalizers: string[] } }>();
    assert.ok(obj.metadata.deletionTimestamp);
    assert.equal((await http('GET', `${CM}/fin`)).status, 200);
    const p = await http('PATCH', `${CM}/fin`, { body: JSON.stringify({ metadata: { finalizers: null } }), headers: { 'content-type': 'application/merge-patch+json' } });
    assert.equal(p.status, 200, p.text);
    assert.equal((await http('GET', `${CM}/fin`)).status, 404);
  });

  it('a pod bound to a node stays Terminating for its grace period; an unbound pod goes at once', async () => {
    const pod = (name: string, node?: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }] } });
    assert.equal((await http('POST', '/api/v1/namespaces/default/pods', { body: pod('free'), headers: JSON_CT })).status, 201);
    assert.equal((await http('POST', '/api/v1/namespaces/default/pods', { body: pod('bound', 'node-1'), headers: JSON_CT })).status, 201);
    const free = await http('DELETE', '/api/v1/namespaces/default/pods/free');
    assert.equal(free.json<{ kind: string }>().kind, 'Pod');
    assert.equal((await http('GET', '/api/v1/namespaces/default/pods/free')).status, 404);
    const bound = (await http('DELETE', '/api/v1/namespaces/default/pods/bound')).json<{ metadata: { deletionGracePeriodSeconds: number } }>();
    assert.equal(bound.metadata.deletionGracePeriodSeconds, 30);
    assert.equal((await http('GET', '/api/v1/namespaces/default/pods/bound')).status, 200);
    await http('DELETE', '/api/v1/namespaces/default/pods/bound?gracePeriodSeconds=0');
    assert.equal((await http('GET', '/api/v1/namespaces/default/pods/bound')).status, 404);
  });

  it('a Terminating namespace refuses new content', async () => {
    await http('POST', '/api/v1/namespaces', { body: JSON.stringify({ metadata: { name: 'closing' } }), headers: JSON_CT });
    await http('POST', '/api/v1/namespaces/closing/configmaps', { body: JSON.stringify({ metadata: { name: 'held', finalizers: ['example.com/hold'] } }), headers: JSON_CT });
    const d = await http('DELETE', '/api/v1/namespaces/closing');
    assert.equal(d.json<{ status: { phase: string } }>().status.phase, 'Terminating');
    const r = await http('POST', '/api/v1/namespaces/closing/configmaps', { body: JSON.stringify({ metadata: { name: 'late' } }), headers: JSON_CT });
    assert.equal(r.status, 403);
    assert.equal(r.json<{ message: string }>().message, 'configmaps "late" is forbidden: unable to create new content in namespace closing because it is being terminated');
    await http('PATCH', '/api/v1/namespaces/closing/configmaps/held', { body: JSON.stringify({ metadata: { finalizers: null } }), headers: { 'content-type': 'application/merge-patch+json' } });
    for (let i = 0; i < 50; i++) {
      if ((await http('GET', '/api/v1/namespaces/closing')).status === 404) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.fail('namespace was not removed after its content was');
  });
});

describe('reviews', () => {
  it('SelfSubjectReview says who I am', async () => {
    const r = await http('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }), headers: JSON_CT });
    assert.equal(r.status, 201);
    const u = r.json<{ status: { userInfo: { username: string; groups: string[] } } }>().status.userInfo;
    assert.equal(u.username, 'kubernetes-admin');
    assert.ok(u.groups.includes('system:masters'));
  });

  it('SelfSubjectAccessReview allows the admin', async () => {
    const r = await http('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body: JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' } } }),
      headers: JSON_CT,
    });
    assert.equal(r.status, 201);
    assert.equal(r.json<{ status: { allowed: boolean } }>().status.allowed, true);
  });
});
