// The handler chain: audit id → authentication → request info → authorization → resource or non-resource handler.
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { StatusError, unauthorized } from '../api/errors.js';
import type { UserInfo } from '../api/types.js';
import type { Req, RequestContext, Res } from '../endpoints/http.js';
import { parseRequestInfo } from '../endpoints/request-info.js';
import type { ResourceHandler } from '../endpoints/resources.js';
import { writeError } from '../endpoints/responses.js';
import { anonymousUser, userFromClientCert } from './authn.js';
import { attributesOf, forbiddenError, type Authorizer } from './authz.js';
import { handleNonResource, type NonResourceDeps } from './nonresource.js';

export interface ChainDeps extends NonResourceDeps {
  resources: ResourceHandler;
  authorizer: Authorizer;
  /** Bearer token authenticator (service account tokens etc.); undefined = none configured. */
  tokenAuthenticator?: (token: string) => UserInfo | undefined;
}

// A TLS connection's client certificate does not change: authenticate it once per connection
// (getPeerCertificate is expensive). HTTP/2 requests are keyed by their session.
const certUsers = new WeakMap<object, UserInfo | null>();

function certUserOf(req: Req): UserInfo | undefined {
  const key: object = ('stream' in req && req.stream?.session) || req.socket;
  let u = certUsers.get(key);
  if (u === undefined) {
    u = userFromClientCert(req.socket as TLSSocket) ?? null;
    certUsers.set(key, u);
  }
  return u ?? undefined;
}

export function authenticate(req: Req, deps: ChainDeps): UserInfo | StatusError {
  const certUser = certUserOf(req);
  if (certUser) return certUser;
  const auth = req.headers['authorization'];
  if (typeof auth === 'string' && /^bearer\s/i.test(auth)) {
    const token = auth.slice(7).trim();
    const u = deps.tokenAuthenticator?.(token);
    if (!u) return unauthorized();
    return u;
  }
  return anonymousUser();
}

export function makeHandler(deps: ChainDeps): (req: Req, res: Res) => void {
  return (req, res) => {
    void serve(req, res, deps);
  };
}

async function serve(req: Req, res: Res, deps: ChainDeps): Promise<void> {
  res.setHeader('audit-id', randomUUID());
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'https://localhost');
  } catch {
    return writeError(res, new StatusError(400, 'BadRequest', 'malformed request URI'));
  }
  try {
    const user = authenticate(req, deps);
    if (user instanceof StatusError) return writeError(res, user);
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    const attrs = attributesOf(user, info);
    const decision = deps.authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
    const ctx: RequestContext = { req, res, url, info, user, warnings: [] };
    if (info.isResourceRequest) await deps.resources.handle(ctx);
    else await handleNonResource(ctx, deps);
  } catch (e) {
    if (res.headersSent) {
      if (!res.writableEnded) res.end();
      return;
    }
    writeError(res, e);
  }
}
