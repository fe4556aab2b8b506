// Field paths and field sets as structured-merge-diff (v4, fieldpath/) models them, with the
// FieldsV1 encoding kube stores in metadata.managedFields[].fieldsV1 and the path strings kube
// prints in apply conflicts (".spec.replicas", `[name="nginx"]`, `[=value]`, `[0]`).
import type { JsonObject, JsonValue } from '../../api/types.js';

/** One step of a path: a struct/map field, an associative-list key, a set value or a list index. */
export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: ReadonlyArray<readonly [string, JsonValue]> }
  | { readonly kind: 'value'; readonly value: JsonValue }
  | { readonly kind: 'index'; readonly index: number };

export type Path = readonly PathElement[];

export function fieldPE(name: string): PathElement {
  return { kind: 'field', name };
}

/** A key element; fields are sorted by name as kube sorts them. */
export function keyPE(fields: Array<readonly [string, JsonValue]>): PathElement {
  const sorted = [...fields].sort((a, b) => goStringCompare(a[0], b[0]));
  return { kind: 'key', fields: sorted };
}

export function valuePE(value: JsonValue): PathElement {
  return { kind: 'value', value };
}

export function indexPE(index: number): PathElement {
  return { kind: 'index', index };
}

/** Go's strings.Compare (byte-wise over UTF-8, i.e. by code point). */
export function goStringCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function rank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isPlainObject(v)) return 4;
  return 5; // null
}

/** structured-merge-diff's value.Compare: numbers < strings < booleans < lists < maps < null. */
export function valueCompare(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1:
      return goStringCompare(a as string, b as string);
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; ; i++) {
        if (i >= la.length && i >= lb.length) return 0;
        if (i >= la.length) return -1;
        if (i >= lb.length) return 1;
        const c = valueCompare(la[i], lb[i]);
        if (c !== 0) return c;
      }
    }
    case 4: {
      const ma = a as Record<string, unknown>;
      const mb = b as Record<string, unknown>;
      const ka = definedKeys(ma).sort(goStringCompare);
      const kb = definedKeys(mb).sort(goStringCompare);
      for (let i = 0; ; i++) {
        if (i >= ka.length && i >= kb.length) return 0;
        if (i >= ka.length) return -1;
        if (i >= kb.length) return 1;
        const c = goStringCompare(ka[i]!, kb[i]!);
        if (c !== 0) return c;
        const d = valueCompare(ma[ka[i]!], mb[kb[i]!]);
        if (d !== 0) return d;
      }
    }
    default:
      return 0;
  }
}

function definedKeys(m: Record<string, unknown>): string[] {
  return Object.keys(m).filter((k) => m[k] !== undefined);
}

/** structured-merge-diff's value.Equals (numbers by value; absent map entries ignored). */
export function valueEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valueEquals(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = definedKeys(a);
    if (ka.length !== definedKeys(b).length) return false;
    for (const k of ka) {
      if (b[k] === undefined || !valueEquals(a[k], b[k])) return false;
    }
    return true;
  }
  return false;
}

function peRank(pe: PathElement): number {
  switch (pe.kind) {
    case 'field':
      return 0;
    case 'key':
      return 1;
    case 'value':
      return 2;
    default:
      return 3;
  }
}

/** fieldpath.PathElement.Compare: fields < keys < values < indexes. */
export function peCompare(a: PathElement, b: PathElement): number {
  const ra = peRank(a);
  const rb = peRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a.kind === 'field' && b.kind === 'field') return goStringCompare(a.name, b.name);
  if (a.kind === 'key' && b.kind === 'key') {
    for (let i = 0; ; i++) {
      if (i >= a.fields.length && i >= b.fields.length) return 0;
      if (i >= a.fields.length) return -1;
      if (i >= b.fields.length) return 1;
      const c = goStringCompare(a.fields[i]![0], b.fields[i]![0]);
      if (c !== 0) return c;
      const d = valueCompare(a.fields[i]![1], b.fields[i]![1]);
      if (d !== 0) return d;
    }
  }
  if (a.kind === 'value' && b.kind === 'value') return valueCompare(a.value, b.value);
  if (a.kind === 'index' && b.kind === 'index') return a.index < b.index ? -1 : a.index > b.index ? 1 : 0;
  return 0;
}

export function pathCompare(a: Path, b: Path): number {
  for (let i = 0; ; i++) {
    if (i >= a.length && i >= b.length) return 0;
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const c = peCompare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
}

// ---------------------------------------------------------------------------------------------
// Go-compatible renderings

/** Go's strconv.Quote (what %q prints) for the strings that appear in field paths. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (c) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x07:
        out += '\\a';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x0b:
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c >= 0x80 && c < 0xa0) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** Go's %v of a float64 (strconv 'g', shortest digits, exponent when the exponent is < -4 or >= 6). */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) {
    const [m, e] = n.toExponential().split('e');
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/** structured-merge-diff's value.ToString. */
export function valueToString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(valueToString).join(',') + ']';
  if (isPlainObject(v)) {
    return definedKeys(v)
      .map((k) => `${k}=${valueToString(v[k])}`)
      .join('');
  }
  return '{{undefined}}';
}

