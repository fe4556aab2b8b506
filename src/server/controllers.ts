// The few control loops kube-apiserver and kube-controller-manager run that users of a bare API server
// still expect: default namespaces, the kubernetes Service, namespace deletion, the default
// ServiceAccount and the kube-root-ca.crt ConfigMap in every namespace.
import { StatusError } from '../api/errors.js';
import type { KObject, UserInfo } from '../api/types.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { GenericStore, RequestScope } from '../registry/store.js';

const SYSTEM_USER: UserInfo = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface ControllerOptions {
  registry: ResourceRegistry;
  caPem: string;
  kubernetesServiceIP: string;
  advertiseAddress: string;
  securePort: number;
}

function scopeOf(store: GenericStore, namespace?: string): RequestScope {
  return { resource: store.cfg.storageResource, namespace, user: SYSTEM_USER };
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError && (e.code === 409 || e.code === 404 || e.code === 403)) return;
    throw e;
  }
}

export class Controllers {
  private readonly queue = new Set<string>();
  private running = false;
  private stopped = false;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly o: ControllerOptions) {}

  private store(group: string, resource: string): GenericStore {
    const s = this.o.registry.storeFor(group, resource);
    if (!s) throw new Error(`no store for ${group}/${resource}`);
    return s;
  }

  /** Create what a fresh cluster has, then reconcile every namespace. */
  async bootstrap(): Promise<void> {
    const ns = this.store('', 'namespaces');
    for (const name of DEFAULT_NAMESPACES) {
      if (await ns.getRaw(undefined, name)) continue;
      await ignoreExists(ns.create(scopeOf(ns), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { dryRun: false }));
    }
    await this.ensureKubernetesService();
    const all = await ns.list(scopeOf(ns), {});
    for (const n of all.items) this.enqueue(n.metadata!.name!);
    await this.drain();
  }

  private async ensureKubernetesService(): Promise<void> {
    const svc = this.store('', 'services');
    const existing = await svc.getRaw('default', 'kubernetes');
    if (!existing) {
      await ignoreExists(
        svc.create(
          scopeOf(svc, 'default'),
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
            spec: {
              type: 'ClusterIP',
              clusterIP: this.o.kubernetesServiceIP,
              ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: this.o.securePort }],
              sessionAffinity: 'None',
            },
          },
          { dryRun: false },
        ),
      );
    }
    // kube validates Endpoints addresses: a loopback advertise address cannot be published (as in kube,
    // where the endpoint reconciler needs a routable --advertise-address).
    if (/^127\.|^::1$/.test(this.o.advertiseAddress)) return;
    const ep = this.store('', 'endpoints');
    const epBody: KObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: this.o.advertiseAddress }], ports: [{ name: 'https', port: this.o.securePort, protocol: 'TCP' }] }],
    };
    const cur = await ep.getRaw('default', 'kubernetes');
    if (!cur) await ignoreExists(ep.create(scopeOf(ep, 'default'), epBody, { dryRun: false }));
    else if (JSON.stringify(cur.subsets) !== JSON.stringify(epBody.subsets)) {
      await ignoreExists(ep.update(scopeOf(ep, 'default'), 'kubernetes', { ...cur, subsets: epBody.subsets }, { dryRun: false }));
    }
  }

  /** Store change hook: schedule the namespace's reconciliation. */
  onChange(gr: { group: string; resource: string }, type: string, obj: KObject): void {
    if (this.stopped) return;
    const key = `${gr.group}/${gr.resource}`;
    if (key === '/namespaces') {
      this.enqueue(obj.metadata!.name!);
    } else if (type === 'DELETED' && ((key === '/serviceaccounts' && obj.metadata?.name === 'default') || (key === '/configmaps' && obj.metadata?.name === 'kube-root-ca.crt'))) {
      this.enqueue(obj.metadata!.namespace!);
    }
  }

  private enqueue(ns: string): void {
    this.queue.add(ns);
    if (!this.running) {
      this.running = true;
      this.pending = new Promise((resolve) => setImmediate(() => void this.drain().finally(resolve)));
    }
  }

  /** Wait until queued work is done (tests, shutdown). */
  async idle(): Promise<void> {
    await this.pending;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.size && !this.stopped) {
        const [ns] = this.queue;
        this.queue.delete(ns!);
        try {
          await this.reconcileNamespace(ns!);
        } catch (e) {
          if (!this.stopped) console.error(`namespace controller: ${ns}:`, e);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async reconcileNamespace(name: string): Promise<void> {
    const nsStore = this.store('', 'namespaces');
    const ns = await nsStore.getRaw(undefined, name);
    if (!ns) return;
    if (ns.metadata?.deletionTimestamp) {
      await this.finalizeNamespace(ns);
      return;
    }
    const sa = this.store('', 'serviceaccounts');
    if (!(await sa.getRaw(name, 'default'))) {
      await ignoreExists(sa.create(scopeOf(sa, name), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } }, { dryRun: false }));
    }
    const cm = this.store('', 'configmaps');
    const want = { 'ca.crt': this.o.caPem };
    const cur = await cm.getRaw(name, 'kube-root-ca.crt');
    const body: KObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } },
      data: want,
    };
    if (!cur) await ignoreExists(cm.create(scopeOf(cm, name), body, { dryRun: false }));
    else if (JSON.stringify(cur.data) !== JSON.stringify(want)) {
      await ignoreExists(cm.update(scopeOf(cm, name), 'kube-root-ca.crt', { ...cur, data: want }, { dryRun: false }));
    }
  }

  /** The namespace controller: delete everything in the namespace, then drop the kubernetes finalizer. */
  private async finalizeNamespace(ns: KObject): Promise<void> {
    const name = ns.metadata!.name!;
    let remaining = 0;
    const seen = new Set<GenericStore>();
    for (const served of this.o.registry.all()) {
      const store = served.store;
      if (seen.has(store) || !store.cfg.storageResource.namespaced) continue;
      seen.add(store);
      if (!store.cfg.storageResource.verbs.includes('delete')) continue;
      const scope = scopeOf(store, name);
      const items = (await store.list(scope, {})).items;
      for (const item of items) {
        try {
          const r = await store.delete(scope, item.metadata!.name!, { propagationPolicy: 'Background', gracePeriodSeconds: 0 }, { dryRun: false });
          if (!r.deleted) remaining++;
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
    }
    const nsStore = this.store('', 'namespaces');
    if (remaining > 0) {
      // Objects with finalizers: try again shortly, as kube's namespace controller does.
      setTimeout(() => this.enqueue(name), 1000).unref();
      return;
    }
    const cur = await nsStore.getRaw(undefined, name);
    if (!cur) return;
    const spec = (cur.spec as { finalizers?: string[] } | undefined) ?? {};
    if (spec.finalizers?.includes('kubernetes')) {
      const next = { ...cur, spec: { ...spec, finalizers: spec.finalizers.filter((f) => f !== 'kubernetes') } };
      if (!next.spec.finalizers.length) delete (next.spec as { finalizers?: string[] }).finalizers;
      await ignoreExists(nsStore.update(scopeOf(nsStore), name, next, { dryRun: false, subresource: 'finalize' }));
    }
    const after = await nsStore.getRaw(undefined, name);
    if (after && !((after.spec as { finalizers?: string[] } | undefined)?.finalizers?.length) && !after.metadata?.finalizers?.length) {
      await ignoreExists(nsStore.delete(scopeOf(nsStore), name, {}, { dryRun: false }));
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
