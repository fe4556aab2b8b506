// Per-type behaviour that plugs into the generic store (registry/store.ts), as kube's
// RESTCreateStrategy / RESTUpdateStrategy do. Everything here is optional: the generic store already
// handles metadata (uid, timestamps, resourceVersion, generation), status/spec isolation and finalizers.
import type { FieldError } from '../api/field-errors.js';
import type { KObject, UserInfo } from '../api/types.js';
import type { ResourceInfo } from './catalog.js';

/** Read access to other stored objects, for strategies that need cluster state (e.g. IP allocation). */
export interface StoreReader {
  /** All objects of a resource (optionally in one namespace), current state. */
  list(group: string, resource: string, namespace?: string): Promise<KObject[]>;
  get(group: string, resource: string, namespace: string | undefined, name: string): Promise<KObject | undefined>;
}

export interface OpContext {
  user: UserInfo;
  /** Namespace of the request (undefined for cluster-scoped resources). */
  namespace: string | undefined;
  dryRun: boolean;
  resource: ResourceInfo;
  /** Set for subresource writes, e.g. "status" or "scale". */
  subresource?: string;
  store: StoreReader;
}

export interface Strategy {
  /** Type defaulting (kube's scheme defaulters), applied to every decoded write body before anything else. */
  default?(obj: KObject): void;
  /** Create-time preparation, e.g. clearing status or initialising status.phase. Runs after default(). */
  prepareForCreate?(obj: KObject, ctx: OpContext): void;
  /** Update-time preparation (the main resource, not subresources). old is the stored object. */
  prepareForUpdate?(obj: KObject, old: KObject, ctx: OpContext): void;
  /** Status-subresource update preparation (after the generic store reset everything but status). */
  prepareForStatusUpdate?(obj: KObject, old: KObject, ctx: OpContext): void;
  validate?(obj: KObject, ctx: OpContext): FieldError[];
  validateUpdate?(obj: KObject, old: KObject, ctx: OpContext): FieldError[];
  validateStatusUpdate?(obj: KObject, old: KObject, ctx: OpContext): FieldError[];
  /** Warnings for the Warning response header. */
  warnings?(obj: KObject, old: KObject | undefined, ctx: OpContext): string[];
  /** Async work that needs cluster state (allocation); may throw StatusError. Runs after validation, before the write. */
  beforeCreate?(obj: KObject, ctx: OpContext): Promise<void>;
  beforeUpdate?(obj: KObject, old: KObject, ctx: OpContext): Promise<void>;
  /** Whether update may create a missing object (PUT to a missing name). Default false; kube allows it for a few types. */
  allowCreateOnUpdate?: boolean;
  /** Whether metadata.name may be omitted on update etc.; default strategies follow kube. */
  allowUnconditionalUpdate?: boolean;
}
