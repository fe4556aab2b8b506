// The set of served resources: which group/version/resource is served, and the store behind each.
import { forbidden, notFound } from '../api/errors.js';
import type { KObject } from '../api/types.js';
import type { Storage } from '../storage/interface.js';
import { builtinGroups, type GroupInfo, type ResourceInfo } from './catalog.js';
import { storageVersionHashFor, storageVersionOf } from './storage-versions.js';
import { resourcePrefix } from './keys.js';
import { GenericStore, type StoreConfig } from './store.js';
import { WatchCache } from './watch-cache.js';
import { SqliteStorage } from '../storage/sqlite.js';
import type { StoreReader, Strategy } from './strategy.js';
import { stripHpaRoundTripAnnotations } from './conversions/index.js';
import type { CustomResourceServing } from '../apiextensions/serving.js';
import { versionPriorityCompare } from '../apiextensions/crd-types.js';
import { crdStrategy, crdValidator } from '../apiextensions/crd-strategy.js';
import { strategyFor } from './strategies/index.js';
import { validatorFor } from './validation/index.js';

/** Resources kube-apiserver answers DELETE for with the deleted object (ReturnDeletedObject). */
const RETURN_DELETED = new Set([
  '/pods',
  '/services',
  '/namespaces',
  '/serviceaccounts',
  '/persistentvolumes',
  '/persistentvolumeclaims',
  'storage.k8s.io/storageclasses',
  'apiextensions.k8s.io/customresourcedefinitions',
]);

/** Kinds whose strategies maintain metadata.generation. */
const GENERATION = new Set([
  'apps/*',
  'batch/*',
  'autoscaling/*',
  'policy/*',
  'networking.k8s.io/ingresses',
  'networking.k8s.io/networkpolicies',
  'networking.k8s.io/ingressclasses',
  'apiextensions.k8s.io/*',
  'flowcontrol.apiserver.k8s.io/*',
  'admissionregistration.k8s.io/*',
  '/replicationcontrollers',
  '/podtemplates',
  'resource.k8s.io/*',
]);

/** Built-in resources served by several groups that share one storage (kube's cohabitating resources). */
const SHARED_STORAGE: Record<string, { group: string; resource: string }> = {
  'events.k8s.io/events': { group: '', resource: 'events' },
};

/** Namespaces with spec.finalizers are marked Terminating; the namespace controller empties and removes them. */
function markNamespaceTerminating(ns: KObject): KObject | undefined {
  const spec = ns.spec as { finalizers?: string[] } | undefined;
  if (!spec?.finalizers?.length) return undefined;
  ns.status = { ...((ns.status as Record<string, unknown> | undefined) ?? {}), phase: 'Terminating' };
  return ns;
}

const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

function refuseImmortalNamespace(ns: KObject): void {
  const name = ns.metadata?.name ?? '';
  if (IMMORTAL_NAMESPACES.has(name)) throw forbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
}

/** kube drops the v1 round-trip annotations from HPAs written through autoscaling/v2. */
function withVersionQuirks(skey: string, base: Strategy): Strategy {
  if (skey !== 'autoscaling/horizontalpodautoscalers') return base;
  return {
    ...base,
    default(obj: KObject) {
      base.default?.(obj);
      if (obj.apiVersion === 'autoscaling/v2' && obj.metadata?.annotations) {
        const stripped = stripHpaRoundTripAnnotations(obj);
        obj.metadata = stripped.metadata;
        if (obj.metadata?.annotations && Object.keys(obj.metadata.annotations).length === 0) delete obj.metadata.annotations;
      }
    },
  };
}

export interface ServedResource {
  info: ResourceInfo;
  store: GenericStore;
  /** Set for custom resources (served from a CustomResourceDefinition). */
  custom?: CustomResourceServing;
}

export interface RegistryOptions {
  storage: Storage;
  /** A store of its own for a built-in resource (kube's --etcd-servers-overrides), by its storage group and resource. */
  storageFor?: (group: string, resource: string) => Storage | undefined;
  /** Serve lists and watches from a watch cache per resource (default true). */
  watchCache?: boolean;
  /** Key root, "/registry" by default (kube's --etcd-prefix). */
  root?: string;
  /** The group versions to serve. */
  groups: GroupInfo[];
  /** Events are deleted this long after their last write (kube's --event-ttl, in whole seconds); 0 = kept. */
  eventTTLSeconds?: number;
  onChange?: (gr: { group: string; resource: string }, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KObject) => void;
}

