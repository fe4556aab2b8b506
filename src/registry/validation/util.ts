// Shared helpers for built-in type validation: JSON narrowing, field paths, and the string-format
// checks of k8s.io/apimachinery/pkg/util/validation (messages copied from kube's text).
import { fieldErr, type FieldError } from '../../api/field-errors.js';

// ---------- narrowing ----------
export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}
export function optObj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
export function optStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function strArr(v: unknown): string[] {
  return arr(v).map((x) => str(x));
}
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : String(x);
  return out;
}
/** A Go map rendered by %#v has its keys sorted; return a key-sorted copy for use as a bad value. */
export function sortedMap(m: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!m) return out;
  for (const k of Object.keys(m).sort()) out[k] = m[k]!;
  return out;
}
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Semantic deep equality of decoded JSON (null/undefined and missing keys treated alike; empty maps/arrays equal absent). */
export function deepEqual(a: unknown, b: unknown): boolean {
  const na = normalizeEmpty(a);
  const nb = normalizeEmpty(b);
  if (na === nb) return true;
  if (na === undefined || nb === undefined) return false;
  if (Array.isArray(na)) {
    if (!Array.isArray(nb) || na.length !== nb.length) return false;
    return na.every((x, i) => deepEqual(x, nb[i]));
  }
  if (isObj(na)) {
    if (!isObj(nb)) return false;
    const keys = new Set([...Object.keys(na), ...Object.keys(nb)]);
    for (const k of keys) if (!deepEqual(na[k], nb[k])) return false;
    return true;
  }
  return false;
}
function normalizeEmpty(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v) && v.length === 0) return undefined;
  if (isObj(v) && Object.values(v).every((x) => x === undefined || x === null)) return undefined;
  return v;
}

// ---------- field paths ----------
export function child(path: string, ...names: string[]): string {
  let p = path;
  for (const n of names) p = p ? `${p}.${n}` : n;
  return p;
}
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

// ---------- messages ----------
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';