/** fieldpath.PathElement.String: ".name", `[k="v",k2=1]`, `[=v]`, "[0]". */
export function peString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return '.' + pe.name;
    case 'key':
      return '[' + pe.fields.map(([k, v]) => `${k}=${valueToString(v)}`).join(',') + ']';
    case 'value':
      return `[=${valueToString(pe.value)}]`;
    default:
      return `[${pe.index}]`;
  }
}

export function pathString(p: Path): string {
  return p.map(peString).join('');
}

/** JSON as Go's encoding/json (and json-iterator's standard-library mode) writes it: HTML-safe escapes. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']';
  if (isPlainObject(v)) {
    const keys = definedKeys(v).sort(goStringCompare);
    return '{' + keys.map((k) => goJsonString(k) + ':' + goJson(v[k])).join(',') + '}';
  }
  return 'null';
}

export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The FieldsV1 key of a path element: "f:name", `k:{"name":"x"}`, `v:"x"`, "i:0". */
export function peKey(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return 'f:' + pe.name;
    case 'key':
      return 'k:{' + pe.fields.map(([k, v]) => goJsonString(k) + ':' + goJson(v)).join(',') + '}';
    case 'value':
      return 'v:' + goJson(pe.value);
    default:
      return 'i:' + String(pe.index);
  }
}

export class FieldsV1Error extends Error {}

/** Parses a FieldsV1 key; undefined for an unknown element type (kube skips those). */
export function parsePEKey(s: string): PathElement | undefined {
  if (s.length < 2) throw new FieldsV1Error('key must be 2 characters long:');
  if (s[1] !== ':') throw new FieldsV1Error(`missing colon: ${s}`);
  const rest = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldPE(rest);
    case 'v':
      return valuePE(parseJsonOrThrow(rest));
    case 'k': {
      const obj = parseJsonOrThrow(rest);
      if (!isPlainObject(obj)) throw new FieldsV1Error(`ReadObjectCB: expect { or n, but found ${rest.slice(0, 1)}`);
      return keyPE(Object.entries(obj).map(([k, v]) => [k, v as JsonValue] as const));
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(rest)) throw new FieldsV1Error(`strconv.Atoi: parsing ${goQuote(rest)}: invalid syntax`);
      return indexPE(Number(rest));
    }
    default:
      return undefined;
  }
}

function parseJsonOrThrow(s: string): JsonValue {
  try {
    return JSON.parse(s) as JsonValue;
  } catch (e) {
    throw new FieldsV1Error(e instanceof Error ? e.message : String(e));
  }
}

// ---------------------------------------------------------------------------------------------
// Set

const NO_MEMBERS: ReadonlyMap<string, PathElement> = new Map();
const NO_CHILDREN: ReadonlyMap<string, ChildNode> = new Map();

interface ChildNode {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

/**
 * A set of field paths, stored as a tree (fieldpath.Set): `members` are paths ending here,
 * `children` hold the paths that continue below an element. Sets are treated as immutable once
 * built: every operation returns a new set.
 */
export class FieldSet {
  // Allocated on the first write: most sets of a tree have only members or only children.
  private members: ReadonlyMap<string, PathElement> = NO_MEMBERS;
  private children: ReadonlyMap<string, ChildNode> = NO_CHILDREN;

  private addMember(k: string, pe: PathElement): void {
    if (this.members === NO_MEMBERS) this.members = new Map();
    (this.members as Map<string, PathElement>).set(k, pe);
  }

  private addChild(k: string, c: ChildNode): void {
    if (this.children === NO_CHILDREN) this.children = new Map();
    (this.children as Map<string, ChildNode>).set(k, c);
  }

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (only for sets under construction). */
  insert(p: Path): void {
    if (p.length === 0) return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let s: FieldSet = this;
    for (let i = 0; i < p.length - 1; i++) s = s.descend(p[i]!);
    const last = p[p.length - 1]!;
    s.addMember(peKey(last), last);
  }

  private descend(pe: PathElement): FieldSet {
    const k = peKey(pe);
    let c = this.children.get(k);
    if (!c) {
      c = { pe, set: new FieldSet() };
      this.addChild(k, c);
    }
    return c.set;
  }

  has(p: Path): boolean {
    if (p.length === 0) return false;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let s: FieldSet | undefined = this;
    for (let i = 0; i < p.length - 1; i++) {
      s = s.children.get(peKey(p[i]!))?.set;
      if (!s) return false;
    }
    return s.members.has(peKey(p[p.length - 1]!));
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(peKey(pe));
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  /** The paths below `pe` (relative to it); an empty set when there are none. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(peKey(pe))?.set ?? new FieldSet();
  }

  // Sets are not changed once built (insert is for sets under construction), so results share the
  // subtrees they take over unchanged instead of copying them.

  union(o: FieldSet): FieldSet {
    if (o.members.size === 0 && o.children.size === 0) return this;
    if (this.members.size === 0 && this.children.size === 0) return o;
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.addMember(k, pe);
    for (const [k, pe] of o.members) out.addMember(k, pe);
    for (const [k, c] of this.children) out.addChild(k, c);
    for (const [k, c] of o.children) {
      const mine = this.children.get(k);
      out.addChild(k, mine ? { pe: c.pe, set: mine.set.union(c.set) } : c);
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (o.members.has(k)) out.addMember(k, pe);
    for (const [k, c] of this.children) {
      const theirs = o.children.get(k);
      if (!theirs) continue;
      const r = c.set.intersection(theirs.set);
      if (!r.isEmpty()) out.addChild(k, { pe: c.pe, set: r });
    }
    return out;
  }

  /** Paths of this set not in `o` (a member of `o` does not remove the paths below it). */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.addMember(k, pe);
    for (const [k, c] of this.children) {
      const theirs = o.children.get(k);
      if (!theirs) {
        out.addChild(k, c);
        continue;
      }
      const r = c.set.difference(theirs.set);
      if (!r.isEmpty()) out.addChild(k, { pe: c.pe, set: r });
    }
    return out;
  }