export class ResourceRegistry {
  private readonly served = new Map<string, ServedResource>();
  private readonly stores = new Map<string, GenericStore>();
  private readonly builtin: GroupInfo[];
  private groups: GroupInfo[];
  private customs = new Map<string, CustomResourceServing>();
  readonly reader: StoreReader;
  readonly root: string;

  constructor(private readonly opts: RegistryOptions) {
    this.root = opts.root ?? '/registry';
    const self = this;
    this.reader = {
      async list(group, resource, namespace) {
        const store = self.storeFor(group, resource);
        if (!store) return [];
        const scope = { resource: store.cfg.storageResource, namespace, user: { username: 'system:apiserver', groups: ['system:masters'] } };
        return (await store.list(scope, {})).items;
      },
      async get(group, resource, namespace, name) {
        const store = self.storeFor(group, resource);
        return store?.getRaw(namespace, name);
      },
    };
    // Discovery reports the storage version's hash in every version a resource is served in.
    this.builtin = opts.groups.map((g) => ({
      ...g,
      versions: g.versions.map((v) => ({
        ...v,
        resources: v.resources.map((r) => {
          const hash = r.storageVersionHash ? storageVersionHashFor(r.group, r.name) : undefined;
          return hash ? { ...r, storageVersionHash: hash } : r;
        }),
      })),
    }));
    this.groups = this.builtin;
    for (const g of this.groups) for (const v of g.versions) for (const r of v.resources) this.register(r);
  }

  /** The resource as kube-apiserver stores it: its storage group/version (cohabitating resources share one). */
  private storageInfo(group: string, resource: string): ResourceInfo | undefined {
    let sv: { group: string; version: string };
    try {
      sv = storageVersionOf(group, resource);
    } catch {
      return undefined;
    }
    const target = SHARED_STORAGE[`${group}/${resource}`] ?? { group, resource };
    const g = builtinGroups().find((x) => x.name === sv.group);
    return g?.versions.find((v) => v.version === sv.version)?.resources.find((x) => x.name === target.resource);
  }

  private register(r: ResourceInfo): void {
    const storageInfo = this.storageInfo(r.group, r.name) ?? r;
    const skey = `${storageInfo.group}/${storageInfo.name}`;
    let store = this.stores.get(skey);
    if (!store) {
      const cfg: StoreConfig = {
        storageResource: storageInfo,
        storage: this.opts.storageFor?.(storageInfo.group, storageInfo.name) ?? this.opts.storage,
        prefix: resourcePrefix(this.root, storageInfo),
        strategy: skey === CRD_KEY ? crdStrategy : withVersionQuirks(skey, strategyFor(storageInfo.group, storageInfo.name)),
        validator: skey === CRD_KEY ? crdValidator : validatorFor(storageInfo.group, storageInfo.name),
        validatorFor,
        reader: this.reader,
        returnDeletedObject: RETURN_DELETED.has(skey),
        hasGeneration: GENERATION.has(skey) || GENERATION.has(`${storageInfo.group}/*`),
        namespaceCheck: (ns, gr, name) => this.checkNamespace(ns, gr, name),
        softDelete: skey === '/namespaces' ? markNamespaceTerminating : undefined,
        deleteCheck: skey === '/namespaces' ? refuseImmortalNamespace : undefined,
        ttlSeconds: skey === '/events' ? this.opts.eventTTLSeconds : undefined,
        onChange: this.opts.onChange ? (type, obj) => this.opts.onChange!({ group: storageInfo.group, resource: storageInfo.name }, type, obj) : undefined,
      };
      store = new GenericStore(cfg);
      this.attachCache(store);
      this.stores.set(skey, store);
    }
    this.served.set(`${r.group}/${r.version}/${r.name}`, { info: r, store });
  }