export function maxLenError(n: number): string {
  return `must be no more than ${n} characters`;
}
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) s += ' or ';
    s += `'${e}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}
export function emptyError(): string {
  return 'must be non-empty';
}
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

// ---------- string formats (k8s.io/apimachinery/pkg/util/validation) ----------
const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);
const wildcardDNS1123SubdomainFmt = `\\*\\.${dns1123SubdomainFmt}`;
const wildcardDNS1123SubdomainErrMsg =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(value)) {
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 63) errs.push(maxLenError(63));
  if (!dns1035LabelRe.test(value)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 253) errs.push(maxLenError(253));
  if (!new RegExp(`^${wildcardDNS1123SubdomainFmt}$`).test(value)) {
    errs.push(regexError(wildcardDNS1123SubdomainErrMsg, wildcardDNS1123SubdomainFmt, '*.example.com'));
  }
  return errs;
}

const qnameCharFmt = '[A-Za-z0-9]';
const qnameExtCharFmt = '[-A-Za-z0-9_.]';
const qualifiedNameFmt = `(${qnameCharFmt}${qnameExtCharFmt}*)?${qnameCharFmt}`;
const qualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);

/** IsQualifiedName (label keys, annotation keys, finalizers, ...). */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  switch (parts.length) {
    case 1:
      name = parts[0]!;
      break;
    case 2: {
      const prefix = parts[0]!;
      name = parts[1]!;
      if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
      else {
        const msgs = isDNS1123Subdomain(prefix);
        for (const m of msgs) errs.push(`prefix part ${m}`);
      }
      break;
    }
    default:
      return [
        `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLen(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const configMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
function hasChDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > 253) errs.push(maxLenError(253));
  if (!new RegExp(`^${configMapKeyFmt}$`).test(value)) errs.push(regexError(configMapKeyErrMsg, configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

const envVarNameFmt = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const envVarNameFmtErrMsg = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!new RegExp(`^${envVarNameFmt}$`).test(value)) errs.push(regexError(envVarNameFmtErrMsg, envVarNameFmt, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  errs.push(...hasChDirPrefix(value));
  return errs;
}
/** RelaxedEnvironmentVariableValidation (beta, on by default in 1.32). */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push(`environment variable name ${emptyError()}`);
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c > 127 || c < 32 || c === 127 || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

export function isValidPortNum(port: number): string[] {
  return port >= 1 && port <= 65535 && Number.isInteger(port) ? [] : [inclusiveRangeError(1, 65535)];
}
export function isInRange(v: number, lo: number, hi: number): string[] {
  return v >= lo && v <= hi ? [] : [inclusiveRangeError(lo, hi)];
}
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}
const percentFmt = '[0-9]+%';
export function isValidPercent(percent: string): string[] {
  return /^[0-9]+%$/.test(percent) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, '1%', '93%')];
}
const httpHeaderNameFmt = '[-A-Za-z0-9]+';
export function isHTTPHeaderName(value: string): string[] {
  return /^[-A-Za-z0-9]+$/.test(value) ? [] : [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", httpHeaderNameFmt, 'X-Header-Name')];
}
export function isValidUserID(v: number): string[] {
  return v >= 0 && v <= 0xffffffff ? [] : [inclusiveRangeError(0, 0xffffffff)];
}

/** path.IsValidPathSegmentName (RBAC, PV, ... names). */
export function isValidPathSegmentName(name: string): string[] {
  for (const bad of ['.', '..']) if (name === bad) return [`may not be '${bad}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}
export function isValidPathSegmentPrefix(name: string): string[] {
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

// ---------- IPs ----------
export function parseIPv4(s: string): number[] | undefined {
  // Go's ParseIPSloppy accepts leading zeros.
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map((x) => Number(x));
  return parts.every((p) => p <= 255) ? parts : undefined;
}
export function isIPv6(s: string): boolean {
  if (!s.includes(':')) return false;
  let t = s;
  const lastColon = t.lastIndexOf(':');
  const tail = t.slice(lastColon + 1);
  let groupsNeeded = 8;
  if (tail.includes('.')) {
    if (!parseIPv4(tail)) return false;
    t = t.slice(0, lastColon + 1) + '0:0';
  }
  if (t.includes('%')) return false;
  const dbl = t.split('::');
  if (dbl.length > 2) return false;
  const grp = (x: string) => (x === '' ? [] : x.split(':'));
  const head = grp(dbl[0]!);
  const rest = dbl.length === 2 ? grp(dbl[1]!) : [];
  const all = [...head, ...rest];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  if (dbl.length === 2) return all.length < groupsNeeded;
  groupsNeeded = 8;
  return all.length === groupsNeeded;
}
export function isIP(s: string): boolean {
  return parseIPv4(s) !== undefined || isIPv6(s);
}
export function isValidIP(fld: string, value: string): FieldError[] {
  return isIP(value) ? [] : [fieldErr.invalid(fld, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}
export function isValidCIDR(fld: string, value: string): FieldError[] {
  const i = value.indexOf('/');
  const ok = i > 0 && isIP(value.slice(0, i)) && /^\d+$/.test(value.slice(i + 1)) && Number(value.slice(i + 1)) <= (value.includes(':') ? 128 : 32);
  return ok ? [] : [fieldErr.invalid(fld, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

// ---------- name validators (ValidateNameFunc) ----------
export type NameFn = (name: string, prefix: boolean) => string[];

function maskTrailingDash(name: string): string {
  if (name.length > 1 && name.endsWith('-')) return `${name.slice(0, name.length - 2)}a`;
  return name;
}
export const nameIsDNSSubdomain: NameFn = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameFn = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameFn = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);
export const validatePathSegmentName: NameFn = (name, prefix) => (prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name));
export const noNameValidation: NameFn = () => [];

// ---------- field-error helpers ----------
export function validateNonnegativeField(value: number | undefined, fld: string): FieldError[] {
  if (value !== undefined && value < 0) return [fieldErr.invalid(fld, value, IS_NEGATIVE_ERROR_MSG)];
  return [];
}
export function validateImmutableField(newVal: unknown, oldVal: unknown, fld: string): FieldError[] {
  return deepEqual(newVal, oldVal) ? [] : [fieldErr.invalid(fld, newVal ?? null, FIELD_IMMUTABLE_ERROR_MSG)];
}
export function validateDNS1123Label(value: string, fld: string): FieldError[] {
  return isDNS1123Label(value).map((m) => fieldErr.invalid(fld, value, m));
}
export function validateDNS1123Subdomain(value: string, fld: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => fieldErr.invalid(fld, value, m));
}
export function validateQualifiedName(value: string, fld: string): FieldError[] {
  return isQualifiedName(value).map((m) => fieldErr.invalid(fld, value, m));
}
export function validateNameWith(fn: NameFn, value: string, fld: string): FieldError[] {
  return fn(value, false).map((m) => fieldErr.invalid(fld, value, m));
}

/** meta/v1/validation.ValidateLabels */
export function validateLabels(labels: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(strMap(labels))) {
    for (const m of isQualifiedName(k)) errs.push(fieldErr.invalid(fld, k, m));
    for (const m of isValidLabelValue(v)) errs.push(fieldErr.invalid(fld, v, m));
  }
  return errs;
}

// ---------- label selectors ----------
export interface Requirement {
  key: string;
  operator: string;
  values: string[];
}

export function validateLabelSelector(sel: unknown, fld: string): FieldError[] {
  if (!isObj(sel)) return [];
  const errs: FieldError[] = [];
  errs.push(...validateLabels(sel.matchLabels, child(fld, 'matchLabels')));
  arr(sel.matchExpressions).forEach((e, i) => errs.push(...validateLabelSelectorRequirement(obj(e), index(child(fld, 'matchExpressions'), i))));
  return errs;
}
export function validateLabelSelectorRequirement(sr: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const op = str(sr.operator);
  const values = strArr(sr.values);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(fieldErr.required(child(fld, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(fieldErr.forbidden(child(fld, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(fieldErr.invalid(child(fld, 'operator'), op, 'not a valid selector operator'));
  }
  for (const m of isQualifiedName(str(sr.key))) errs.push(fieldErr.invalid(child(fld, 'key'), str(sr.key), m));
  values.forEach((v, i) => {
    for (const m of isValidLabelValue(v)) errs.push(fieldErr.invalid(index(child(fld, 'values'), i), v, m));
  });
  return errs;
}

/** A compiled selector: "nothing" (nil selector), or a list of requirements (empty = everything). */
export type Selector = { nothing: true } | { nothing: false; reqs: Requirement[] };

/** metav1.LabelSelectorAsSelector; undefined on error. */
export function labelSelectorAsSelector(sel: unknown): Selector | undefined {
  if (sel === undefined || sel === null) return { nothing: true };
  const s = obj(sel);
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(strMap(s.matchLabels))) {
    if (isQualifiedName(k).length || isValidLabelValue(v).length) return undefined;
    reqs.push({ key: k, operator: 'In', values: [v] });
  }
  for (const e of arr(s.matchExpressions)) {
    const r = obj(e);
    const op = str(r.operator);
    const values = strArr(r.values);
    if (isQualifiedName(str(r.key)).length) return undefined;
    if ((op === 'In' || op === 'NotIn') && values.length === 0) return undefined;
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) return undefined;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) return undefined;
    if (values.some((v) => isValidLabelValue(v).length)) return undefined;
    reqs.push({ key: str(r.key), operator: op, values });
  }
  return { nothing: false, reqs };
}
export function selectorEmpty(s: Selector): boolean {
  return !s.nothing && s.reqs.length === 0;
}
export function selectorMatches(s: Selector, labels: Record<string, string>): boolean {
  if (s.nothing) return false;
  return s.reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.operator) {
      case 'In':
        return has && r.values.includes(v!);
      case 'NotIn':
        return !has || !r.values.includes(v!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}
/** labels.Set(map).AsSelector() matching, as used by RC/Service-style map selectors. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

// ---------- quantities ----------
const suffixes: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
/** Parse a resource.Quantity string to a number (approximate for huge values); undefined if malformed. */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/.exec(v.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * suffixes[m[3] ?? '']!;
}
/** The Quantity's text as kube would print it (String()); we keep the input text. */
export function quantityString(v: unknown): string {
  return typeof v === 'number' ? String(v) : str(v);
}
