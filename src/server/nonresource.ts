// Non-resource endpoints: health checks, /version, discovery, OpenAPI.
import { pathNotFound } from '../api/errors.js';
import { apiResourceList, apiGroup, discoveryRootResponse, negotiateDiscovery } from '../discovery/index.js';
import type { RequestContext } from '../endpoints/http.js';
import { header } from '../endpoints/http.js';
import { writeJson, writeSimple, writeText, writeYaml } from '../endpoints/responses.js';
import type { OpenAPIService } from '../openapi/index.js';
import type { ResourceRegistry } from '../registry/registry.js';

export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.13' };

export function versionInfo(): Record<string, string> {
  return {
    major: KUBE_VERSION.major,
    minor: KUBE_VERSION.minor,
    gitVersion: KUBE_VERSION.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-11-22T00:00:00Z',
    goVersion: `node${process.version}`,
    compiler: 'tsc',
    platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface NonResourceDeps {
  registry: ResourceRegistry;
  openapi: OpenAPIService;
  serverAddress: () => string;
  health: { healthz: HealthCheck[]; livez: HealthCheck[]; readyz: HealthCheck[] };
}

async function healthEndpoint(ctx: RequestContext, kind: 'healthz' | 'livez' | 'readyz', checks: HealthCheck[], sub: string | undefined): Promise<void> {
  const q = ctx.url.searchParams;
  const excluded = new Set(q.getAll('exclude'));
  if (sub) {
    const c = checks.find((x) => x.name === sub);
    if (!c) return writeText(ctx.res, 404, '404 page not found\n');
    try {
      await c.check();
      return writeText(ctx.res, 200, 'ok');
    } catch (e) {
      return writeText(ctx.res, 500, `internal server error: ${(e as Error).message}\n`);
    }
  }
  const lines: string[] = [];
  let failed = false;
  for (const c of checks) {
    if (excluded.has(c.name)) {
      lines.push(`[+]${c.name} excluded: ok`);
      continue;
    }
    try {
      await c.check();
      lines.push(`[+]${c.name} ok`);
    } catch {
      failed = true;
      lines.push(`[-]${c.name} failed: reason withheld`);
    }
  }
  const verbose = q.has('verbose');
  if (failed) {
    return writeText(ctx.res, 500, `${lines.join('\n')}\n${kind} check failed\n`);
  }
  if (verbose) return writeText(ctx.res, 200, `${lines.join('\n')}\n${kind} check passed\n`);
  return writeText(ctx.res, 200, 'ok');
}

export async function handleNonResource(ctx: RequestContext, deps: NonResourceDeps): Promise<void> {
  const path = ctx.url.pathname.replace(/\/+$/, '') || '/';
  const parts = path.split('/').filter(Boolean);
  const method = ctx.req.method ?? 'GET';
  const get = method === 'GET' || method === 'HEAD';

  if (parts[0] === 'healthz' || parts[0] === 'livez' || parts[0] === 'readyz') {
    if (parts.length > 2 || !get) return writeText(ctx.res, 404, '404 page not found\n');
    const kind = parts[0];
    return healthEndpoint(ctx, kind, deps.health[kind], parts[1]);
  }
  if (path === '/version') {
    if (!get) return writeText(ctx.res, 405, '405: Method Not Allowed');
    return writeJson(ctx.res, 200, versionInfo());
  }
  if (parts[0] === 'openapi') {
    if (!get) return writeText(ctx.res, 405, '405: Method Not Allowed');
    const r = deps.openapi.handle(path, ctx.url.searchParams, {
      accept: header(ctx.req, 'accept'),
      ifNoneMatch: header(ctx.req, 'if-none-match'),
      acceptEncoding: header(ctx.req, 'accept-encoding'),
    });
    if (!r) return writeText(ctx.res, 404, '404 page not found\n');
    return writeSimple(ctx.res, r);
  }
  if (parts[0] === 'api' || parts[0] === 'apis') {
    if (!get) throw pathNotFound();
    return discovery(ctx, deps, parts);
  }
  return writeText(ctx.res, 404, '404 page not found\n');
}

function discovery(ctx: RequestContext, deps: NonResourceDeps, parts: string[]): void {
  const groups = deps.registry.servedGroups();
  const accept = header(ctx.req, 'accept');
  if (parts.length === 1) {
    const scope = parts[0] as 'api' | 'apis';
    const r = discoveryRootResponse(groups, scope, { accept, ifNoneMatch: header(ctx.req, 'if-none-match'), serverAddress: deps.serverAddress() });
    if (r) return writeSimple(ctx.res, r);
    // YAML / protobuf negotiation: answer legacy JSON-shaped YAML, as a fallback.
    const doc = scope === 'api' ? { kind: 'APIVersions', versions: ['v1'] } : { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };
    return writeYaml(ctx.res, 200, doc);
  }
  const fmt = negotiateDiscovery(accept);
  if (fmt === 406) throw pathNotFound();
  if (parts[0] === 'api') {
    if (parts.length !== 2) throw pathNotFound();
    const gv = groups.find((g) => g.name === '')?.versions.find((v) => v.version === parts[1]);
    if (!gv) throw pathNotFound();
    return writeJson(ctx.res, 200, apiResourceList(gv));
  }
  const g = groups.find((x) => x.name === parts[1]);
  if (!g) throw pathNotFound();
  if (parts.length === 2) return writeJson(ctx.res, 200, apiGroup(g));
  const gv = g.versions.find((v) => v.version === parts[2]);
  if (!gv || parts.length !== 3) throw pathNotFound();
  return writeJson(ctx.res, 200, apiResourceList(gv));
}

