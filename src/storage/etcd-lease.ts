// Leases for keys written with a TTL, shared between writes as kube-apiserver's etcd3 lease manager does:
// granting one lease per Event would cost a round trip per write and leave etcd one lease per object.
//
// A lease is granted for ttl + reuse seconds, reuse = min(5% of ttl, 60 s), and reused by later writes
// with the same TTL for as long as it outlives their own TTL (so a key lives between ttl and ttl + reuse
// seconds), up to 1,000 keys per lease. The 60 s is kube's --lease-reuse-duration-seconds.

/** kube-apiserver's --lease-reuse-duration-seconds default. */
const DEFAULT_REUSE_SECONDS = 60;
/** kube's leaseReuseDurationPercent. */
const REUSE_PERCENT = 0.05;
/** kube's lease max attached object count default. */
const MAX_OBJECTS_PER_LEASE = 1000;

/** Grants an etcd lease of ttl seconds and resolves with its ID. */
export type LeaseGranter = (ttlSeconds: number) => Promise<string>;

interface Current {
  id: string;
  /** ms since the epoch. */
  expires: number;
  attached: number;
}

export class LeaseManager {
  private current: Current | undefined;
  /** A grant in progress: writes arriving meanwhile wait for it rather than grant their own. */
  private granting: Promise<Current> | undefined;

  constructor(
    private readonly grant: LeaseGranter,
    private readonly reuseSecondsMax: number = DEFAULT_REUSE_SECONDS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stop handing out this lease (etcd said it is gone). */
  forget(id: string): void {
    if (this.current?.id === id) this.current = undefined;
  }

  /** The lease to attach to a key that should live ttlSeconds. */
  async leaseFor(ttlSeconds: number): Promise<string> {
    const ttl = Math.max(1, Math.floor(ttlSeconds));
    const reuse = Math.min(Math.floor(REUSE_PERCENT * ttl), this.reuseSecondsMax);
    for (;;) {
      const now = this.now();
      const c = this.current;
      // Valid: it outlives this key's TTL. Sufficient: it does not outlive it by more than the reuse window.
      if (c && now + ttl * 1000 < c.expires && now + (ttl + reuse) * 1000 > c.expires && c.attached < MAX_OBJECTS_PER_LEASE) {
        c.attached++;
        return c.id;
      }
      if (this.granting) {
        await this.granting;
        continue;
      }
      const granted = this.grant(ttl + reuse).then((id) => {
        const next = { id, expires: now + (ttl + reuse) * 1000, attached: 0 };
        this.current = next;
        return next;
      });
      this.granting = granted;
      try {
        const next = await granted;
        next.attached++;
        return next.id;
      } finally {
        if (this.granting === granted) this.granting = undefined;
      }
    }
  }
}
