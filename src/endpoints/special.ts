// Endpoints that are not plain stored objects: access and identity reviews, pod binding/eviction/log,
// the connect subresources (exec, attach, port-forward, proxy) and subresources that update one field.
import { badRequest, conflict, invalid, notFound, StatusError } from '../api/errors.js';
import { fieldErr } from '../api/field-errors.js';
import { apiVersionOf, isObject, type KObject, type UserInfo } from '../api/types.js';
import type { ResourceRegistry, ServedResource } from '../registry/registry.js';
import type { RequestScope } from '../registry/store.js';
import type { Authorizer } from '../api/authorization.js';
import { decodeObjectBody, decodePatchBody } from './body.js';
import type { RequestContext } from './http.js';
import { dryRunParam } from './params.js';
import type { SubresourceHandler } from './resources.js';
import { successStatus, writeJson } from './responses.js';

export type AccessDecider = Authorizer;

function userInfoJson(u: UserInfo): Record<string, unknown> {
  const o: Record<string, unknown> = { username: u.username };
  if (u.uid) o.uid = u.uid;
  o.groups = u.groups;
  if (u.extra && Object.keys(u.extra).length) o.extra = u.extra;
  return o;
}

async function readReview(ctx: RequestContext, served: ServedResource): Promise<KObject> {
  const body = await decodeObjectBody(ctx.req);
  if (!body) throw badRequest('the body of the request was empty');
  const want = apiVersionOf(served.info.group, served.info.version);
  if (body.apiVersion && body.apiVersion !== want) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${want})`);
  }
  if (body.kind && body.kind !== served.info.kind) {
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${served.info.kind})`);
  }
  return body;
}

function reviewResponse(served: ServedResource, body: KObject, status: Record<string, unknown>): KObject {
  const meta = isObject(body.metadata) ? { ...body.metadata } : {};
  if (!('creationTimestamp' in meta)) (meta as Record<string, unknown>).creationTimestamp = null;
  const out: KObject = { kind: served.info.kind, apiVersion: apiVersionOf(served.info.group, served.info.version), metadata: meta };
  if (body.spec !== undefined) out.spec = body.spec;
  out.status = status;
  return out;
}

type Attrs = Parameters<AccessDecider['authorize']>[0];

function attributesFromSpec(spec: Record<string, unknown>, user: UserInfo, namespaceOverride?: string): Attrs | StatusError {
  const ra = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nra = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (ra && nra) return invalid('authorization.k8s.io', 'SubjectAccessReview', '', [fieldErr.invalid('spec.nonResourceAttributes', nra, 'cannot be specified in combination with resourceAttributes')]);
  if (!ra && !nra) return invalid('authorization.k8s.io', 'SubjectAccessReview', '', [fieldErr.invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')]);
  if (nra) return { user, verb: String(nra.verb ?? ''), isResourceRequest: false, path: String(nra.path ?? '') };
  const r = ra!;
  return {
    user,
    verb: String(r.verb ?? ''),
    isResourceRequest: true,
    path: '',
    namespace: namespaceOverride ?? (r.namespace ? String(r.namespace) : undefined),
    group: String(r.group ?? ''),
    version: String(r.version ?? ''),
    resource: String(r.resource ?? ''),
    subresource: r.subresource ? String(r.subresource) : undefined,
    name: r.name ? String(r.name) : undefined,
  };
}

function decisionStatus(d: { allowed: boolean; reason: string }): Record<string, unknown> {
  const s: Record<string, unknown> = { allowed: d.allowed };
  if (d.reason) s.reason = d.reason;
  return s;
}

export function virtualResources(authz: AccessDecider, registry: ResourceRegistry): Map<string, SubresourceHandler> {
  const m = new Map<string, SubresourceHandler>();
  m.set('authentication.k8s.io|selfsubjectreviews', async (ctx, served) => {
    const body = await readReview(ctx, served);
    writeJson(ctx.res, 201, reviewResponse(served, body, { userInfo: userInfoJson(ctx.user) }));
  });
  m.set('authentication.k8s.io|tokenreviews', async (ctx, served) => {
    const body = await readReview(ctx, served);
    const spec = isObject(body.spec) ? body.spec : {};
    if (!spec.token) throw invalid('authentication.k8s.io', 'TokenReview', '', [fieldErr.required('spec.token', '')]);
    writeJson(ctx.res, 201, reviewResponse(served, body, { user: {} }));
  });
  m.set('authorization.k8s.io|selfsubjectaccessreviews', async (ctx, served) => {
    const body = await readReview(ctx, served);
    const spec = isObject(body.spec) ? body.spec : {};
    const attrs = attributesFromSpec(spec, ctx.user);
    if (attrs instanceof StatusError) throw attrs;
    writeJson(ctx.res, 201, reviewResponse(served, body, decisionStatus(authz.authorize(attrs))));
  });
  const sar = (local: boolean): SubresourceHandler => async (ctx, served, scope) => {
    const body = await readReview(ctx, served);
    const spec = isObject(body.spec) ? body.spec : {};
    const user: UserInfo = {
      username: String(spec.user ?? ''),
      uid: spec.uid ? String(spec.uid) : undefined,
      groups: Array.isArray(spec.groups) ? spec.groups.map(String) : [],
    };
    if (!user.username && user.groups.length === 0) {
      throw invalid('authorization.k8s.io', served.info.kind, '', [fieldErr.invalid('spec.user', '', 'at least one of user or group must be specified')]);
    }
    if (local && isObject(spec.resourceAttributes) && spec.resourceAttributes.namespace !== undefined && spec.resourceAttributes.namespace !== scope.namespace) {
      throw invalid('authorization.k8s.io', served.info.kind, '', [fieldErr.invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace, 'must match metadata.namespace')]);
    }
    const attrs = attributesFromSpec(spec, user, local ? scope.namespace : undefined);
    if (attrs instanceof StatusError) throw attrs;
    writeJson(ctx.res, 201, reviewResponse(served, body, decisionStatus(authz.authorize(attrs))));
  };
  m.set('authorization.k8s.io|subjectaccessreviews', sar(false));
  m.set('authorization.k8s.io|localsubjectaccessreviews', sar(true));
  m.set('authorization.k8s.io|selfsubjectrulesreviews', async (ctx, served) => {
    const body = await readReview(ctx, served);
    const spec = isObject(body.spec) ? body.spec : {};
    if (!spec.namespace) {
      // kube requires a namespace for rules reviews
      throw invalid('authorization.k8s.io', 'SelfSubjectRulesReview', '', [fieldErr.required('spec.namespace', '')]);
    }
    const all = authz.authorize({ user: ctx.user, verb: '*', isResourceRequest: true, path: '', namespace: String(spec.namespace), group: '*', resource: '*' });
    const status = all.allowed
      ? {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        }
      : {
          resourceRules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }],
          nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }],
          incomplete: false,
        };
    writeJson(ctx.res, 201, reviewResponse(served, body, status));
  });
  m.set('|bindings', async (ctx, served, scope) => {
    const body = await readReview(ctx, served);
    await bindPod(ctx, registry, scope, body, String(body.metadata?.name ?? ''));
  });
  return m;
}

