// Parses a request path into kube's RequestInfo (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
import { parseGoBool } from '../util/strconv.js';

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** kube verb: get, list, watch, create, update, patch, delete, deletecollection; for non-resource requests the lowercased method. */
  verb: string;
  apiPrefix?: 'api' | 'apis';
  group: string;
  version: string;
  namespace?: string;
  resource?: string;
  name?: string;
  subresource?: string;
  /** Everything after the subresource (proxy paths). */
  rest?: string[];
  /** True for the deprecated /watch/ path form. */
  legacyWatch: boolean;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const methodVerb: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** A boolean query parameter: Go's strconv.ParseBool, empty = false. Returns undefined for absent, throws for unparsable. */
export function parseBool(v: string | null | undefined): boolean | undefined {
  if (v === null || v === undefined) return undefined;
  return v === '' ? false : parseGoBool(v);
}

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = { isResourceRequest: false, path: pathname, verb: method.toLowerCase(), group: '', version: '', legacyWatch: false };
  const parts = pathname.replace(/^\/+|\/+$/g, '').split('/').filter((p) => p !== '');
  if (parts.length === 0 || (parts[0] !== 'api' && parts[0] !== 'apis')) return info;
  info.apiPrefix = parts[0] as 'api' | 'apis';
  let cur = parts.slice(1);
  if (info.apiPrefix === 'apis') {
    if (cur.length < 3) return info;
    info.group = cur[0]!;
    cur = cur.slice(1);
  } else if (cur.length < 2) {
    return info;
  }
  info.version = cur[0]!;
  cur = cur.slice(1);
  info.isResourceRequest = true;
  info.verb = methodVerb[method] ?? method.toLowerCase();
  if (cur[0] === 'watch') {
    if (info.verb === 'get') {
      info.verb = 'watch';
      info.legacyWatch = true;
    }
    cur = cur.slice(1);
  }
  if (cur[0] === 'namespaces') {
    if (cur.length > 1) {
      info.namespace = cur[1];
      if (cur.length > 2 && !NAMESPACE_SUBRESOURCES.has(cur[2]!)) cur = cur.slice(2);
    }
  }
  info.resource = cur[0];
  if (cur.length >= 2) info.name = cur[1];
  if (cur.length >= 3) info.subresource = cur[2];
  if (cur.length > 3) info.rest = cur.slice(3);
  if (!info.name && info.verb === 'get') {
    let watch = false;
    try {
      watch = parseBool(query.get('watch')) ?? false;
    } catch {
      watch = false;
    }
    info.verb = watch ? 'watch' : 'list';
  }
  if (!info.name && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}
