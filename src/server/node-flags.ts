/**
 * The Node flags the server runs with: `npm start` and the `kube-apiserver-ts` command (its shebang) pass
 * them, and a test keeps those two in step with this list.
 *
 * --initial-old-space-size: V8 sizes the old generation's collection trigger from the live heap, and after
 * idle-time collections (V8's memory reducer) it leaves a few MB of headroom above a live heap of a few tens
 * of MB. A burst then runs a full mark-compact every ~100 ms whose concurrent marking takes the second core.
 * Measured with `npm start`, 20 s idle, then 100 watchers × 1,000 creates/s: 25–27 mark-compacts in 6 s, and
 * events reached the watchers up to 1.4 s late (p50 0.5–0.9 s in the first second, back to ~10 ms after ~2 s).
 * With the flag: 1–2 mark-compacts, p99 0.17–0.36 s over the run, ~10 ms p50 from the first second on.
 * A floor of 128 MB before the first collection is well under kube-apiserver's own footprint; idle-time
 * collections (V8's memory reducer) still run. Its cost: any heap flag makes V8 reject Node's built-in code cache,
 * so Node compiles its own modules at start, 20–40 ms more to ready.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=128'];