async function bindPod(ctx: RequestContext, registry: ResourceRegistry, scope: RequestScope, binding: KObject, podName: string): Promise<void> {
  const dryRun = dryRunParam(ctx.url.searchParams, 'CreateOptions');
  const target = isObject(binding.target) ? binding.target : {};
  const node = target.name ? String(target.name) : '';
  if (!node) throw invalid('', 'Binding', podName, [fieldErr.required('target.name', '')]);
  const store = registry.storeFor('', 'pods');
  if (!store) throw notFound({ group: '', resource: 'pods' }, podName);
  const podScope: RequestScope = { ...scope, resource: store.cfg.storageResource };
  const pod = await store.get(podScope, podName);
  const spec = isObject(pod.spec) ? pod.spec : {};
  if (spec.nodeName) throw conflict({ group: '', resource: 'pods/binding' }, podName, `pod ${podName} is already assigned to node ${JSON.stringify(String(spec.nodeName))}`);
  if (pod.metadata?.deletionTimestamp) throw conflict({ group: '', resource: 'pods/binding' }, podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
  await store.patch(podScope, podName, 'merge', { spec: { nodeName: node }, metadata: { resourceVersion: pod.metadata?.resourceVersion } }, { dryRun });
  writeJson(ctx.res, 201, successStatus());
}

export function subresourceHandlers(registry: ResourceRegistry): Map<string, SubresourceHandler> {
  const m = new Map<string, SubresourceHandler>();
  m.set('pods/binding', async (ctx, served, scope) => {
    if (ctx.info.verb !== 'create') throw methodNotAllowed();
    const body = await readReview(ctx, { ...served, info: { ...served.info, kind: 'Binding' } });
    await bindPod(ctx, registry, scope, body, ctx.info.name!);
  });
  m.set('pods/eviction', async (ctx, served, scope) => {
    if (ctx.info.verb !== 'create') throw methodNotAllowed();
    const body = await decodeObjectBody(ctx.req);
    if (!body) throw badRequest('the body of the request was empty');
    const name = ctx.info.name!;
    if (body.metadata?.name && body.metadata.name !== name) throw badRequest(`name in URL does not match name in Eviction object`);
    const dryRun = dryRunParam(ctx.url.searchParams, 'CreateOptions');
    const opts = isObject(body.deleteOptions) ? body.deleteOptions : {};
    await served.store.delete(scope, name, { gracePeriodSeconds: typeof opts.gracePeriodSeconds === 'number' ? opts.gracePeriodSeconds : undefined }, { dryRun });
    writeJson(ctx.res, 201, successStatus());
  });
  m.set('pods/log', async (ctx, served, scope) => {
    if (ctx.info.verb !== 'get') throw methodNotAllowed();
    const pod = await served.store.get(scope, ctx.info.name!);
    const containers = podContainers(pod);
    const want = ctx.url.searchParams.get('container');
    const name = pod.metadata!.name!;
    if (!want && containers.length !== 1) {
      throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
    }
    const c = want ?? containers[0]!;
    if (!containers.includes(c)) throw badRequest(`container ${c} is not valid for pod ${name}`);
    throw noNode(pod, c);
  });
  for (const sub of ['exec', 'attach', 'portforward', 'proxy']) {
    m.set(`pods/${sub}`, async (_ctx, served, scope) => {
      const pod = await served.store.get(scope, _ctx.info.name!);
      throw noNode(pod, undefined);
    });
  }
  m.set('services/proxy', async (ctx, served, scope) => {
    await served.store.get(scope, ctx.info.name!);
    throw new StatusError(503, 'ServiceUnavailable', `no endpoints available for service ${JSON.stringify(ctx.info.name)}`);
  });
  m.set('nodes/proxy', async (ctx, served, scope) => {
    await served.store.get(scope, ctx.info.name!);
    throw new StatusError(503, 'ServiceUnavailable', `no kubelet is reachable for node ${JSON.stringify(ctx.info.name)}`);
  });
  // Subresources that write one part of the object.
  m.set('namespaces/finalize', fieldSubresource((obj, body) => {
    const spec = isObject(obj.spec) ? { ...obj.spec } : {};
    const bspec = isObject(body.spec) ? body.spec : {};
    spec.finalizers = bspec.finalizers;
    if (spec.finalizers === undefined) delete spec.finalizers;
    return { ...obj, spec };
  }));
  m.set('certificatesigningrequests/approval', fieldSubresource((obj, body) => {
    const status = isObject(obj.status) ? { ...obj.status } : {};
    const bstatus = isObject(body.status) ? body.status : {};
    status.conditions = bstatus.conditions;
    if (status.conditions === undefined) delete status.conditions;
    return { ...obj, status };
  }, ['get', 'update', 'patch']));
  m.set('pods/ephemeralcontainers', fieldSubresource((obj, body) => {
    const spec = isObject(obj.spec) ? { ...obj.spec } : {};
    const bspec = isObject(body.spec) ? body.spec : {};
    spec.ephemeralContainers = bspec.ephemeralContainers;
    if (spec.ephemeralContainers === undefined) delete spec.ephemeralContainers;
    return { ...obj, spec };
  }, ['get', 'update', 'patch']));
  return m;
}

function methodNotAllowed(): StatusError {
  return new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

function podContainers(pod: KObject): string[] {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const cs = Array.isArray(spec.containers) ? spec.containers : [];
  return cs.filter(isObject).map((c) => String(c.name));
}

function noNode(pod: KObject, container: string | undefined): StatusError {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const name = pod.metadata?.name ?? '';
  if (!spec.nodeName) {
    if (container) return badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is waiting to start: ContainerCreating`);
    return badRequest(`pod ${name} does not have a host assigned`);
  }
  return new StatusError(503, 'ServiceUnavailable', `no kubelet is reachable for node ${JSON.stringify(String(spec.nodeName))}: this API server runs without nodes`);
}

/** A subresource whose PUT/PATCH replaces one part of the stored object (merge = how to fold the body in). */
function fieldSubresource(merge: (obj: KObject, body: KObject) => KObject, verbs = ['update']): SubresourceHandler {
  return async (ctx, served, scope) => {
    const name = ctx.info.name!;
    if (!verbs.includes(ctx.info.verb)) throw methodNotAllowed();
    if (ctx.info.verb === 'get') {
      writeJson(ctx.res, 200, await served.store.get(scope, name));
      return;
    }
    const dryRun = dryRunParam(ctx.url.searchParams, ctx.info.verb === 'patch' ? 'PatchOptions' : 'UpdateOptions');
    let body: KObject;
    const current = await served.store.get(scope, name);
    if (ctx.info.verb === 'patch') {
      const { kind, patch } = await decodePatchBody(ctx.req);
      if (kind === 'apply') throw new StatusError(415, 'UnsupportedMediaType', 'apply patches are not supported on this subresource');
      const { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } = await import('../registry/patch/index.js');
      body = kind === 'json' ? applyJsonPatch(current, patch) : kind === 'merge' ? applyMergePatch(current, patch) : applyStrategicMergePatch(current, patch, served.info.definition!);
    } else {
      const b = await decodeObjectBody(ctx.req);
      if (!b) throw badRequest('the body of the request was empty');
      body = b;
    }
    if (body.metadata?.name && body.metadata.name !== name) throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    const next = merge(current, body);
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== current.metadata?.resourceVersion) {
      throw conflict({ group: served.info.group, resource: served.info.name }, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const { obj } = await served.store.update(scope, name, next, { dryRun, subresource: ctx.info.subresource });
    writeJson(ctx.res, 200, obj);
  };
}

export { notFound };
