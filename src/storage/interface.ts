// The one storage contract every backend implements (SQLite now, etcd later), modelled on etcd's
// revisioned key-value API: one global, monotonically increasing revision; every write bumps it and
// the new revision becomes the object's resourceVersion.

export interface KeyValue {
  key: string;
  /** Serialized object (JSON text in the storage version). */
  value: string;
  /** Revision at which this key was created (etcd create_revision). */
  createRevision: number;
  /** Revision of the last write to this key (etcd mod_revision) = the object's resourceVersion. */
  modRevision: number;
}

export interface ListOptions {
  /** Read as of this revision (0 or undefined = current). Throws CompactedError if compacted away. */
  revision?: number;
  /** Maximum number of items (0 or undefined = no limit). */
  limit?: number;
  /** Start listing at this key (inclusive); keys are compared bytewise (UTF-8). */
  startKey?: string;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at (current revision when none was asked for). */
  revision: number;
  /** True when the limit cut the result short. */
  more: boolean;
  /** Number of keys left after the returned items (only meaningful when more is true). */
  remaining: number;
}

export type WatchEventType = 'PUT' | 'DELETE';

export interface WatchEvent {
  type: WatchEventType;
  /** For PUT: the new value. For DELETE: key, modRevision = the deletion revision, value = the last value before deletion. */
  kv: KeyValue;
  /** Previous value for PUTs that updated an existing key, and for DELETEs; absent on creation. */
  prevKv?: KeyValue;
  /** The revision of the event (for a DELETE this is the revision of the deletion). */
  revision: number;
}

export interface Watcher {
  /** Stop delivering events; idempotent. */
  close(): void;
}

export interface WatchOptions {
  /** Deliver events with revision > afterRevision (history first, then live). Throws CompactedError if compacted. */
  afterRevision: number;
  /** Called once per event, in revision order. */
  onEvent(ev: WatchEvent): void;
  /** Called when the watch fails (e.g. backend closed); no more events follow. */
  onError?(err: Error): void;
  /** Called periodically with the current revision when no event matched (progress notify, for bookmarks). */
  onProgress?(revision: number): void;
}

/** Options of a put (create or update). */
export interface PutOptions {
  /**
   * Delete the key by itself about this many seconds after this write (etcd: attach a lease; kube-apiserver
   * gives Events one, --event-ttl). A later write without it keeps the key for good, as a put without a
   * lease does in etcd. The expiry is a DELETE like any other: watchers see it. 0 or undefined = no expiry.
   */
  ttlSeconds?: number;
}

export interface Storage {
  /** Current (latest committed) revision. */
  currentRevision(): Promise<number>;
  get(key: string): Promise<KeyValue | null>;
  /** Keys with the given prefix, sorted by key, as of opts.revision. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Number of keys with the prefix (current revision). */
  count(prefix: string): Promise<number>;
  /** Create a key; throws KeyExistsError if it exists. */
  create(key: string, value: string, opts?: PutOptions): Promise<KeyValue>;
  /** Compare-and-swap: write only if the key's modRevision equals expectedModRevision. Throws ConflictError / NotFoundError. */
  update(key: string, value: string, expectedModRevision: number, opts?: PutOptions): Promise<KeyValue>;
  /** Delete (optionally only if modRevision matches). Returns the deleted kv with modRevision = deletion revision. Throws NotFoundError / ConflictError. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /** Watch keys with the prefix. */
  watch(prefix: string, opts: WatchOptions): Watcher;
  /** Drop history at or below revision (current values are kept). */
  compact(revision: number): Promise<void>;
  /** The oldest revision still readable (compacted revision + 1, or 1). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

export class StorageError extends Error {}
export class KeyExistsError extends StorageError {
  constructor(public readonly key: string) { super(`key exists: ${key}`); }
}
export class KeyNotFoundError extends StorageError {
  constructor(public readonly key: string) { super(`key not found: ${key}`); }
}
export class ConflictError extends StorageError {
  constructor(public readonly key: string, public readonly actualRevision: number) { super(`revision conflict on ${key}`); }
}
export class CompactedError extends StorageError {
  constructor(public readonly requested: number, public readonly compacted: number) {
    super(`required revision ${requested} has been compacted (compacted revision ${compacted})`);
  }
}

/** A read asked for a revision newer than the current one. */
export class FutureRevisionError extends StorageError {
  constructor(public readonly requested: number, public readonly current: number) {
    super(`required revision ${requested} is a future revision (current revision ${current})`);
  }
}
