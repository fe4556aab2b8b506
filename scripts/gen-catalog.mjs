// Derives data/catalog.json (the built-in resource catalogue) from the Kubernetes 1.32 OpenAPI v2 spec
// and the discovery samples in ../shared. Run at development time only: the output is committed, and the
// server never reads ../shared.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.SHARED_DIR ?? join(here, '..', '..', 'shared', 'kubernetes');
const swagger = JSON.parse(readFileSync(join(shared, 'openapi-v2', 'swagger.json'), 'utf8'));
const aggSample = JSON.parse(readFileSync(join(shared, 'discovery', 'samples', 'aggregated_v2.json'), 'utf8'));
const coreSample = JSON.parse(readFileSync(join(shared, 'discovery', 'samples', 'api__v1.json'), 'utf8'));

// Group order as kube-apiserver lists them in /apis (by group priority).
const groupOrder = aggSample.items.map((g) => g.metadata.name);

// shortNames, categories, singular names from the samples (stable across 1.31..1.36).
const extra = new Map();
for (const r of coreSample.resources) {
  if (r.name.includes('/')) continue;
  extra.set(`/${r.name}`, { shortNames: r.shortNames, categories: r.categories, singularName: r.singularName });
}
for (const g of aggSample.items) {
  for (const v of g.versions) {
    for (const r of v.resources) {
      const key = `${g.metadata.name}/${r.resource}`;
      if (!extra.has(key)) extra.set(key, { shortNames: r.shortNames, categories: r.categories, singularName: r.singularResource });
    }
  }
}

const actionVerb = { get: 'get', list: 'list', watch: 'watch', watchlist: 'watch', post: 'create', put: 'update', patch: 'patch', delete: 'delete', deletecollection: 'deletecollection' };
const methodVerb = { get: 'get', post: 'create', put: 'update', patch: 'patch', delete: 'delete' };

