// When watch connections write: all of them together, once per flush round (see scheduleFlush).

let flushQueue: (() => void)[] = [];
let flushScheduled = false;
/** performance.now() before which the next flush round should not start. */
let nextFlushAt = 0;
/**
 * Flush rounds take at most about this share of the time while events keep coming. Lower values space
 * rounds further apart than the events' own cost can sustain (each round then carries more bytes, and
 * takes longer, and is spaced further): 0.3 already made latencies grow to seconds in the bench.
 */
const FLUSH_DUTY = 0.5;

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
  if (flushScheduled) return;
  flushScheduled = true;
  const wait = nextFlushAt - performance.now();
  if (wait >= 1) setTimeout(runFlushRound, wait);
  else setImmediate(runFlushRound);
}

function runFlushRound(): void {
  flushScheduled = false;
  const start = performance.now();
  const fns = flushQueue;
  flushQueue = [];
  for (const f of fns) f();
  // HTTP/1.1 responses send their writes on the next tick (they cork the socket): count those too.
  process.nextTick(() => {
    nextFlushAt = start + (performance.now() - start) / FLUSH_DUTY;
  });
}
