// The apiextensions controllers kube-apiserver runs for CRDs: naming (NamesAccepted, acceptedNames),
// establishing (Established), serving (REST, discovery, OpenAPI for established CRDs) and cleanup
// (deleting every instance of a CRD being deleted, then its finalizer).
import { StatusError } from '../api/errors.js';
import { isObject, type KObject, type UserInfo } from '../api/types.js';
import type { OpenAPIService } from '../openapi/index.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { GenericStore, RequestScope } from '../registry/store.js';
import { crdSpec, type CRDNames } from './crd-types.js';
import { CLEANUP_FINALIZER } from './crd-strategy.js';
import { crdOpenAPIv3Document, crdSwaggerFragment, mergeOpenAPIv3Documents } from './openapi.js';
import { customResourceServing, type CustomResourceServing, type WebhookCaller } from './serving.js';
import { loadCel } from './cel-loader.js';
import type { JsonValue } from '../openapi/index.js';

const SYSTEM: UserInfo = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime: string;
  reason: string;
  message: string;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function conditions(crd: KObject): Condition[] {
  const st = isObject(crd.status) ? crd.status : {};
  return Array.isArray(st.conditions) ? (st.conditions as Condition[]) : [];
}

function setCondition(list: Condition[], c: Omit<Condition, 'lastTransitionTime'>): Condition[] {
  const prev = list.find((x) => x.type === c.type);
  const ltt = prev && prev.status === c.status ? prev.lastTransitionTime : now();
  const next: Condition = { type: c.type, status: c.status, lastTransitionTime: ltt, reason: c.reason, message: c.message };
  return prev ? list.map((x) => (x.type === c.type ? next : x)) : [...list, next];
}

