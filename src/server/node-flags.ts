/**
 * The Node flags the server runs with: `npm start` and the `kube-apiserver-ts` command (its shebang) pass
 * them, and a test keeps those two in step with this list.
 *
 * --initial-old-space-size: V8 sizes the old generation's collection trigger from the live heap. For a
 * server whose live heap is a few tens of MB (and after the idle-time collections that shrink it), that
 * left a few MB of headroom: under a burst of watch traffic the server ran a full mark-compact every
 * ~100 ms, its concurrent marking took the second core, and 100 watchers × 1,000 events/s fell
 * behind (bench: 25–42 mark-compacts in 6 s, p50 delivery 74–400 ms in 5 of 6 runs; with the flag 1–3
 * mark-compacts, p50 7–15 ms in 6 of 6).
 * A floor of 128 MB before the first collection is well under kube-apiserver's own footprint; idle-time
 * collections (V8's memory reducer) still run. Its cost: any heap flag makes V8 reject Node's built-in code cache,
 * so Node compiles its own modules at start, 20–40 ms more to ready.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=128'];
