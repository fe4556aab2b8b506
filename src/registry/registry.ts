// The set of served resources: which group/version/resource is served, and the store behind each.
import { forbidden, notFound } from '../api/errors.js';
import type { KObject } from '../api/types.js';
import type { Storage } from '../storage/interface.js';
import { builtinGroups, type GroupInfo, type ResourceInfo } from './catalog.js';
import { storageVersionHashFor, storageVersionOf } from './storage-versions.js';
import { resourcePrefix } from './keys.js';
import { GenericStore, type StoreConfig } from './store.js';
import type { StoreReader, Strategy } from './strategy.js';
import { stripHpaRoundTripAnnotations } from './conversions/index.js';
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
}

export interface RegistryOptions {
  storage: Storage;
  /** Key root, "/registry" by default (kube's --etcd-prefix). */
  root?: string;
  /** The group versions to serve. */
  groups: GroupInfo[];
  onChange?: (gr: { group: string; resource: string }, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KObject) => void;
}

export class ResourceRegistry {
  private readonly served = new Map<string, ServedResource>();
  private readonly stores = new Map<string, GenericStore>();
  private readonly groups: GroupInfo[];
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
    this.groups = opts.groups.map((g) => ({
      ...g,
      versions: g.versions.map((v) => ({
        ...v,
        resources: v.resources.map((r) => {
          const hash = r.storageVersionHash ? storageVersionHashFor(r.group, r.name) : undefined;
          return hash ? { ...r, storageVersionHash: hash } : r;
        }),
      })),
    }));
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
        storage: this.opts.storage,
        prefix: resourcePrefix(this.root, storageInfo),
        strategy: withVersionQuirks(skey, strategyFor(storageInfo.group, storageInfo.name)),
        validator: validatorFor(storageInfo.group, storageInfo.name),
        validatorFor,
        reader: this.reader,
        returnDeletedObject: RETURN_DELETED.has(skey),
        hasGeneration: GENERATION.has(skey) || GENERATION.has(`${storageInfo.group}/*`),
        namespaceCheck: (ns, gr, name) => this.checkNamespace(ns, gr, name),
        softDelete: skey === '/namespaces' ? markNamespaceTerminating : undefined,
        deleteCheck: skey === '/namespaces' ? refuseImmortalNamespace : undefined,
        onChange: this.opts.onChange ? (type, obj) => this.opts.onChange!({ group: storageInfo.group, resource: storageInfo.name }, type, obj) : undefined,
      };
      store = new GenericStore(cfg);
      this.stores.set(skey, store);
    }
    this.served.set(`${r.group}/${r.version}/${r.name}`, { info: r, store });
  }

  private async checkNamespace(namespace: string, gr: { group: string; resource: string }, name: string): Promise<void> {
    const ns = await this.reader.get('', 'namespaces', undefined, namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    const status = ns.status as { phase?: string } | undefined;
    if (ns.metadata?.deletionTimestamp || status?.phase === 'Terminating') {
      throw forbidden(gr, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  lookup(group: string, version: string, resource: string): ServedResource | undefined {
    return this.served.get(`${group}/${version}/${resource}`);
  }

  /** The store of a resource by its storage identity (any served group that cohabits maps to it). */
  storeFor(group: string, resource: string): GenericStore | undefined {
    const t = SHARED_STORAGE[`${group}/${resource}`] ?? { group, resource };
    return this.stores.get(`${t.group}/${t.resource}`);
  }

  servedGroups(): GroupInfo[] {
    return this.groups;
  }

  /** Every served resource (all versions). */
  all(): ServedResource[] {
    return [...this.served.values()];
  }
}
