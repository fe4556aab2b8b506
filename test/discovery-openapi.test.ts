import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { GroupInfo, GroupVersionInfo, ResourceInfo } from '../src/registry/catalog.js';
import {
  apiVersions,
  apiGroupList,
  apiGroup,
  apiResourceList,
  aggregatedDiscovery,
  aggregatedDiscoveryETag,
  discoveryRootResponse,
  negotiateDiscovery,
  negotiateDiscoveryDetailed,
  storageVersionHash,
  CONTENT_TYPE_AGGREGATED_V2,
  DISCOVERY_ACCEPT_V2,
  DISCOVERY_ACCEPT_V2BETA1,
  type APIVersionDiscovery,
  type APIResourceDiscovery,
} from '../src/discovery/index.js';
import {
  OpenAPIService,
  findDataDir,
  openAPIv2DocumentType,
  openAPIv3DocumentType,
  OPENAPI_V2_PROTOBUF_ACCEPT,
  OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
  OPENAPI_V3_PROTOBUF_CONTENT_TYPE,
} from '../src/openapi/index.js';

const DATA = findDataDir();
const SAMPLES = join(DATA, '..', 'test', 'fixtures', 'discovery');

interface RawCatalog {
  groups: {
    name: string;
    versions: (Omit<GroupVersionInfo, 'group' | 'resources'> & { resources: Omit<ResourceInfo, 'group' | 'version'>[] })[];
  }[];
}

function loadGroups(): GroupInfo[] {
  const raw = JSON.parse(readFileSync(join(DATA, 'catalog.json'), 'utf8')) as RawCatalog;
  return raw.groups.map((g) => ({
    name: g.name,
    versions: g.versions.map((v) => ({
      ...v,
      group: g.name,
      resources: v.resources.map((r) => ({ ...r, group: g.name, version: v.version })),
    })),
  }));
}
const ALL = loadGroups();
const SERVED: GroupInfo[] = ALL.map((g) => ({ name: g.name, versions: g.versions.filter((v) => v.defaultEnabled) })).filter(
  (g) => g.versions.length > 0,
);
const SERVED_GVS = SERVED.flatMap((g) => g.versions);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k]!)]));
  return v;
}
const sample = (name: string): Json => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8')) as Json;

test('storageVersionHash', () => {
  assert.equal(storageVersionHash('', 'v1', 'ConfigMap'), 'qFsyl6wFWjQ=');
  assert.equal(storageVersionHash('apps', 'v1', 'Deployment'), '8aSe+NMegvE=');
});

test('/api APIVersions', () => {
  assert.equal(
    JSON.stringify(apiVersions('10.0.0.1:6443')),
    '{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"10.0.0.1:6443"}]}',
  );
});

