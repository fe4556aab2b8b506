// Group commit for etcd: concurrent single-key writes (create, compare-and-swap update, delete) share one
// etcd transaction when they queue up behind writes already in flight.
//
// The Node gRPC client's CPU per call, not etcd, limits a server that sends one Txn per write: batching
// k writes into one Txn divides that cost by k. A batch is the conjunction of its writes' compares; when
// it fails, its failure branch reads every key, each write whose own precondition fails is answered from
// that read, and the others are sent again on their own. With nothing in flight a write is sent at once,
// alone, so an idle server keeps its latency and one write per revision.
//
// Writes in one batch share etcd's revision (that is, their objects' resourceVersion). etcd's watch never
// splits a revision across responses, the watch cache applies all events of a revision together and HTTP
// watches write them in the same flush round (endpoints/watch-flush.ts), so a watcher resuming from a
// revision has seen all of it. The keys of one batch are distinct (etcd refuses a Txn that writes a key twice).
import type { IKeyValue, ICompare, IRequestOp, IResponseOp, ITxnRequest, ITxnResponse } from 'etcd3';

export interface BatchWrite {
  /** The full etcd key written. */
  key: Buffer;
  /** The write's preconditions, all on `key`. */
  compare: ICompare[];
  /** The put or delete done when they hold. */
  op: IRequestOp;
  /** Bytes the write adds to the request (key + value), for the batch size limit. */
  bytes: number;
  /** Do the preconditions hold for the key's current value (undefined = absent)? */
  holds(current: IKeyValue | undefined): boolean;
}

export type BatchOutcome =
  | { succeeded: true; revision: number; response: IResponseOp; attempts: number }
  | { succeeded: false; current: IKeyValue | undefined; attempts: number };

/** Sends one Txn (retrying transient failures) and says how many attempts it took. */
export type TxnSender = (req: ITxnRequest) => Promise<{ res: ITxnResponse; attempts: number }>;

export interface BatcherLimits {
  /** Transactions in flight at once before writes queue up (default 2). */
  maxInFlight?: number;
  /** Writes per transaction (default 64: updates have two compares, and etcd's --max-txn-ops is 128). */
  maxWrites?: number;
  /** Request bytes per transaction (default 1 MiB, under etcd's 1.5 MiB --max-request-bytes). */
  maxBytes?: number;
  /**
   * Is this error etcd refusing the request as a whole for what one of its writes carries (e.g. a lease
   * that no longer exists)? The batch's writes are then sent again one by one, so the error stays with the
   * write that caused it. Other errors fail every write of the batch.
   */
  isRefusal?: (err: unknown) => boolean;
}

interface Pending {
  w: BatchWrite;
  /** Send this write in a transaction of its own (it is being retried after its batch failed). */
  solo: boolean;
  resolve(o: BatchOutcome): void;
  reject(err: unknown): void;
}

export class TxnBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxWrites: number;
  private readonly maxBytes: number;
  private readonly isRefusal: (err: unknown) => boolean;

  constructor(private readonly send: TxnSender, limits: BatcherLimits = {}) {
    this.maxInFlight = limits.maxInFlight ?? 2;
    this.maxWrites = limits.maxWrites ?? 64;
    this.maxBytes = limits.maxBytes ?? 1 << 20;
    this.isRefusal = limits.isRefusal ?? (() => false);
  }

  submit(w: BatchWrite): Promise<BatchOutcome> {
    return new Promise<BatchOutcome>((resolve, reject) => {
      this.queue.push({ w, solo: false, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The next batch: queued writes in order, distinct keys, within the limits; the rest stay queued. */
  private take(): Pending[] {
    const first = this.queue[0]!;
    if (first.solo) return [this.queue.shift()!];
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const keys = new Set<string>();
    let bytes = 0;
    for (const p of this.queue) {
      const k = p.w.key.toString('latin1');
      const full = batch.length >= this.maxWrites || (batch.length > 0 && bytes + p.w.bytes > this.maxBytes);
      if (full || p.solo || keys.has(k)) {
        rest.push(p);
        continue;
      }
      batch.push(p);
      keys.add(k);
      bytes += p.w.bytes;
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Pending[]): Promise<void> {
    const req: ITxnRequest = {
      compare: batch.flatMap((p) => p.w.compare),
      success: batch.map((p) => p.w.op),
      failure: batch.map((p) => ({ request_range: { key: p.w.key } })),
    };
    let out: { res: ITxnResponse; attempts: number };
    try {
      out = await this.send(req);
    } catch (err) {
      if (batch.length > 1 && this.isRefusal(err)) this.queue.unshift(...batch.map((p) => ({ ...p, solo: true })));
      else for (const p of batch) p.reject(err);
      return;
    }
    const { res, attempts } = out;
    if (res.succeeded) {
      const revision = Number(res.header.revision);
      batch.forEach((p, i) => p.resolve({ succeeded: true, revision, response: res.responses[i]!, attempts }));
      return;
    }
    const retry: Pending[] = [];
    batch.forEach((p, i) => {
      const current = res.responses[i]?.response_range.kvs[0];
      if (batch.length === 1 || !p.w.holds(current)) p.resolve({ succeeded: false, current, attempts });
      else retry.push({ ...p, solo: true });
    });
    this.queue.unshift(...retry);
  }
}
