// OpenAPI documents published for a CRD version (what kube's pkg/controller/openapi/builder/builder.go builds):
// list/create/deletecollection/get/replace/patch/delete (+status, +scale) paths, the resource and list schemas
// with x-kubernetes-group-version-kind, ObjectMeta/ListMeta/Status/... referenced from the meta definitions.
// The operations are derived from the served apps/v1 Deployment operations (same parameters: dryRun,
// fieldManager, fieldValidation, force, pretty, ...) restricted to what the CRD handler supports
// (JSON/YAML; no strategic merge patch; no watch paths), and renamed for the CRD kind.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue, KObject } from '../api/types.js';
import { findDataDir } from '../openapi/data-dir.js';
import type { SwaggerFragment } from '../openapi/service.js';
import { isPlainObject } from './structural.js';

type JObj = { [key: string]: JsonValue };

let appsV3: JObj | undefined;
let autoscalingV3: JObj | undefined;
let swaggerV2: JObj | undefined;
function load(rel: string[]): JObj {
  return JSON.parse(readFileSync(join(findDataDir(), 'openapi', ...rel), 'utf8')) as JObj;
}
function apps3(): JObj {
  return (appsV3 ??= load(['v3', 'apis', 'apps', 'v1.json']));
}
function autoscaling3(): JObj {
  return (autoscalingV3 ??= load(['v3', 'apis', 'autoscaling', 'v1.json']));
}
function swagger2(): JObj {
  return (swaggerV2 ??= load(['v2', 'swagger.json']));
}

const o = (v: unknown): JObj => (isPlainObject(v) ? (v as JObj) : {});
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** util.ToRESTFriendlyName: "stable.example.com/v1/CronTab" → "com.example.stable.v1.CronTab". */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