test('/apis APIGroupList and /apis/<g> APIGroup', () => {
  const list = apiGroupList(SERVED);
  assert.equal(list.kind, 'APIGroupList');
  assert.equal(list.apiVersion, 'v1');
  assert.ok(!list.groups.some((g) => g.name === ''));
  const autoscaling = list.groups.find((g) => g.name === 'autoscaling')!;
  assert.deepEqual(autoscaling.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
  assert.deepEqual(Object.keys(autoscaling), ['name', 'versions', 'preferredVersion']);
  const g = apiGroup(SERVED.find((x) => x.name === 'apps')!);
  assert.equal(
    JSON.stringify(g),
    '{"kind":"APIGroup","apiVersion":"v1","name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}',
  );
});

test('legacy APIResourceList matches the samples', () => {
  const core = apiResourceList(SERVED[0]!.versions[0]!);
  assert.deepEqual(Object.keys(core), ['kind', 'groupVersion', 'resources']);
  const s = sample('api__v1.json') as { resources: { name: string }[] };
  let compared = 0;
  for (const r of s.resources) {
    const mine = core.resources.find((x) => x.name === r.name);
    if (!mine) continue; // pods/checkpoint is not in 1.32
    assert.deepEqual(sortKeys(mine as unknown as Json), sortKeys(r as unknown as Json), r.name);
    compared++;
  }
  assert.ok(compared >= 30, String(compared));
  const pods = core.resources.find((r) => r.name === 'pods')!;
  assert.deepEqual(Object.keys(pods), ['name', 'singularName', 'namespaced', 'kind', 'verbs', 'shortNames', 'categories', 'storageVersionHash']);
  const evict = core.resources.find((r) => r.name === 'pods/eviction')!;
  assert.deepEqual(evict, { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  const names = core.resources.map((r) => r.name);
  assert.deepEqual(names, [...names].sort());

  const apps = apiResourceList(SERVED.find((g) => g.name === 'apps')!.versions[0]!);
  assert.deepEqual(Object.keys(apps), ['kind', 'apiVersion', 'groupVersion', 'resources']);
  const sa = sample('apis__apps__v1.json') as { resources: { name: string; verbs: string[] }[] };
  for (const r of sa.resources) {
    const mine = apps.resources.find((x) => x.name === r.name)!;
    // the sample's verbs lack "watch" (see INDEX.md); compare everything else
    assert.deepEqual(sortKeys({ ...mine, verbs: [] } as unknown as Json), sortKeys({ ...r, verbs: [] } as unknown as Json), r.name);
  }
  assert.deepEqual(apps.resources.find((r) => r.name === 'deployments/scale'), {
    name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'],
  });
});

test('aggregated discovery shape matches the sample', () => {
  // compare with every version enabled, since the sample came from a server with alpha APIs on
  const agg = aggregatedDiscovery(ALL, 'apis');
  assert.deepEqual(Object.keys(agg), ['kind', 'apiVersion', 'metadata', 'items']);
  assert.equal(agg.apiVersion, 'apidiscovery.k8s.io/v2');
  const s = sample('aggregated_v2.json') as { items: { metadata: { name: string }; versions: { version: string; resources: { resource: string }[] }[] }[] };
  let compared = 0;
  for (const item of s.items) {
    const g = agg.items.find((i) => i.metadata.name === item.metadata.name);
    if (!g) continue;
    for (const v of item.versions) {
      const mv: APIVersionDiscovery | undefined = g.versions.find((x: APIVersionDiscovery) => x.version === v.version);
      if (!mv) continue;
      assert.equal(mv.freshness, 'Current');
      for (const r of v.resources) {
        const mr: APIResourceDiscovery | undefined = mv.resources.find((x: APIResourceDiscovery) => x.resource === r.resource);
        if (!mr) continue;
        assert.deepEqual(sortKeys(mr as unknown as Json), sortKeys(r as unknown as Json), `${item.metadata.name}/${v.version} ${r.resource}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 40, String(compared));
  const api = aggregatedDiscovery(SERVED, 'api');
  assert.equal(api.items.length, 1);
  assert.deepEqual(api.items[0]!.metadata, { creationTimestamp: null });
  assert.ok(JSON.stringify(api).startsWith('{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},"items":[{"metadata":{"creationTimestamp":null},"versions":[{"version":"v1","resources":[{"resource":"bindings","responseKind":{"group":"","version":"","kind":"Binding"},"scope":"Namespaced","singularResource":"binding","verbs":["create"]}'));
  const served = aggregatedDiscovery(SERVED, 'apis');
  assert.deepEqual(served.items.find((i) => i.metadata.name === 'autoscaling')!.versions.map((v) => v.version), ['v2', 'v1']);
  assert.equal(aggregatedDiscovery(SERVED, 'apis', 'v2beta1').apiVersion, 'apidiscovery.k8s.io/v2beta1');
});

test('discovery negotiation', () => {
  const kubectl = `${DISCOVERY_ACCEPT_V2},${DISCOVERY_ACCEPT_V2BETA1},application/json`;
  assert.equal(negotiateDiscovery(kubectl), 'v2');
  assert.equal(negotiateDiscovery(DISCOVERY_ACCEPT_V2BETA1), 'v2beta1');
  assert.equal(negotiateDiscovery(`${DISCOVERY_ACCEPT_V2BETA1},application/json`), 'v2beta1');
  assert.equal(negotiateDiscovery(undefined), 'legacy');
  assert.equal(negotiateDiscovery(''), 'legacy');
  assert.equal(negotiateDiscovery('application/json'), 'legacy');
  assert.equal(negotiateDiscovery('application/json, */*'), 'legacy');
  assert.equal(negotiateDiscovery('*/*'), 'legacy');
  assert.equal(negotiateDiscovery('application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'), 'protobuf-v2');
  // an aggregated clause anywhere wins (kube's wrapper negotiates with discovery-only restrictions first)
  assert.equal(negotiateDiscovery(`application/json,${DISCOVERY_ACCEPT_V2}`), 'v2');
  // q ordering
  assert.equal(negotiateDiscovery(`${DISCOVERY_ACCEPT_V2BETA1};q=0.9,${DISCOVERY_ACCEPT_V2}`), 'v2');
  // unknown discovery versions / incomplete g,v,as fall through to legacy, which refuses conversions
  assert.equal(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList'), 406);
  assert.equal(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2'), 406);
  assert.equal(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json'), 'legacy');
  assert.equal(negotiateDiscovery('text/html'), 406);
  assert.equal(negotiateDiscovery('application/json;as=Table;v=v1;g=meta.k8s.io'), 406);
  const d = negotiateDiscoveryDetailed(kubectl)!;
  assert.equal(d.contentType, CONTENT_TYPE_AGGREGATED_V2);
  assert.equal(CONTENT_TYPE_AGGREGATED_V2, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(negotiateDiscoveryDetailed('application/yaml')!.mediaType, 'application/yaml');
});

test('aggregated discovery response: content type, ETag, 304', () => {
  const kubectl = `${DISCOVERY_ACCEPT_V2},${DISCOVERY_ACCEPT_V2BETA1},application/json`;
  const r = discoveryRootResponse(SERVED, 'apis', { accept: kubectl, serverAddress: 'x' })!;
  assert.equal(r.status, 200);
  assert.equal(r.headers['Content-Type'], CONTENT_TYPE_AGGREGATED_V2);
  assert.equal(r.headers['Vary'], 'Accept');
  assert.equal(r.headers['Cache-Control'], 'public');
  const etag = r.headers['ETag']!;
  assert.match(etag, /^"[0-9A-F]{128}"$/);
  assert.equal(etag, `"${aggregatedDiscoveryETag(SERVED, 'apis')}"`);
  const r2 = discoveryRootResponse(SERVED, 'apis', { accept: kubectl, ifNoneMatch: etag, serverAddress: 'x' })!;
  assert.equal(r2.status, 304);
  assert.equal(r2.body, '');
  const legacy = discoveryRootResponse(SERVED, 'api', { accept: 'application/json', serverAddress: '1.2.3.4:443' })!;
  assert.equal(legacy.headers['Content-Type'], 'application/json');
  assert.equal(JSON.parse(legacy.body).kind, 'APIVersions');
  assert.equal(discoveryRootResponse(SERVED, 'api', { accept: 'text/html', serverAddress: 'x' })!.status, 406);
});

// ------------------------------------------------------------------------------------------ OpenAPI

const svc = new OpenAPIService(() => SERVED_GVS);
const q = (s = ''): URLSearchParams => new URLSearchParams(s);

test('v3 index lists every served GV and the non-GV documents, nothing disabled', () => {
  const r = svc.serveV3Index();
  assert.equal(r.status, 200);
  const paths = (JSON.parse(String(r.body)) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
  for (const gv of SERVED_GVS) {
    const p = gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
    assert.ok(paths[p], p);
    if (gv.group) assert.ok(paths[`apis/${gv.group}`]);
  }
  for (const p of ['api', 'apis', 'version', 'logs', '.well-known/openid-configuration', 'openid/v1/jwks']) assert.ok(paths[p], p);
  assert.equal(paths['apis/resource.k8s.io/v1beta1'], undefined);
  assert.equal(paths['apis/storage.k8s.io/v1beta1'], undefined);
  const keys = Object.keys(paths);
  assert.deepEqual(keys, [...keys].sort());
  const url = paths['apis/apps/v1']!.serverRelativeURL;
  assert.match(url, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
});

test('v3 documents: hash, 301, immutable caching, 304, protobuf, 406, 404', () => {
  const idx = (JSON.parse(String(svc.serveV3Index().body)) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
  const hash = new URL(idx['apis/apps/v1']!.serverRelativeURL, 'http://x').searchParams.get('hash')!;
  const r = svc.serveV3Document('apis/apps/v1', q(`hash=${hash}`), { accept: 'application/json' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['Content-Type'], 'application/json');
  assert.equal(createHash('sha512').update(r.body).digest('hex').toUpperCase(), hash);
  assert.equal(r.headers['Etag'], `"${hash}"`);
  assert.equal(r.headers['Cache-Control'], 'public, immutable');
  const expires = Date.parse(r.headers['Expires']!.replace(/UTC$/, 'GMT'));
  assert.ok(expires > Date.now() + 364 * 86400e3);
  const doc = JSON.parse(String(r.body)) as { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string }[]; 'x-kubernetes-action'?: string }>> };
  assert.equal(doc.openapi, '3.0.0');
  // every non-connect POST/PUT/PATCH declares fieldValidation (kubectl relies on it)
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of ['post', 'put', 'patch']) {
      const op = item[m];
      if (!op || op['x-kubernetes-action'] === 'connect') continue;
      assert.ok(op.parameters?.some((x) => x.name === 'fieldValidation'), `${m} ${p}`);
    }
  }
  const stale = svc.serveV3Document('apis/apps/v1', q('hash=ABC'), {});
  assert.equal(stale.status, 301);
  assert.equal(stale.headers['Location'], `/openapi/v3/apis/apps/v1?hash=${hash}`);
  const nohash = svc.serveV3Document('apis/apps/v1', q(), {});
  assert.equal(nohash.status, 200);
  assert.equal(nohash.headers['Cache-Control'], undefined);
  assert.equal(svc.serveV3Document('apis/apps/v1', q(), { ifNoneMatch: `"${hash}"` }).status, 304);
  const pb = svc.serveV3Document('apis/apps/v1', q(), { accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' });
  assert.equal(pb.headers['Content-Type'], OPENAPI_V3_PROTOBUF_CONTENT_TYPE);
  const T = openAPIv3DocumentType();
  const dec = T.toObject(T.decode(pb.body as Buffer)) as { openapi: string; paths: { path: { name: string }[] }; components: { schemas: { additional_properties: { name: string }[] } } };
  assert.equal(dec.openapi, '3.0.0');
  assert.ok(dec.paths.path.some((p) => p.name === '/apis/apps/v1/namespaces/{namespace}/deployments'));
  assert.ok(dec.components.schemas.additional_properties.some((s) => s.name === 'io.k8s.api.apps.v1.Deployment'));
  assert.equal(svc.serveV3Document('apis/apps/v1', q(), { accept: 'text/html' }).status, 406);
  assert.equal(svc.serveV3Document('apis/resource.k8s.io/v1beta1', q(), {}).status, 404);
  assert.equal(svc.serveV3Document('apis/nope/v1', q(), {}).status, 404);
  const version = JSON.parse(String(svc.serveV3Document('version', q(), {}).body)) as { paths: Record<string, unknown> };
  assert.ok(version.paths['/version/']);
});

test('v3 extra (CRD) documents', () => {
  const s = new OpenAPIService(() => [...SERVED_GVS, { group: 'example.com', version: 'v1' }]);
  assert.equal(s.serveV3Document('apis/example.com/v1', q(), {}).status, 404);
  s.setExtraDocument('apis/example.com/v1', { openapi: '3.0.0', info: { title: 'x', version: 'v' }, paths: {} });
  const idx = JSON.parse(String(s.serveV3Index().body)) as { paths: Record<string, unknown> };
  assert.ok(idx.paths['apis/example.com/v1']);
  assert.equal(s.serveV3Document('apis/example.com/v1', q(), {}).status, 200);
  s.removeExtraDocument('apis/example.com/v1');
  assert.equal(s.serveV3Document('apis/example.com/v1', q(), {}).status, 404);
});

test('v2: JSON filtered to served GVs, protobuf, ETag, 304, gzip, 406', () => {
  const j = svc.serveV2({});
  assert.equal(j.status, 200);
  assert.equal(j.headers['Content-Type'], 'application/json');
  const etag = j.headers['Etag']!;
  assert.equal(etag, `"${createHash('sha512').update(j.body).digest('hex').toUpperCase()}"`);
  assert.match(j.headers['Vary']!, /Accept/);
  const doc = JSON.parse(String(j.body)) as { paths: Record<string, unknown>; definitions: Record<string, unknown> };
  assert.ok(doc.paths['/api/v1/namespaces/{namespace}/pods']);
  assert.ok(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments']);
  assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/apis/resource.k8s.io/')));
  assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/apis/storage.k8s.io/v1beta1/')));
  assert.ok(doc.definitions['io.k8s.api.core.v1.Pod']);
  assert.equal(doc.definitions['io.k8s.api.resource.v1beta1.ResourceClaim'], undefined);
  assert.equal(svc.serveV2({ accept: 'application/json' }).headers['Etag'], etag);
  assert.equal(svc.serveV2({ accept: '*/*' }).headers['Content-Type'], 'application/json');
  assert.equal(svc.serveV2({ ifNoneMatch: etag }).status, 304);
  assert.equal(svc.serveV2({ accept: 'text/html' }).status, 406);

  const pb = svc.serveV2({ accept: OPENAPI_V2_PROTOBUF_ACCEPT });
  assert.equal(pb.headers['Content-Type'], OPENAPI_V2_PROTOBUF_CONTENT_TYPE);
  assert.equal(pb.headers['Etag'], etag);
  assert.ok(Buffer.isBuffer(pb.body) && pb.body[0] !== '{'.charCodeAt(0));
  const gz = svc.serveV2({ accept: OPENAPI_V2_PROTOBUF_ACCEPT, acceptEncoding: 'gzip' });
  assert.equal(gz.headers['Content-Encoding'], 'gzip');
  assert.ok(gunzipSync(gz.body as Buffer).equals(pb.body as Buffer));

  // round trip: decode the protobuf and compare key fields with the JSON
  const T = openAPIv2DocumentType();
  type Named<V> = { name: string; value: V };
  const dec = T.toObject(T.decode(pb.body as Buffer)) as {
    swagger: string;
    info: { title: string; version: string };
    paths: { path: Named<{ get?: { operation_id: string; parameters: { json_reference?: { _ref: string } }[]; vendor_extension: Named<{ yaml: string }>[] } }>[] };
    definitions: { additional_properties: Named<{ type?: { value: string[] }; properties?: { additional_properties: Named<{ _ref?: string }>[] }; vendor_extension?: Named<{ yaml: string }>[] }>[] };
    parameters: { additional_properties: Named<{ non_body_parameter?: { query_parameter_sub_schema?: { name: string; type: string } } }>[] };
  };
  assert.equal(dec.swagger, '2.0');
  assert.deepEqual(dec.info, { title: 'Kubernetes', version: 'unversioned' });
  assert.equal(dec.paths.path.length, Object.keys(doc.paths).length);
  assert.equal(dec.definitions.additional_properties.length, Object.keys(doc.definitions).length);
  const pods = dec.paths.path.find((p) => p.name === '/api/v1/namespaces/{namespace}/pods')!;
  assert.equal(pods.value.get!.operation_id, 'listCoreV1NamespacedPod');
  assert.ok(pods.value.get!.parameters.some((p) => p.json_reference?._ref.startsWith('#/parameters/')));
  const gvk = pods.value.get!.vendor_extension.find((x) => x.name === 'x-kubernetes-group-version-kind')!;
  assert.deepEqual(JSON.parse(gvk.value.yaml), { group: '', kind: 'Pod', version: 'v1' });
  const pod = dec.definitions.additional_properties.find((d) => d.name === 'io.k8s.api.core.v1.Pod')!;
  assert.deepEqual(pod.value.type!.value, ['object']);
  assert.equal(pod.value.properties!.additional_properties.find((p) => p.name === 'spec')!.value._ref, '#/definitions/io.k8s.api.core.v1.PodSpec');
  assert.ok(pod.value.vendor_extension!.some((x) => x.name === 'x-kubernetes-group-version-kind'));
  const fm = dec.parameters.additional_properties.find((p) => p.name.startsWith('fieldManager'))!;
  assert.equal(fm.value.non_body_parameter!.query_parameter_sub_schema!.name, 'fieldManager');
  type Param = { json_reference?: { _ref: string }; parameter?: { body_parameter?: { name: string; schema: unknown }; non_body_parameter?: { query_parameter_sub_schema?: { name: string; type: string } } } };
  const cmPath = (dec.paths.path as unknown as Named<{ patch: { parameters: Param[] } }>[]).find((p) => p.name === '/api/v1/namespaces/{namespace}/configmaps/{name}')!;
  const fv = cmPath.value.patch.parameters.find((p) => p.parameter?.non_body_parameter?.query_parameter_sub_schema?.name === 'fieldValidation');
  assert.equal(fv?.parameter?.non_body_parameter?.query_parameter_sub_schema?.type, 'string');
  const body = dec.parameters.additional_properties.find((p) => p.name === 'body-78PwaGsr') as unknown as Named<{ parameter?: unknown; body_parameter?: { name: string; in: string } }>;
  assert.equal(body.value.body_parameter?.in, 'body');
});

test('v2 follows the served set and extra fragments', () => {
  let gvs = SERVED_GVS.filter((gv) => gv.group !== 'apps');
  const s = new OpenAPIService(() => gvs);
  const a = JSON.parse(String(s.serveV2({}).body)) as { paths: Record<string, unknown> };
  assert.ok(!Object.keys(a.paths).some((p) => p.startsWith('/apis/apps/')));
  gvs = SERVED_GVS;
  const b = JSON.parse(String(s.serveV2({}).body)) as { paths: Record<string, unknown> };
  assert.ok(b.paths['/apis/apps/']);
  s.setExtraV2('crd', { paths: { '/apis/example.com/v1/widgets': { get: { responses: { '200': { description: 'OK' } } } } } });
  const c = JSON.parse(String(s.serveV2({}).body)) as { paths: Record<string, unknown> };
  assert.ok(c.paths['/apis/example.com/v1/widgets']);
});
