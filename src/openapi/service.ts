// /openapi/v2 and /openapi/v3 as kube-apiserver 1.32 serves them.
// Sources: k8s.io/kube-openapi @32ad38e42d3f pkg/handler/handler.go (v2), pkg/handler3/handler.go (v3 per-GV),
// k8s.io/kube-aggregator v0.32 pkg/controllers/openapiv3/aggregator/aggregator.go (v3 root, 404 for unknown paths),
// Go net/http ServeContent / Redirect and github.com/NYTimes/gziphandler (v2 gzip).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findDataDir } from './data-dir.js';
import { encodeOpenAPIv2, encodeOpenAPIv3, type JsonValue } from './gnostic.js';
import { parseAccept } from '../discovery/negotiate.js';

export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** What client-go/kubectl send (deprecated form, still accepted). */
export const OPENAPI_V2_PROTOBUF_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
export const OPENAPI_V3_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v3.v1.0+protobuf';
export const OPENAPI_V3_PROTOBUF_ACCEPT_DEPRECATED = 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf';

export interface OpenAPIResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export interface OpenAPIRequestHeaders {
  accept?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  acceptEncoding?: string;
}

/** A served group version (the catalogue's GroupVersionInfo fits; CRD group versions too). */
export interface ServedGroupVersion {
  group: string;
  version: string;
}

/** A fragment of swagger 2.0 (paths + definitions) added for CRDs to /openapi/v2. */
export interface SwaggerFragment {
  paths?: { [path: string]: JsonValue };
  definitions?: { [name: string]: JsonValue };
}

type JsonObject = { [key: string]: JsonValue };

interface Rendered {
  json: Buffer;
  /** Unquoted uppercase hex SHA-512 of `json`. */
  hash: string;
  lastModified: Date;
  proto?: Buffer;
}