function versionLevel(v) {
  if (/^v\d+$/.test(v)) return 'ga';
  if (/^v\d+beta\d+$/.test(v)) return 'beta';
  return 'alpha';
}
function storageVersionHash(group, version, kind) {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

const gvs = new Map(); // "group/version" -> { group, version, resources: Map }
function gvEntry(group, version) {
  const k = `${group}/${version}`;
  if (!gvs.has(k)) gvs.set(k, { group, version, resources: new Map() });
  return gvs.get(k);
}

const pathRe = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(watch\/)?(namespaces\/\{namespace\}\/)?([^/{]+)(\/\{name\})?(\/[^{]+?)?(\/\{path\})?\/?$/;
for (const [path, item] of Object.entries(swagger.paths)) {
  const m = pathRe.exec(path);
  if (!m) continue;
  const [, coreV, grp, ver, watch, nsPart, resource, namePart, subPart, pathPart] = m;
  const group = coreV ? '' : grp;
  const version = coreV ?? ver;
  if (resource === 'namespaces' && !nsPart && namePart === undefined && subPart) continue;
  let res = resource;
  let namespaced = Boolean(nsPart);
  // /api/v1/namespaces/{name}/status etc. are cluster-scoped namespace subresources
  let sub = subPart ? subPart.slice(1) : undefined;
  // pods/resize is behind the alpha InPlacePodVerticalScaling gate in 1.32
  if (sub === 'resize') continue;
  if (pathPart && !sub) continue;
  const gv = gvEntry(group, version);
  for (const [method, op] of Object.entries(item)) {
    if (method === 'parameters') continue;
    const action = op['x-kubernetes-action'];
    const gvk = op['x-kubernetes-group-version-kind'];
    if (!action) continue;
    // the all-namespaces list path (/api/v1/pods) has no namespace part but belongs to a namespaced resource
    const key = res;
    if (!gv.resources.has(key)) gv.resources.set(key, { name: res, namespaced: false, verbs: new Set(), subresources: new Map(), kind: undefined, definition: undefined });
    const r = gv.resources.get(key);
    if (namespaced) r.namespaced = true;
    if (sub) {
      if (!r.subresources.has(sub)) r.subresources.set(sub, { name: sub, verbs: new Set(), gvk: undefined });
      const s = r.subresources.get(sub);
      const verb = action === 'connect' ? methodVerb[method] : actionVerb[action];
      if (verb) s.verbs.add(verb);
      if (gvk && !s.gvk) s.gvk = gvk;
      continue;
    }
    if (watch) { r.verbs.add('watch'); continue; }
    const verb = actionVerb[action];
    if (!verb) continue;
    // list across all namespaces is the same "list" verb
    r.verbs.add(verb);
    if (gvk && !r.kind && ['get', 'post', 'put', 'list', 'watch', 'delete', 'patch'].includes(action)) {
      if (action !== 'list' && action !== 'deletecollection') { r.kind = gvk.kind; }
    }
    const schemaRef = op.responses?.['200']?.schema?.$ref ?? op.responses?.['201']?.schema?.$ref;
    if (schemaRef && ['get', 'put', 'post'].includes(action) && !r.definition) {
      const def = schemaRef.replace('#/definitions/', '');
      if (swagger.definitions[def]?.['x-kubernetes-group-version-kind']?.some((k) => k.kind === gvk?.kind)) r.definition = def;
    }
  }
}

// Resources that exist only as create-only review endpoints have a kind on their post.
const out = [];
const allGroups = new Set([...gvs.values()].map((g) => g.group));
const sortedGroups = ['', ...groupOrder.filter((g) => allGroups.has(g)), ...[...allGroups].filter((g) => g !== '' && !groupOrder.includes(g)).sort()];
function versionPriority(v) {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  const major = Number(m[1]);
  const lvl = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  const minor = m[3] ? Number(m[3]) : 0;
  return lvl * 1e6 + major * 1e3 + minor;
}
for (const group of sortedGroups) {
  const versions = [...gvs.values()].filter((g) => g.group === group).sort((a, b) => versionPriority(b.version) - versionPriority(a.version));
  const gOut = { name: group, versions: [] };
  for (const gv of versions) {
    const resources = [];
    for (const r of [...gv.resources.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (!r.kind) {
        // subresource-only or connect-only entries (e.g. pods/proxy) hang off a real resource
        if (r.verbs.size === 0 && r.subresources.size === 0) continue;
      }
      const ex = extra.get(`${group === '' ? '' : group}/${r.name}`) ?? extra.get(`/${r.name}`) ?? {};
      const kind = r.kind;
      if (!kind) { console.error('no kind for', group, gv.version, r.name); continue; }
      const verbs = [...r.verbs].sort();
      const persisted = verbs.includes('get') || verbs.includes('list');
      const entry = {
        name: r.name,
        singularName: ex.singularName ?? kind.toLowerCase(),
        namespaced: r.namespaced,
        kind,
        verbs,
      };
      if (ex.shortNames?.length) entry.shortNames = ex.shortNames;
      if (ex.categories?.length) entry.categories = ex.categories;
      if (r.definition) entry.definition = r.definition;
      if (persisted && r.name !== 'componentstatuses') entry.storageVersionHash = storageVersionHash(group, gv.version, kind);
      if (r.subresources.size) {
        entry.subresources = [...r.subresources.values()].sort((a, b) => a.name.localeCompare(b.name)).map((s) => {
          const o = { name: s.name, kind: s.gvk?.kind ?? kind, verbs: [...s.verbs].sort() };
          if (s.gvk && (s.gvk.group !== group || s.gvk.version !== gv.version)) { o.group = s.gvk.group; o.version = s.gvk.version; }
          return o;
        });
      }
      resources.push(entry);
    }
    gOut.versions.push({ version: gv.version, level: versionLevel(gv.version), defaultEnabled: versionLevel(gv.version) === 'ga', resources });
  }
  out.push(gOut);
}

mkdirSync(join(here, '..', 'data'), { recursive: true });
writeFileSync(join(here, '..', 'data', 'catalog.json'), JSON.stringify({
  source: 'Derived by scripts/gen-catalog.mjs from the Kubernetes release-1.32 OpenAPI v2 spec and discovery samples',
  groups: out,
}, null, 1) + '\n');
console.log('groups', out.length, 'resources', out.reduce((n, g) => n + g.versions.reduce((m, v) => m + v.resources.length, 0), 0));
