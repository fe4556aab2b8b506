// JSON forms of meta/v1 Time (RFC3339, whole seconds, UTC), MicroTime (RFC3339 with 6 fractional digits, UTC)
// and Duration (Go's time.Duration string, e.g. "1h0m0s").

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export interface ProtoTimestamp {
  seconds: number;
  nanos: number;
}

const parseCache = new Map<string, ProtoTimestamp | undefined>();
const formatCache = new Map<number, string>();

/** RFC3339 → seconds/nanos (memoised: lists repeat the same timestamps). */
export function parseTime(v: string): ProtoTimestamp | undefined {
  let t = parseCache.get(v);
  if (t !== undefined) return t;
  t = parseTimeUncached(v);
  if (parseCache.size > 4096) parseCache.clear();
  parseCache.set(v, t);
  return t;
}

function parseTimeUncached(v: string): ProtoTimestamp | undefined {
  const m = RFC3339.exec(v);
  if (!m) {
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) return undefined;
    return { seconds: Math.floor(ms / 1000), nanos: (ms - Math.floor(ms / 1000) * 1000) * 1e6 };
  }
  const year = +m[1]!;
  // Date.UTC maps years 0-99 to 1900+: shift by 400 Gregorian years (146097 days) for those
  let secs =
    year < 100
      ? Date.UTC(year + 400, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000 - 146097 * 86400
      : Date.UTC(year, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
  if (m[9]) {
    const off = (+m[10]! * 60 + +m[11]!) * 60;
    secs += m[9] === '+' ? -off : off;
  }
  let nanos = 0;
  if (m[7]) nanos = Math.round(Number(('0' + m[7]).slice(0, 11)) * 1e9);
  if (nanos >= 1e9) nanos = 999999999;
  return { seconds: secs, nanos };
}

function isoSeconds(seconds: number): string {
  let s = formatCache.get(seconds);
  if (s !== undefined) return s;
  s = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (formatCache.size > 4096) formatCache.clear();
  formatCache.set(seconds, s);
  return s;
}

const timeCache = new Map<number, string>();

export function formatTime(seconds: number): string {
  let s = timeCache.get(seconds);
  if (s !== undefined) return s;
  s = isoSeconds(seconds) + 'Z';
  if (timeCache.size > 4096) timeCache.clear();
  timeCache.set(seconds, s);
  return s;
}

export function formatMicroTime(seconds: number, nanos: number): string {
  const us = Math.floor(nanos / 1000);
  return isoSeconds(seconds) + '.' + String(us).padStart(6, '0') + 'Z';
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration; returns nanoseconds (0 for unparseable input). */
export function parseGoDuration(s: string): number {
  let str = s.trim();
  let neg = false;
  if (str[0] === '-' || str[0] === '+') {
    neg = str[0] === '-';
    str = str.slice(1);
  }
  if (str === '0') return 0;
  const re = /(\d*(?:\.\d*)?)([a-zµμ]+)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(str); m; m = re.exec(str)) {
    const unit = UNIT_NS[m[2]!];
    if (unit === undefined || m[1] === '' || m[1] === '.') return 0;
    total += Number(m[1]) * unit;
    consumed = re.lastIndex;
  }
  if (consumed !== str.length || str.length === 0) return 0;
  total = Math.round(total);
  return neg ? -total : total;
}

function fmtFrac(v: number, prec: number): [string, number] {
  let frac = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10;
    print = print || digit !== 0;
    if (print) frac = String(digit) + frac;
    v = Math.floor(v / 10);
  }
  return [print ? '.' + frac : '', v];
}

/** Go's time.Duration.String(). */
export function formatGoDuration(ns: number): string {
  let u = Math.abs(Math.trunc(ns));
  const neg = ns < 0;
  let out: string;
  if (u < 1e9) {
    if (u === 0) return '0s';
    let unit: string;
    let prec: number;
    if (u < 1e3) {
      unit = 'ns';
      prec = 0;
    } else if (u < 1e6) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const [frac, whole] = fmtFrac(u, prec);
    out = String(whole) + frac + unit;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = String(u % 60) + frac + 's';
    u = Math.floor(u / 60);
    if (u > 0) {
      out = String(u % 60) + 'm' + out;
      u = Math.floor(u / 60);
      if (u > 0) out = String(u) + 'h' + out;
    }
  }
  return neg ? '-' + out : out;
}