function sha512Upper(data: Buffer | string): string {
  return createHash('sha512').update(data).digest('hex').toUpperCase();
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's http.TimeFormat / time.RFC1123 in UTC. */
function httpDate(d: Date): string {
  return d.toUTCString();
}

function rfc1123UTC(d: Date): string {
  // Go: time.Now().AddDate(1,0,0).Format(time.RFC1123) on a UTC host → "Mon, 02 Jan 2006 15:04:05 UTC"
  return d.toUTCString().replace(/GMT$/, 'UTC');
}

/** The ServeContent conditional-request handling for GET (If-None-Match, then If-Modified-Since). */
function notModified(etag: string | undefined, lastModified: Date, h: OpenAPIRequestHeaders): boolean {
  if (h.ifNoneMatch !== undefined && h.ifNoneMatch !== '') {
    if (!etag) return false;
    const opaque = etag.replace(/^W\//, '');
    for (const raw of h.ifNoneMatch.split(',')) {
      const t = raw.trim();
      if (t === '*') return true;
      if (t.replace(/^W\//, '') === opaque) return true;
    }
    return false;
  }
  if (h.ifModifiedSince) {
    const since = Date.parse(h.ifModifiedSince);
    if (!Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since) return true;
  }
  return false;
}

/** Non-group-version v3 documents kube-apiserver 1.32 lists, with the swagger paths they describe. */
const STATIC_NON_GV_DOCS: { [doc: string]: string[] } = {
  '.well-known/openid-configuration': ['/.well-known/openid-configuration/'],
  api: ['/api/'],
  apis: ['/apis/'],
  logs: ['/logs/', '/logs/{logpath}'],
  'openid/v1/jwks': ['/openid/v1/jwks/'],
  version: ['/version/'],
};

function gvPath(gv: ServedGroupVersion): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

export class OpenAPIService {
  private readonly served: () => readonly ServedGroupVersion[];
  private readonly dataDir: string;
  private swaggerCache: JsonObject | undefined;
  /** Rendered v3 documents, keyed by path; built-in documents never change. */
  private readonly v3Cache = new Map<string, Rendered>();
  private readonly extraV3 = new Map<string, Rendered>();
  private readonly extraV2 = new Map<string, SwaggerFragment>();
  private v2Cache: { key: string; rendered: Rendered } | undefined;
  private v2Generation = 0;

  constructor(servedGroupVersions: () => readonly ServedGroupVersion[], dataDir: string = findDataDir()) {
    this.served = servedGroupVersions;
    this.dataDir = dataDir;
  }

  // ------------------------------------------------------------------ dynamic (CRD) documents

  /** Adds/replaces the v3 document served at /openapi/v3/<path> (e.g. "apis/example.com/v1"). */
  setExtraDocument(path: string, doc: JsonValue): void {
    const json = Buffer.from(JSON.stringify(doc));
    const prev = this.extraV3.get(path);
    if (prev && prev.json.equals(json)) return;
    this.extraV3.set(path, { json, hash: sha512Upper(json), lastModified: new Date() });
  }

  removeExtraDocument(path: string): void {
    this.extraV3.delete(path);
  }

  /** Adds/replaces paths + definitions merged into /openapi/v2 (e.g. for one CRD). */
  setExtraV2(key: string, fragment: SwaggerFragment): void {
    this.extraV2.set(key, fragment);
    this.v2Generation++;
  }

  removeExtraV2(key: string): void {
    if (this.extraV2.delete(key)) this.v2Generation++;
  }

  // ------------------------------------------------------------------ v3

  /** The current /openapi/v3 index: path → hash (unquoted) of every listed document. */
  v3Paths(): Map<string, string> {
    const out = new Map<string, string>();
    for (const p of this.listedV3Paths()) {
      const r = this.renderV3(p);
      if (r) out.set(p, r.hash);
    }
    return out;
  }

  private listedV3Paths(): string[] {
    const paths = new Set<string>(Object.keys(STATIC_NON_GV_DOCS));
    for (const gv of this.served()) {
      const p = gvPath(gv);
      if (this.extraV3.has(p) || existsSync(this.gvFile(p))) paths.add(p);
      if (gv.group !== '') paths.add(`apis/${gv.group}`);
    }
    for (const p of this.extraV3.keys()) paths.add(p);
    return [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private gvFile(path: string): string {
    return join(this.dataDir, 'openapi', 'v3', `${path}.json`);
  }

  private renderV3(path: string): Rendered | undefined {
    const extra = this.extraV3.get(path);
    if (extra) return extra;
    const cached = this.v3Cache.get(path);
    if (cached) return cached;
    let doc: JsonValue | undefined;
    const staticPaths = STATIC_NON_GV_DOCS[path];
    if (staticPaths) doc = this.nonGVDocument(staticPaths);
    else if (/^apis\/[^/]+$/.test(path)) doc = this.nonGVDocument([`/${path}/`]);
    else if (/^(api\/[^/]+|apis\/[^/]+\/[^/]+)$/.test(path) && existsSync(this.gvFile(path)))
      doc = JSON.parse(readFileSync(this.gvFile(path), 'utf8')) as JsonValue;
    if (doc === undefined) return undefined;
    const json = Buffer.from(JSON.stringify(doc));
    const r: Rendered = { json, hash: sha512Upper(json), lastModified: new Date() };
    this.v3Cache.set(path, r);
    return r;
  }

  /** Is /openapi/v3/<path> currently served (listed in the index)? */
  private v3Served(path: string): boolean {
    if (this.extraV3.has(path)) return true;
    return this.listedV3Paths().includes(path);
  }

  /** GET /openapi/v3: `{"paths":{"<path>":{"serverRelativeURL":"/openapi/v3/<path>?hash=<HASH>"}}}`. */
  serveV3Index(headers: OpenAPIRequestHeaders = {}): OpenAPIResponse {
    const paths: { [k: string]: { serverRelativeURL: string } } = {};
    for (const [p, hash] of this.v3Paths()) {
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
    const body = Buffer.from(JSON.stringify({ paths }));
    const now = new Date();
    // kube-aggregator: http.ServeContent(w, r, "/openapi/v3", time.Now(), …) with no Content-Type/ETag set, so
    // Go sniffs "text/plain; charset=utf-8" and If-Modified-Since never matches.
    void headers;
    return {
      status: 200,
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'Last-Modified': httpDate(now),
        'Accept-Ranges': 'bytes',
        'Content-Length': String(body.length),
      },
      body,
    };
  }

  /** GET /openapi/v3/<path>?hash=… (path without the "/openapi/v3/" prefix). */
  serveV3Document(path: string, query: URLSearchParams, headers: OpenAPIRequestHeaders = {}): OpenAPIResponse {
    if (!this.v3Served(path)) return { status: 404, headers: {}, body: '' };
    const clauses = parseAccept(headers.accept && headers.accept !== '' ? headers.accept : '*/*');
    const out: Record<string, string> = { Vary: 'Accept' };
    if (clauses.length === 0) return { status: 200, headers: out, body: '' };
    const accepted: { subType: string; contentType: string; proto: boolean }[] = [
      { subType: 'json', contentType: 'application/json', proto: false },
      { subType: 'com.github.proto-openapi.spec.v3.v1.0+protobuf', contentType: OPENAPI_V3_PROTOBUF_CONTENT_TYPE, proto: true },
      { subType: 'com.github.proto-openapi.spec.v3@v1.0+protobuf', contentType: OPENAPI_V3_PROTOBUF_CONTENT_TYPE, proto: true },
    ];
    for (const clause of clauses) {
      for (const a of accepted) {
        if (clause.type !== 'application' && clause.type !== '*') continue;
        if (clause.subType !== a.subType && clause.subType !== '*') continue;
        const r = this.renderV3(path);
        if (!r) return { status: 404, headers: {}, body: '' };
        let data: Buffer = r.json;
        if (a.proto) {
          r.proto ??= encodeOpenAPIv3(JSON.parse(r.json.toString('utf8')) as JsonValue);
          data = r.proto;
        }
        out['Content-Type'] = a.contentType;
        const etag = `"${r.hash}"`;
        out['Etag'] = etag;
        const hash = query.get('hash');
        if (hash) {
          if (hash !== r.hash) {
            out['Location'] = `/openapi/v3/${path}?hash=${r.hash}`;
            return { status: 301, headers: out, body: '' };
          }
          out['Cache-Control'] = 'public, immutable';
          out['Expires'] = rfc1123UTC(new Date(Date.now() + 365 * 24 * 3600 * 1000));
        }
        return this.serveContent(data, etag, r.lastModified, headers, out);
      }
    }
    return { status: 406, headers: out, body: '' };
  }

  private serveContent(
    data: Buffer,
    etag: string | undefined,
    lastModified: Date,
    req: OpenAPIRequestHeaders,
    out: Record<string, string>,
  ): OpenAPIResponse {
    if (notModified(etag, lastModified, req)) {
      const h: Record<string, string> = { ...out };
      delete h['Content-Type'];
      if (!etag) h['Last-Modified'] = httpDate(lastModified);
      return { status: 304, headers: h, body: '' };
    }
    out['Last-Modified'] = httpDate(lastModified);
    out['Accept-Ranges'] = 'bytes';
    out['Content-Length'] = String(data.length);
    return { status: 200, headers: out, body: data };
  }

  // ------------------------------------------------------------------ swagger helpers

  private swagger(): JsonObject {
    this.swaggerCache ??= JSON.parse(readFileSync(join(this.dataDir, 'openapi', 'v2', 'swagger.json'), 'utf8')) as JsonObject;
    return this.swaggerCache;
  }

  /** A v3 document for the given swagger paths (api, apis, apis/<g>, version, logs, openid…), converted from v2. */
  private nonGVDocument(swaggerPaths: string[]): JsonObject {
    const sw = this.swagger();
    const swPaths = isObject(sw['paths']) ? sw['paths'] : {};
    const params = isObject(sw['parameters']) ? sw['parameters'] : {};
    const defs = isObject(sw['definitions']) ? sw['definitions'] : {};
    const paths: JsonObject = {};
    const refs = new Set<string>();
    for (const p of swaggerPaths) {
      const item = swPaths[p];
      if (!isObject(item)) continue;
      const out: JsonObject = {};
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') {
          if (Array.isArray(op)) out['parameters'] = op.map((x) => v2ParamToV3(x, params));
          continue;
        }
        if (!isObject(op)) continue;
        out[method] = v2OperationToV3(op, params, refs);
      }
      paths[p] = out;
    }
    const schemas: JsonObject = {};
    const queue = [...refs];
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (name in schemas) continue;
      const d = defs[name];
      if (d === undefined) continue;
      const local = new Set<string>();
      schemas[name] = v2SchemaToV3(d, local);
      for (const r of local) if (!(r in schemas)) queue.push(r);
    }
    const sortedSchemas: JsonObject = {};
    for (const k of Object.keys(schemas).sort()) sortedSchemas[k] = schemas[k]!;
    const components: JsonObject = {};
    if (Object.keys(sortedSchemas).length > 0) components['schemas'] = sortedSchemas;
    components['securitySchemes'] = {
      BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' },
    };
    return {
      openapi: '3.0.0',
      info: isObject(sw['info']) ? sw['info'] : { title: 'Kubernetes', version: 'unversioned' },
      paths,
      components,
    };
  }

  // ------------------------------------------------------------------ v2

  /** The swagger document filtered to the served group versions (+ CRD fragments), unreachable definitions pruned. */
  swaggerDocument(): JsonObject {
    return JSON.parse(this.renderV2().json.toString('utf8')) as JsonObject;
  }

  private v2Key(): string {
    const gvs = this.served().map((gv) => `${gv.group}/${gv.version}`);
    return `${this.v2Generation}|${[...new Set(gvs)].sort().join(',')}`;
  }

  private renderV2(): Rendered {
    const key = this.v2Key();
    if (this.v2Cache && this.v2Cache.key === key) return this.v2Cache.rendered;
    const doc = this.buildSwagger();
    const json = Buffer.from(JSON.stringify(doc));
    const rendered: Rendered = { json, hash: sha512Upper(json), lastModified: new Date() };
    this.v2Cache = { key, rendered };
    return rendered;
  }

  private buildSwagger(): JsonObject {
    const sw = this.swagger();
    const served = this.served();
    const gvSet = new Set(served.map((gv) => `${gv.group}/${gv.version}`));
    const groupSet = new Set(served.filter((gv) => gv.group !== '').map((gv) => gv.group));
    const srcPaths = isObject(sw['paths']) ? sw['paths'] : {};
    const paths: JsonObject = {};
    for (const [p, item] of Object.entries(srcPaths)) {
      let m: RegExpExecArray | null;
      if ((m = /^\/api\/([^/]+)\//.exec(p))) {
        if (!gvSet.has(`/${m[1]}`)) continue;
      } else if ((m = /^\/apis\/([^/]+)\/([^/]+)\//.exec(p))) {
        if (!gvSet.has(`${m[1]}/${m[2]}`)) continue;
      } else if ((m = /^\/apis\/([^/]+)\/$/.exec(p))) {
        if (!groupSet.has(m[1]!)) continue;
      }
      paths[p] = item;
    }
    const srcDefs: JsonObject = { ...(isObject(sw['definitions']) ? sw['definitions'] : {}) };
    for (const frag of this.extraV2.values()) {
      for (const [p, item] of Object.entries(frag.paths ?? {})) paths[p] = item;
      for (const [n, d] of Object.entries(frag.definitions ?? {})) srcDefs[n] = d;
    }
    // Reachability from the kept paths (definitions and shared parameters).
    const defRefs = new Set<string>();
    const paramRefs = new Set<string>();
    const collect = (v: JsonValue): void => {
      if (Array.isArray(v)) {
        for (const x of v) collect(x);
      } else if (isObject(v)) {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') {
            if (x.startsWith('#/definitions/')) defRefs.add(x.slice('#/definitions/'.length));
            else if (x.startsWith('#/parameters/')) paramRefs.add(x.slice('#/parameters/'.length));
          } else collect(x);
        }
      }
    };
    collect(paths);
    const srcParams = isObject(sw['parameters']) ? sw['parameters'] : {};
    const parameters: JsonObject = {};
    for (const name of Object.keys(srcParams)) {
      if (paramRefs.has(name)) {
        parameters[name] = srcParams[name]!;
        collect(srcParams[name]!);
      }
    }
    const reached = new Set<string>();
    const queue = [...defRefs];
    while (queue.length > 0) {
      const n = queue.pop()!;
      if (reached.has(n)) continue;
      reached.add(n);
      const before = new Set(defRefs);
      collect(srcDefs[n] ?? null);
      for (const r of defRefs) if (!before.has(r)) queue.push(r);
    }
    const definitions: JsonObject = {};
    for (const n of Object.keys(srcDefs).sort()) if (reached.has(n)) definitions[n] = srcDefs[n]!;
    const sortedPaths: JsonObject = {};
    for (const p of Object.keys(paths).sort()) sortedPaths[p] = paths[p]!;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(sw)) {
      if (k === 'paths') out[k] = sortedPaths;
      else if (k === 'definitions') out[k] = definitions;
      else if (k === 'parameters') out[k] = parameters;
      else out[k] = v;
    }
    return out;
  }

  /**
   * GET /openapi/v2. JSON for `application/json`, `*\/*` or no Accept; the gnostic protobuf for the
   * `…spec.v2@v1.0+protobuf` / `…spec.v2.v1.0+protobuf` types; 406 otherwise. ETag = quoted SHA-512 of the JSON
   * (same for both forms), If-None-Match → 304, `Vary: Accept-Encoding` + `Accept`, gzip (≥1400 bytes) when the
   * client accepts it.
   */
  serveV2(headers: OpenAPIRequestHeaders = {}): OpenAPIResponse {
    const clauses = parseAccept(headers.accept && headers.accept !== '' ? headers.accept : '*/*');
    const out: Record<string, string> = { Vary: 'Accept-Encoding, Accept' };
    const accepted: { subType: string; contentType: string; proto: boolean }[] = [
      { subType: 'json', contentType: 'application/json', proto: false },
      { subType: 'com.github.proto-openapi.spec.v2@v1.0+protobuf', contentType: OPENAPI_V2_PROTOBUF_CONTENT_TYPE, proto: true },
      { subType: 'com.github.proto-openapi.spec.v2.v1.0+protobuf', contentType: OPENAPI_V2_PROTOBUF_CONTENT_TYPE, proto: true },
    ];
    for (const clause of clauses) {
      for (const a of accepted) {
        if (clause.type !== 'application' && clause.type !== '*') continue;
        if (clause.subType !== a.subType && clause.subType !== '*') continue;
        const r = this.renderV2();
        let data = r.json;
        if (a.proto) {
          r.proto ??= encodeOpenAPIv2(JSON.parse(r.json.toString('utf8')) as JsonValue);
          data = r.proto;
        }
        out['Content-Type'] = a.contentType;
        const etag = `"${r.hash}"`;
        out['Etag'] = etag;
        const res = this.serveContent(data, etag, r.lastModified, headers, out);
        if (res.status === 200 && acceptsGzip(headers.acceptEncoding) && data.length >= 1400) {
          const gz = gzipSync(data);
          res.headers['Content-Encoding'] = 'gzip';
          res.headers['Content-Length'] = String(gz.length);
          delete res.headers['Accept-Ranges'];
          res.body = gz;
        }
        return res;
      }
    }
    return { status: 406, headers: out, body: '' };
  }

  /** Path-based dispatch: "/openapi/v2", "/openapi/v3", "/openapi/v3/<path>"; undefined for other paths. */
  handle(path: string, query: URLSearchParams, headers: OpenAPIRequestHeaders = {}): OpenAPIResponse | undefined {
    if (path === '/openapi/v2') return this.serveV2(headers);
    if (path === '/openapi/v3' || path === '/openapi/v3/') return path === '/openapi/v3' ? this.serveV3Index(headers) : { status: 404, headers: {}, body: '' };
    if (path.startsWith('/openapi/v3/')) return this.serveV3Document(path.slice('/openapi/v3/'.length), query, headers);
    return undefined;
  }
}

/** gziphandler.acceptsGzip: an explicit `gzip` coding with q > 0. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim().toLowerCase() !== 'gzip') continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k?.trim() === 'q' && v !== undefined) q = Number.parseFloat(v);
    }
    if (q > 0) return true;
  }
  return false;
}

// ------------------------------------------------------------------ v2 → v3 conversion (non-GV documents only)

function rewriteRef(ref: string): string {
  return ref.startsWith('#/definitions/') ? '#/components/schemas/' + ref.slice('#/definitions/'.length) : ref;
}

function v2SchemaToV3(s: JsonValue, refs: Set<string>): JsonValue {
  if (Array.isArray(s)) return s.map((x) => v2SchemaToV3(x, refs));
  if (!isObject(s)) return s;
  const ref = s['$ref'];
  if (typeof ref === 'string') {
    if (ref.startsWith('#/definitions/')) refs.add(ref.slice('#/definitions/'.length));
    const rest = Object.keys(s).filter((k) => k !== '$ref');
    if (rest.length === 0) return { $ref: rewriteRef(ref) };
    const out: JsonObject = { allOf: [{ $ref: rewriteRef(ref) }] };
    for (const k of rest) out[k] = s[k]!;
    return out;
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' && isObject(v)) {
      const props: JsonObject = {};
      for (const [pn, pv] of Object.entries(v)) props[pn] = v2SchemaToV3(pv, refs);
      out[k] = props;
    } else if (k === 'items' || k === 'additionalProperties' || k === 'allOf' || k === 'not') {
      out[k] = typeof v === 'boolean' ? v : v2SchemaToV3(v, refs);
    } else out[k] = v;
  }
  return out;
}

function v2ParamToV3(p: JsonValue, shared: JsonObject): JsonValue {
  let param = p;
  if (isObject(param) && typeof param['$ref'] === 'string' && param['$ref'].startsWith('#/parameters/')) {
    param = shared[param['$ref'].slice('#/parameters/'.length)] ?? param;
  }
  if (!isObject(param)) return param;
  const out: JsonObject = {};
  const schema: JsonObject = {};
  for (const [k, v] of Object.entries(param)) {
    if (['name', 'in', 'description', 'required'].includes(k)) out[k] = v;
    else schema[k] = v;
  }
  out['schema'] = schema;
  return out;
}

function v2OperationToV3(op: JsonObject, shared: JsonObject, refs: Set<string>): JsonObject {
  const out: JsonObject = {};
  const produces = Array.isArray(op['produces']) ? op['produces'].filter((x): x is string => typeof x === 'string') : [];
  for (const [k, v] of Object.entries(op)) {
    if (k === 'produces' || k === 'consumes' || k === 'schemes') continue;
    if (k === 'parameters' && Array.isArray(v)) {
      out[k] = v.map((x) => v2ParamToV3(x, shared));
    } else if (k === 'responses' && isObject(v)) {
      const responses: JsonObject = {};
      for (const [code, resp] of Object.entries(v)) {
        if (!isObject(resp)) continue;
        const r: JsonObject = {};
        const schema = resp['schema'];
        if (schema !== undefined) {
          const content: JsonObject = {};
          for (const mt of [...produces].sort()) content[mt] = { schema: v2SchemaToV3(schema, refs) };
          r['content'] = content;
        }
        if (resp['description'] !== undefined) r['description'] = resp['description'];
        responses[code] = r;
      }
      out[k] = responses;
    } else out[k] = v;
  }
  return out;
}