export class CRDController {
  private readonly queue = new Set<string>();
  private running = false;
  private stopped = false;
  private pending: Promise<void> = Promise.resolve();
  private published = new Set<string>();
  private publishedV2 = new Set<string>();

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly openapi: OpenAPIService,
    private readonly webhook?: WebhookCaller,
  ) {}

  private crdStore(): GenericStore {
    return this.registry.storeFor('apiextensions.k8s.io', 'customresourcedefinitions')!;
  }

  private scope(store: GenericStore, namespace?: string): RequestScope {
    return { resource: store.cfg.storageResource, namespace, user: SYSTEM };
  }

  /** Serve the CRDs already in storage (server start). */
  async start(): Promise<void> {
    const store = this.crdStore();
    if (!store) return;
    const all = (await store.list(this.scope(store), {})).items;
    if (all.length) await loadCel();
    for (const crd of all) this.queue.add(crd.metadata!.name!);
    await this.drain();
  }

  onChange(obj: KObject): void {
    if (this.stopped) return;
    this.queue.add(obj.metadata!.name!);
    if (!this.running) {
      this.running = true;
      this.pending = new Promise((resolve) => setImmediate(() => void this.drain().finally(resolve)));
    }
  }

  async idle(): Promise<void> {
    await this.pending;
  }

  stop(): void {
    this.stopped = true;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      if (this.queue.size) await loadCel();
      while (this.queue.size && !this.stopped) {
        const names = [...this.queue];
        this.queue.clear();
        for (const name of names) {
          try {
            await this.reconcile(name);
          } catch (e) {
            if (!this.stopped) console.error(`crd controller: ${name}:`, e);
          }
        }
        await this.resync();
      }
    } finally {
      this.running = false;
    }
  }

  /** Names, conditions and stored versions of one CRD; cleanup when it is being deleted. */
  private async reconcile(name: string): Promise<void> {
    const store = this.crdStore();
    const crd = await store.getRaw(undefined, name);
    if (!crd) return;
    if (crd.metadata?.deletionTimestamp) {
      await this.cleanup(crd);
      return;
    }
    const all = (await store.list(this.scope(store), {})).items.filter((c) => c.metadata?.name !== name && !c.metadata?.deletionTimestamp);
    const spec = crdSpec(crd);
    const names = spec.names;
    // kube's naming controller: names of other CRDs in the group are taken; each check overwrites the
    // reason, so the last conflict found is the one reported.
    const resources = new Set<string>();
    const kinds = new Set<string>();
    for (const other of all) {
      const os = crdSpec(other);
      if (os.group !== spec.group) continue;
      const on = acceptedOf(other) ?? os.names;
      resources.add(on.plural);
      if (on.singular) resources.add(on.singular);
      for (const sn of on.shortNames ?? []) resources.add(sn);
      kinds.add(on.kind);
      kinds.add(on.listKind ?? `${on.kind}List`);
    }
    const problems: { reason: string; message: string }[] = [];
    const inUse = (n: string) => `${JSON.stringify(n)} is already in use`;
    if (resources.has(names.plural)) problems.push({ reason: 'PluralConflict', message: inUse(names.plural) });
    const singular = names.singular ?? names.kind.toLowerCase();
    if (resources.has(singular)) problems.push({ reason: 'SingularConflict', message: inUse(singular) });
    const sn = (names.shortNames ?? []).find((x) => resources.has(x));
    if (sn) problems.push({ reason: 'ShortNamesConflict', message: inUse(sn) });
    if (kinds.has(names.kind)) problems.push({ reason: 'KindConflict', message: inUse(names.kind) });
    const listKind = names.listKind ?? `${names.kind}List`;
    if (kinds.has(listKind)) problems.push({ reason: 'ListKindConflict', message: inUse(listKind) });
    let conds = conditions(crd);
    const status = { ...(isObject(crd.status) ? crd.status : {}) } as Record<string, unknown>;
    const wasEstablished = conds.some((c) => c.type === 'Established' && c.status === 'True');
    if (problems.length === 0) {
      conds = setCondition(conds, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
      status.acceptedNames = acceptedNamesOf(names);
      conds = setCondition(conds, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
    } else {
      const last = problems[problems.length - 1]!;
      conds = setCondition(conds, { type: 'NamesAccepted', status: 'False', reason: last.reason, message: last.message });
      if (!wasEstablished) conds = setCondition(conds, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' });
    }
    status.conditions = conds;
    if (JSON.stringify(status) === JSON.stringify(crd.status)) return;
    try {
      await store.update(this.scope(store), name, { ...crd, status }, { dryRun: false, subresource: 'status', fieldManager: 'kube-apiserver' });
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) this.queue.add(name);
      else throw e;
    }
  }

  /** Delete every instance, then drop the cleanup finalizer so the CRD goes. */
  private async cleanup(crd: KObject): Promise<void> {
    const store = this.crdStore();
    const name = crd.metadata!.name!;
    let conds = conditions(crd);
    if (!conds.some((c) => c.type === 'Terminating' && c.status === 'True')) {
      conds = setCondition(conds, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' });
      const updated = await store.update(this.scope(store), name, { ...crd, status: { ...(crd.status as object), conditions: conds } }, { dryRun: false, subresource: 'status' }).catch(() => undefined);
      if (updated) crd = updated.obj;
    }
    const spec = crdSpec(crd);
    const plural = (acceptedOf(crd) ?? spec.names).plural;
    const crStore = this.registry.storeFor(spec.group, plural);
    if (crStore) {
      const scope = this.scope(crStore);
      const items = (await crStore.list(scope, {})).items;
      let remaining = 0;
      for (const item of items) {
        try {
          const r = await crStore.delete({ ...scope, namespace: item.metadata?.namespace }, item.metadata!.name!, { propagationPolicy: 'Background' }, { dryRun: false });
          if (!r.deleted) remaining++;
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
      if (remaining > 0) {
        setTimeout(() => this.onChange(crd), 1000).unref();
        return;
      }
    }
    const cur = await store.getRaw(undefined, name);
    if (!cur) return;
    const finalizers = (cur.metadata?.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
    await store
      .update(this.scope(store), name, { ...cur, metadata: { ...cur.metadata, finalizers } }, { dryRun: false, fieldManager: 'kube-apiserver' })
      .catch((e: unknown) => {
        if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
        if (e.code === 409) this.queue.add(name);
      });
  }

  /** Serve exactly the Established CRDs (REST, discovery, OpenAPI). */
  private async resync(): Promise<void> {
    const store = this.crdStore();
    const all = (await store.list(this.scope(store), {})).items;
    const servings: CustomResourceServing[] = [];
    const established: KObject[] = [];
    for (const crd of all) {
      if (!conditions(crd).some((c) => c.type === 'Established' && c.status === 'True')) continue;
      try {
        servings.push(customResourceServing(crd, this.webhook));
        established.push(crd);
      } catch (e) {
        console.error(`crd ${crd.metadata?.name}: cannot serve:`, e);
      }
    }
    this.registry.setCustomResources(servings);
    this.publishOpenAPI(established);
  }

  private publishOpenAPI(crds: KObject[]): void {
    const byGV = new Map<string, unknown[]>();
    const v2 = new Set<string>();
    for (const crd of crds) {
      const spec = crdSpec(crd);
      for (const v of spec.versions.filter((x) => x.served)) {
        const path = `apis/${spec.group}/${v.name}`;
        try {
          byGV.set(path, [...(byGV.get(path) ?? []), crdOpenAPIv3Document(crd, v.name)]);
          const key = `${crd.metadata!.name}/${v.name}`;
          this.openapi.setExtraV2(key, crdSwaggerFragment(crd, v.name));
          v2.add(key);
        } catch (e) {
          console.error(`crd ${crd.metadata?.name}: cannot publish OpenAPI:`, e);
        }
      }
    }
    for (const [path, docs] of byGV) this.openapi.setExtraDocument(path, mergeOpenAPIv3Documents(docs) as JsonValue);
    for (const p of this.published) if (!byGV.has(p)) this.openapi.removeExtraDocument(p);
    for (const k of this.publishedV2) if (!v2.has(k)) this.openapi.removeExtraV2(k);
    this.published = new Set(byGV.keys());
    this.publishedV2 = v2;
  }
}

function acceptedOf(crd: KObject): CRDNames | undefined {
  const st = isObject(crd.status) ? crd.status : undefined;
  const an = st && isObject(st.acceptedNames) ? (st.acceptedNames as unknown as CRDNames) : undefined;
  return an && an.plural ? an : undefined;
}

function acceptedNamesOf(n: CRDNames): Record<string, unknown> {
  const out: Record<string, unknown> = { plural: n.plural, singular: n.singular ?? n.kind.toLowerCase() };
  if (n.shortNames?.length) out.shortNames = n.shortNames;
  out.kind = n.kind;
  out.listKind = n.listKind ?? `${n.kind}List`;
  if (n.categories?.length) out.categories = n.categories;
  return out;
}
