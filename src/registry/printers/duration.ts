// Durations and timestamps as kube prints them: k8s.io/apimachinery/pkg/util/duration
// (HumanDuration, ShortHumanDuration) and the printers' translateTimestampSince.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Go's integer conversion of a float / integer division: truncation toward zero. */
function trunc(n: number): number {
  return Math.trunc(n);
}

/**
 * HumanDuration: a succinct representation with ~2-3 significant figures.
 * `ms` is the duration in milliseconds (Go works in nanoseconds; sub-millisecond precision never
 * changes the output because every unit printed is at least a second).
 */
export function humanDuration(ms: number): string {
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = trunc(ms / SECOND) % 60;
    if (s === 0) return `${minutes}m`;
    return `${minutes}m${s}s`;
  } else if (minutes < 60 * 3) {
    return `${minutes}m`;
  }
  const hours = trunc(ms / HOUR);
  if (hours < 8) {
    const m = trunc(ms / MINUTE) % 60;
    if (m === 0) return `${hours}h`;
    return `${hours}h${m}m`;
  } else if (hours < 48) {
    return `${hours}h`;
  } else if (hours < 24 * 8) {
    const h = hours % 24;
    if (h === 0) return `${trunc(hours / 24)}d`;
    return `${trunc(hours / 24)}d${h}h`;
  } else if (hours < 24 * 365 * 2) {
    return `${trunc(hours / 24)}d`;
  } else if (hours < 24 * 365 * 8) {
    const dy = trunc(hours / 24) % 365;
    if (dy === 0) return `${trunc(trunc(hours / 24) / 365)}y`;
    return `${trunc(trunc(hours / 24) / 365)}y${dy}d`;
  }
  return `${trunc(trunc(hours / 24) / 365)}y`;
}

/** ShortHumanDuration: a succinct representation with one unit. */
export function shortHumanDuration(ms: number): string {
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${trunc(hours / 24)}d`;
  return `${trunc(ms / HOUR / 24 / 365)}y`;
}

const GO_ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

/**
 * Parses a metav1.Time / metav1.MicroTime JSON value. Returns null for the zero time
 * (absent, null, "" or 0001-01-01T00:00:00Z), which Go's IsZero() reports as zero.
 */
export function parseTime(v: unknown): number | null {
  if (typeof v !== 'string' || v === '') return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  if (t === GO_ZERO_TIME) return null;
  return t;
}

/** translateTimestampSince: "<unknown>" for a zero time, else HumanDuration(now - t). */
export function translateTimestampSince(v: unknown, now: Date): string {
  const t = parseTime(v);
  if (t === null) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** metav1.Time formatted as Go's t.UTC().Format(time.RFC3339); the zero time prints as 0001-01-01T00:00:00Z. */
export function formatRFC3339(v: unknown): string {
  const t = parseTime(v);
  if (t === null) return '0001-01-01T00:00:00Z';
  const d = new Date(t);
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ (years 0..9999)
  return iso.slice(0, 19) + 'Z';
}