function pascalGroup(group: string): string {
  return group
    .split(/[.-]/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

interface CRDInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  namespaced: boolean;
  status: boolean;
  scale: boolean;
  schema: JObj;
  selectableFields: string[];
}

function info(crd: KObject, version: string): CRDInfo {
  const spec = o(crd.spec);
  const names = o(spec.names);
  const v = (Array.isArray(spec.versions) ? spec.versions : []).map(o).find((x) => x.name === version) ?? {};
  const sub = o(v.subresources);
  return {
    group: String(spec.group ?? ''),
    version,
    kind: String(names.kind ?? ''),
    listKind: String(names.listKind ?? `${String(names.kind ?? '')}List`),
    plural: String(names.plural ?? ''),
    namespaced: spec.scope !== 'Cluster',
    status: isPlainObject(sub.status),
    scale: isPlainObject(sub.scale),
    schema: o(o(v.schema).openAPIV3Schema),
    selectableFields: (Array.isArray(v.selectableFields) ? v.selectableFields : []).map((f) => String(o(f).jsonPath ?? '')).filter(Boolean),
  };
}

const TYPE_META_API_VERSION = 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const TYPE_META_KIND = 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const OBJECT_META_DESC = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_META_DESC = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

function ref(prefix: string, name: string, v2: boolean, description?: string): JObj {
  const r: JObj = { $ref: `${prefix}${name}` };
  if (v2) return description ? { ...r, description } : r;
  return description ? { allOf: [r], description } : r;
}

/** Adds apiVersion/kind/metadata to embedded resources (addEmbeddedProperties); v2 drops what swagger 2.0 can't say. */
function convertSchema(s: JsonValue, v2: boolean, prefix: string): JsonValue {
  if (Array.isArray(s)) return s.map((x) => convertSchema(x, v2, prefix));
  if (!isPlainObject(s)) return s;
  const out: JObj = {};
  for (const [k, v] of Object.entries(s as JObj)) {
    if (k === 'properties' && isPlainObject(v)) {
      const p: JObj = {};
      for (const [pk, pv] of Object.entries(v as JObj)) p[pk] = convertSchema(pv, v2, prefix);
      out.properties = p;
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') out[k] = convertSchema(v, v2, prefix);
    else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
      if (!v2) out[k] = convertSchema(v, v2, prefix);
    } else if (k === 'default' || k === 'enum' || k === 'example') out[k] = v;
    else if (v2 && (k === 'nullable' || k === 'x-kubernetes-validations')) continue;
    else out[k] = v;
  }
  if (v2 && out['x-kubernetes-int-or-string'] === true) delete out.type;
  if (out['x-kubernetes-embedded-resource'] === true) {
    const props = o(out.properties);
    out.properties = {
      ...props,
      apiVersion: { description: TYPE_META_API_VERSION, type: 'string' },
      kind: { description: TYPE_META_KIND, type: 'string' },
      metadata: ref(prefix, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', v2, OBJECT_META_DESC),
    };
  }
  return out;
}

function resourceSchema(c: CRDInfo, v2: boolean, prefix: string): { item: JObj; list: JObj } {
  const base = Object.keys(c.schema).length ? (convertSchema(clone(c.schema) as JsonValue, v2, prefix) as JObj) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const item: JObj = { ...base };
  item.properties = {
    ...o(base.properties),
    apiVersion: { description: TYPE_META_API_VERSION, type: 'string' },
    kind: { description: TYPE_META_KIND, type: 'string' },
    metadata: ref(prefix, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', v2, OBJECT_META_DESC),
  };
  if (!item.type) item.type = 'object';
  item['x-kubernetes-group-version-kind'] = [{ group: c.group, kind: c.kind, version: c.version }];
  if (c.selectableFields.length) item['x-kubernetes-selectable-fields'] = c.selectableFields.map((f) => ({ fieldPath: f.replace(/^\./, '') }));
  const name = crdDefinitionName(c.group, c.version, c.kind);
  const list: JObj = {
    description: `${c.listKind} is a list of ${c.kind}`,
    properties: {
      apiVersion: { description: TYPE_META_API_VERSION, type: 'string' },
      items: { description: `List of ${c.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, items: ref(prefix, name, v2), type: 'array' },
      kind: { description: TYPE_META_KIND, type: 'string' },
      metadata: ref(prefix, 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta', v2, LIST_META_DESC),
    },
    required: ['items'],
    type: 'object',
    'x-kubernetes-group-version-kind': [{ group: c.group, kind: c.listKind, version: c.version }],
  };
  return { item, list };
}

const KEEP_CONTENT = new Set(['application/json', 'application/yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', '*/*']);

/** Rewrites a Deployment operation tree into the CRD's. */
function rewrite(v: JsonValue, c: CRDInfo, v2: boolean): JsonValue {
  const gv = `${pascalGroup(c.group)}${c.version[0]!.toUpperCase()}${c.version.slice(1)}`;
  const defName = crdDefinitionName(c.group, c.version, c.kind);
  const walk = (x: JsonValue, key?: string): JsonValue => {
    if (Array.isArray(x)) {
      let arr = x.map((y) => walk(y));
      if (key === 'consumes' || key === 'produces') arr = arr.filter((y) => typeof y === 'string' && KEEP_CONTENT.has(y));
      if (key === 'parameters' && !c.namespaced) arr = arr.filter((p) => !(isPlainObject(p) && ((p as JObj).name === 'namespace' || String((p as JObj).$ref ?? '').includes('/namespace-'))));
      return arr;
    }
    if (isPlainObject(x)) {
      const out: JObj = {};
      for (const [k, y] of Object.entries(x as JObj)) {
        if (key === 'content' && !KEEP_CONTENT.has(k)) continue;
        out[k] = walk(y, k);
      }
      if (key === 'x-kubernetes-group-version-kind' && out.kind === 'Deployment') return { group: c.group, kind: c.kind, version: c.version };
      return out;
    }
    if (typeof x === 'string') {
      if (key === 'operationId') {
        let s = x.replace('AppsV1', gv).replace('DeploymentList', c.kind).replace('Deployment', c.kind);
        if (!c.namespaced) s = s.replace('Namespaced', '');
        return s;
      }
      if (key === '$ref') return x.replace('io.k8s.api.apps.v1.DeploymentList', `${defName}List`).replace('io.k8s.api.apps.v1.Deployment', defName);
      if (key === 'description' || key === 'tags') return x.replace(/\bDeployment\b/g, c.kind).replace(/^apps_v1$/, `${c.group}_${c.version}`);
      return x;
    }
    return x;
  };
  void v2;
  return walk(v);
}

function paths(c: CRDInfo, source: JObj, v2: boolean): JObj {
  const src = o(source.paths);
  const out: JObj = {};
  const base = `/apis/${c.group}/${c.version}`;
  const ns = c.namespaced ? '/namespaces/{namespace}' : '';
  const map: [string, string][] = [
    ['/apis/apps/v1/namespaces/{namespace}/deployments', `${base}${ns}/${c.plural}`],
    ['/apis/apps/v1/namespaces/{namespace}/deployments/{name}', `${base}${ns}/${c.plural}/{name}`],
  ];
  if (c.namespaced) map.unshift(['/apis/apps/v1/deployments', `${base}/${c.plural}`]);
  if (c.status) map.push(['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status', `${base}${ns}/${c.plural}/{name}/status`]);
  if (c.scale) map.push(['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale', `${base}${ns}/${c.plural}/{name}/scale`]);
  for (const [from, to] of map) {
    const item = src[from];
    if (item === undefined) continue;
    out[to] = rewrite(clone(item), c, v2);
  }
  return out;
}

function closure(names: Set<string>, pool: JObj, prefix: string): JObj {
  const out: JObj = {};
  const queue = [...names];
  while (queue.length) {
    const n = queue.pop()!;
    if (n in out || !(n in pool)) continue;
    out[n] = pool[n]!;
    const s = JSON.stringify(pool[n]);
    for (const m of s.matchAll(new RegExp(`"${prefix.replace(/[/#]/g, (ch) => `\\${ch}`)}([^"]+)"`, 'g'))) queue.push(m[1]!);
  }
  return out;
}

/** The per-group-version OpenAPI v3 document kube publishes for one CRD version (/openapi/v3/apis/<group>/<version>). */
export function crdOpenAPIv3Document(crd: KObject, version: string): unknown {
  const c = info(crd, version);
  const prefix = '#/components/schemas/';
  const { item, list } = resourceSchema(c, false, prefix);
  const name = crdDefinitionName(c.group, c.version, c.kind);
  const pool: JObj = { ...o(o(apps3().components).schemas), ...o(o(autoscaling3().components).schemas) };
  const p = paths(c, apps3(), false);
  const needed = new Set<string>(['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta']);
  for (const m of JSON.stringify(p).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) if (m[1] !== name && m[1] !== `${name}List`) needed.add(m[1]!);
  const schemas: JObj = { ...closure(needed, pool, prefix), [name]: item, [`${name}List`]: list };
  const sorted: JObj = {};
  for (const k of Object.keys(schemas).sort()) sorted[k] = schemas[k]!;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
    paths: p,
    components: { schemas: sorted, securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } } },
    security: [{ BearerToken: [] }],
  };
}

