// Authorization. Until RBAC lands: authenticated users may do everything; anonymous users may read
// the public-info paths kube's system:public-info-viewer role grants.
import { StatusError } from '../api/errors.js';
import type { UserInfo } from '../api/types.js';
import type { AuthorizationAttributes, Authorizer, Decision } from '../api/authorization.js';
import type { RequestInfo } from '../endpoints/request-info.js';

export type { AuthorizationAttributes, Authorizer, Decision };

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

export const defaultAuthorizer: Authorizer = {
  authorize(a) {
    if (a.user.groups.includes('system:authenticated') || a.user.groups.includes('system:masters')) return { allowed: true, reason: '' };
    if (!a.isResourceRequest && a.verb === 'get' && PUBLIC_PATHS.has(a.path)) return { allowed: true, reason: '' };
    return { allowed: false, reason: '' };
  },
};

export function attributesOf(user: UserInfo, info: RequestInfo): AuthorizationAttributes {
  return {
    user,
    verb: info.verb,
    isResourceRequest: info.isResourceRequest,
    path: info.path,
    namespace: info.namespace,
    group: info.group,
    version: info.version,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
  };
}

/** kube's 403 message for a denied request (apiserver/pkg/endpoints/handlers/responsewriters/errors.go). */
export function forbiddenError(a: AuthorizationAttributes, reason: string): StatusError {
  const user = JSON.stringify(a.user.username);
  let msg: string;
  if (!a.isResourceRequest) {
    msg = `forbidden: User ${user} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  } else {
    const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource!;
    const gr = a.group ? `${a.resource}.${a.group}` : a.resource!;
    const subject = a.name ? `${gr} ${JSON.stringify(a.name)}` : gr;
    const scope = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
    msg = `${subject} is forbidden: User ${user} cannot ${a.verb} resource ${JSON.stringify(res)} in API group ${JSON.stringify(a.group ?? '')} ${scope}`;
  }
  if (reason) msg += `: ${reason}`;
  return new StatusError(403, 'Forbidden', msg, a.isResourceRequest ? { name: a.name, group: a.group, kind: a.resource } : {});
}
