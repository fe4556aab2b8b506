// The subset of kube's JSONPath (client-go util/jsonpath) that CRD printer columns, selectable fields
// and scale paths use: .a.b, ["key"] / ['key'], [n] and [*].

export type PathSegment = { key: string } | { index: number } | { all: true };

export function parseSimpleJsonPath(path: string): PathSegment[] | undefined {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (p.startsWith('$')) p = p.slice(1);
  const out: PathSegment[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === '.') {
      i++;
      const m = /^[^.[\]]+/.exec(p.slice(i));
      if (!m) return undefined;
      out.push({ key: m[0] });
      i += m[0].length;
    } else if (p[i] === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) return undefined;
      const inner = p.slice(i + 1, end).trim();
      if (inner === '*') out.push({ all: true });
      else if (/^-?\d+$/.test(inner)) out.push({ index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) out.push({ key: inner.slice(1, -1) });
      else return undefined;
      i = end + 1;
    } else {
      return undefined;
    }
  }
  return out;
}

/** All values the path selects (several with [*]). */
export function evaluate(obj: unknown, segs: PathSegment[]): unknown[] {
  let cur: unknown[] = [obj];
  for (const s of segs) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('key' in s) {
        if (v && typeof v === 'object' && !Array.isArray(v) && s.key in (v as Record<string, unknown>)) next.push((v as Record<string, unknown>)[s.key]);
      } else if ('index' in s) {
        if (Array.isArray(v)) {
          const i = s.index < 0 ? v.length + s.index : s.index;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else if (Array.isArray(v)) next.push(...v);
      else if (v && typeof v === 'object') next.push(...Object.values(v as Record<string, unknown>));
    }
    cur = next;
  }
  return cur;
}

export function getPath(obj: unknown, path: string): unknown {
  const segs = parseSimpleJsonPath(path);
  if (!segs) return undefined;
  const r = evaluate(obj, segs);
  return r.length ? r[0] : undefined;
}

/** Set a value at a dotted path (.spec.replicas), creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): boolean {
  const segs = parseSimpleJsonPath(path);
  if (!segs || segs.length === 0 || segs.some((s) => !('key' in s))) return false;
  let cur: Record<string, unknown> = obj;
  for (let i = 0; i < segs.length - 1; i++) {
    const k = (segs[i] as { key: string }).key;
    const nxt = cur[k];
    if (!nxt || typeof nxt !== 'object' || Array.isArray(nxt)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[(segs[segs.length - 1] as { key: string }).key] = value;
  return true;
}