  /** Like difference, but a member of `o` also removes every path below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.addMember(k, pe);
    for (const [k, c] of this.children) {
      if (o.members.has(k)) continue;
      const theirs = o.children.get(k);
      if (!theirs) {
        out.addChild(k, c);
        continue;
      }
      const r = c.set.recursiveDifference(theirs.set);
      if (!r.isEmpty()) out.addChild(k, { pe: c.pe, set: r });
    }
    return out;
  }

  equals(o: FieldSet): boolean {
    return JSON.stringify(this.toFieldsV1()) === JSON.stringify(o.toFieldsV1());
  }

  private sortedMembers(): PathElement[] {
    return [...this.members.values()].sort(peCompare);
  }

  private sortedChildren(): ChildNode[] {
    return [...this.children.values()].sort((a, b) => peCompare(a.pe, b.pe));
  }

  /** Direct member elements (sorted). */
  memberElements(): PathElement[] {
    return this.sortedMembers();
  }

  /** Direct child elements with their sub-sets (sorted). */
  childEntries(): Array<{ pe: PathElement; set: FieldSet }> {
    return this.sortedChildren().map((c) => ({ pe: c.pe, set: c.set }));
  }

  /** Every path, in kube's iteration order: this level's members first, then each child's paths. */
  paths(): Path[] {
    const out: Path[] = [];
    this.iteratePrefix([], out);
    return out;
  }

  private iteratePrefix(prefix: PathElement[], out: Path[]): void {
    for (const pe of this.sortedMembers()) out.push([...prefix, pe]);
    for (const c of this.sortedChildren()) c.set.iteratePrefix([...prefix, c.pe], out);
  }

  /** The FieldsV1 JSON object (keys in kube's order, "." first where the node itself is a member). */
  toFieldsV1(): JsonObject {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): JsonObject {
    const out: JsonObject = {};
    const members = this.sortedMembers();
    const children = this.sortedChildren().filter((c) => !c.set.isEmpty());
    if (includeSelf && (members.length > 0 || children.length > 0)) out['.'] = {};
    let mi = 0;
    let ci = 0;
    while (mi < members.length || ci < children.length) {
      const m = members[mi];
      const c = children[ci];
      const cmp = m && c ? peCompare(m, c.pe) : m ? -1 : 1;
      if (cmp < 0) {
        out[peKey(m!)] = {};
        mi++;
      } else if (cmp > 0) {
        out[peKey(c!.pe)] = c!.set.emit(false);
        ci++;
      } else {
        out[peKey(c!.pe)] = c!.set.emit(true);
        mi++;
        ci++;
      }
    }
    return out;
  }

  /** Decodes FieldsV1 JSON (throws FieldsV1Error on malformed keys). */
  static fromFieldsV1(v: unknown): FieldSet {
    const s = FieldSet.readV1(v);
    return s ?? new FieldSet();
  }

  private static readV1(v: unknown): FieldSet | undefined {
    if (v === null || v === undefined) return undefined;
    if (!isPlainObject(v)) throw new FieldsV1Error('ReadMapCB: expect { or n, but found ' + JSON.stringify(v).slice(0, 1));
    let children: FieldSet | undefined;
    for (const [key, sub] of Object.entries(v)) {
      if (key === '.') continue;
      const pe = parsePEKey(key);
      if (!pe) continue;
      const grand = FieldSet.readV1(sub);
      const childIsMember = grand === undefined || FieldSet.hasSelfMarker(sub);
      if (childIsMember) {
        children ??= new FieldSet();
        children.addMember(peKey(pe), pe);
      }
      if (grand) {
        children ??= new FieldSet();
        const existing = children.children.get(peKey(pe));
        children.addChild(peKey(pe), { pe, set: existing ? existing.set.union(grand) : grand });
      }
    }
    return children;
  }

  private static hasSelfMarker(v: unknown): boolean {
    return isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, '.');
  }

  toString(): string {
    return this.paths().map(pathString).join('\n');
  }
}

/** A set holding the given paths, each written as field names (e.g. [["status"], ["metadata", "labels"]]). */
export function fieldSetOfNames(paths: readonly (readonly string[])[]): FieldSet {
  return FieldSet.of(...paths.map((p) => p.map(fieldPE)));
}
