// When watch connections write: all of them together, once per flush round (see scheduleFlush).

let flushQueue: (() => void)[] = [];
let flushScheduled = false;
/** The round in progress: its connections are flushed in slices, with other I/O handled in between. */
let current: { fns: (() => void)[]; pos: number; start: number; busy: number } | undefined;
/** performance.now() before which the next flush round should not start. */
let nextFlushAt = 0;
/**
 * Flush rounds take at most about this share of the time while events keep coming. Lower values space
 * rounds further apart than the events' own cost can sustain (each round then carries more bytes, and
 * takes longer, and is spaced further): 0.3 already made latencies grow to seconds in the bench.
 */
const FLUSH_DUTY = 0.5;
/**
 * A round gives way to other I/O after about this long: a round over a thousand connections takes tens of
 * milliseconds, and requests (the writes being watched among them) would otherwise wait for all of it.
 */
const SLICE_MS = 4;
/**
 * Rounds start at most this often while events keep coming. Each round costs one TLS write per watcher
 * with events, whatever the number of events it carries: at 1,000 events/s a round per event meant 100,000
 * writes/s for 100 watchers, most of the server's CPU. A few milliseconds of coalescing make that a fifth.
 */
const MIN_ROUND_INTERVAL_MS = 5;

/**
 * Run fn in the next flush round, together with every other watch connection's flush. A round runs once
 * the event loop has handled its pending I/O (setImmediate), or later when the previous round was long:
 * rounds are spaced so that they take at most half of the time. Each watcher then gets all events
 * committed since its last write in one TLS write; with many watchers and a high event rate the cost
 * follows the number of rounds rather than the number of events (one watcher, or a quiet server, is
 * flushed at once).
 */
export function scheduleFlush(fn: () => void): void {
  flushQueue.push(fn);
  if (flushScheduled || current !== undefined) return;
  flushScheduled = true;
  startRound();
}

function startRound(): void {
  const wait = nextFlushAt - performance.now();
  if (wait >= 1) setTimeout(runFlushRound, wait);
  else setImmediate(runFlushRound);
}

function runFlushRound(): void {
  flushScheduled = false;
  current = { fns: flushQueue, pos: 0, start: performance.now(), busy: 0 };
  flushQueue = [];
  runSlice();
}

function runSlice(): void {
  const r = current!;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (r.pos < r.fns.length) {
    r.fns[r.pos++]!();
    if (performance.now() - t0 >= SLICE_MS) break;
  }
  // Writes through the response object may go out on the next tick (HTTP/1.1 responses cork their socket;
  // chunks written to the socket directly do not): count those too. A round's cost is the CPU it took, not
  // its wall time: on a shared machine the thread may be descheduled mid-slice, and counting that time
  // spaced the next round further out for nothing (process CPU time counts every thread, so the lower of
  // the two is taken).
  process.nextTick(() => {
    const c = process.cpuUsage(c0);
    r.busy += Math.min(performance.now() - t0, (c.user + c.system) / 1000);
    if (r.pos < r.fns.length) {
      setImmediate(runSlice);
      return;
    }
    current = undefined;
    nextFlushAt = r.start + Math.max(r.busy / FLUSH_DUTY, MIN_ROUND_INTERVAL_MS);
    if (flushQueue.length > 0) {
      flushScheduled = true;
      startRound();
    }
  });
}