  private async checkNamespace(namespace: string, gr: { group: string; resource: string }, name: string): Promise<void> {
    // Like kube's NamespaceLifecycle admission: the cached namespace, storage only on a cache miss.
    const ns = await this.storeFor('', 'namespaces')?.getRecent(undefined, namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    const status = ns.status as { phase?: string } | undefined;
    if (ns.metadata?.deletionTimestamp || status?.phase === 'Terminating') {
      throw forbidden(gr, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  /**
   * Serve exactly these custom resources (one per Established CRD). Stores of CRDs that are gone are
   * dropped (their data stays in storage until the CRD's cleanup deletes it).
   */
  setCustomResources(servings: CustomResourceServing[]): void {
    for (const [key, sr] of this.served) if (sr.custom) this.served.delete(key);
    for (const [key, store] of [...this.stores]) {
      if (key.startsWith('custom:')) {
        store.cfg.cache?.stop();
        this.stores.delete(key);
      }
    }
    this.customs = new Map(servings.map((c) => [`${c.group}/${c.plural}`, c]));
    for (const c of servings) {
      const storageInfo = c.resources.find((r) => r.version === c.storageVersion) ?? c.resources[0];
      if (!storageInfo) continue;
      const skey = `custom:${c.group}/${c.plural}`;
      const store = new GenericStore({
        storageResource: { ...storageInfo, version: c.storageVersion },
        storage: this.opts.storage,
        prefix: resourcePrefix(this.root, storageInfo, true),
        strategy: c.strategy,
        validator: c.validator,
        reader: this.reader,
        returnDeletedObject: false,
        hasGeneration: true,
        custom: true,
        typeResolver: (r) => c.typeResolver(r.version),
        pruneFields: (r, obj) => c.prune(r.version, obj),
        scale: c.scale,
        selectableFields: (v) => c.selectableFields(v),
        onRead: (obj) => c.strategy.default?.(obj),
        convert: (objs, apiVersion) => c.convert(objs, apiVersion),
        namespaceCheck: (ns, gr, name) => this.checkNamespace(ns, gr, name),
        onChange: this.opts.onChange ? (type, obj) => this.opts.onChange!({ group: c.group, resource: c.plural }, type, obj) : undefined,
      });
      this.attachCache(store);
      if (this.cachesStarted) void store.cfg.cache?.start().catch(() => undefined);
      this.stores.set(skey, store);
      for (const r of c.resources) this.served.set(`${r.group}/${r.version}/${r.name}`, { info: r, store, custom: c });
    }
    this.groups = [...this.builtin];
    const byGroup = new Map<string, ResourceInfo[]>();
    for (const c of [...servings].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))) {
      for (const r of c.resources) byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r]);
    }
    for (const [group, rs] of byGroup) {
      const versions = [...new Set(rs.map((r) => r.version))].sort(versionPriorityCompare);
      const gi: GroupInfo = {
        name: group,
        versions: versions.map((v) => ({
          group,
          version: v,
          level: /alpha/.test(v) ? 'alpha' : /beta/.test(v) ? 'beta' : 'ga',
          defaultEnabled: true,
          resources: rs.filter((r) => r.version === v).sort((a, b) => (a.name < b.name ? -1 : 1)),
        })),
      };
      this.groups.push(gi);
    }
  }

  customResources(): CustomResourceServing[] {
    return [...this.customs.values()];
  }

  private cachesStarted = false;

  private attachCache(store: GenericStore): void {
    if (this.opts.watchCache === false || !store.cfg.storageResource.verbs.includes('watch')) return;
    const r = store.cfg.storageResource;
    store.cfg.cache = new WatchCache({
      storage: store.cfg.storage,
      prefix: store.cfg.prefix,
      decode: (kv) => store.decodeStored(kv),
      encodeStored: (kv) => store.encodeStored(kv),
      fields: store.storedFields(),
      inProcessStorage: store.cfg.storage instanceof SqliteStorage,
      bookmarkType: { kind: r.kind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version },
    });
  }

  /** Start every watch cache (one storage list + watch each); requests use storage until a cache is ready. */
  async startCaches(): Promise<void> {
    this.cachesStarted = true;
    await Promise.all([...this.stores.values()].map((s) => s.cfg.cache?.start().catch(() => undefined)));
  }

  stopCaches(): void {
    for (const s of this.stores.values()) s.cfg.cache?.stop();
  }

  lookup(group: string, version: string, resource: string): ServedResource | undefined {
    return this.served.get(`${group}/${version}/${resource}`);
  }

  /** The store of a resource by its storage identity (any served group that cohabits maps to it). */
  storeFor(group: string, resource: string): GenericStore | undefined {
    const t = SHARED_STORAGE[`${group}/${resource}`] ?? { group, resource };
    return this.stores.get(`${t.group}/${t.resource}`) ?? this.stores.get(`custom:${group}/${resource}`);
  }

  servedGroups(): GroupInfo[] {
    return this.groups;
  }

  /** Every served resource (all versions). */
  all(): ServedResource[] {
    return [...this.served.values()];
  }
}
