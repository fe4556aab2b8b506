let lastSecond = NaN;
let lastText = '';

/** metav1.Time's JSON form: RFC 3339 in UTC, whole seconds (formatted once per second). */
export function rfc3339(d: Date = new Date()): string {
  const s = Math.floor(d.getTime() / 1000);
  if (s !== lastSecond) {
    lastText = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = s;
  }
  return lastText;
}