/** Paths + definitions for one CRD version, merged into /openapi/v2 (OpenAPIService.setExtraV2). */
export function crdSwaggerFragment(crd: KObject, version: string): SwaggerFragment {
  const c = info(crd, version);
  const prefix = '#/definitions/';
  const { item, list } = resourceSchema(c, true, prefix);
  const name = crdDefinitionName(c.group, c.version, c.kind);
  return { paths: paths(c, swagger2(), true), definitions: { [name]: item, [`${name}List`]: list } };
}

/** Merges the v3 documents of several CRDs served in the same group version into one document. */
export function mergeOpenAPIv3Documents(docs: unknown[]): unknown {
  const out: JObj = { openapi: '3.0.0', info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' }, paths: {}, components: { schemas: {} } };
  for (const d of docs) {
    const doc = o(d);
    Object.assign(o(out.paths), o(doc.paths));
    const comps = o(doc.components);
    Object.assign(o(o(out.components).schemas), o(comps.schemas));
    if (comps.securitySchemes) o(out.components).securitySchemes = comps.securitySchemes;
    if (doc.security) out.security = doc.security;
  }
  const schemas = o(o(out.components).schemas);
  const sorted: JObj = {};
  for (const k of Object.keys(schemas).sort()) sorted[k] = schemas[k]!;
  o(out.components).schemas = sorted;
  return out;
}
