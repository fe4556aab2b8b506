// Field selectors, as kube-apiserver 1.32 parses, converts and matches them:
//  - parsing/escaping/matching: k8s.io/apimachinery v0.32 pkg/fields/selector.go
//  - supported labels per kind: the scheme's field label conversion funcs (pkg/apis/core/v1/conversion.go,
//    pkg/apis/batch/v1, pkg/apis/certificates/v1, pkg/apis/events/v1, pkg/apis/resource/...), or, for
//    kinds without one, runtime.DefaultMetaV1FieldSelectorConversion
//  - the field values objects expose: each registry's GetAttrs / ToSelectableFields
//    (pkg/registry/core/pod/strategy.go, .../event/strategy.go, ..., generic.AddObjectMetaFieldsSet)
// The list handler (apiserver pkg/endpoints/handlers/get.go) answers a parse error and a conversion
// error alike with errors.NewBadRequest(err.Error()): 400, reason BadRequest, message = the error text.
import { badRequest } from '../../api/errors.js';
import type { KObject } from '../../api/types.js';
import { goQuote, goStringLess } from './labels.js';

export type FieldOp = '=' | '!=';

export interface FieldRequirement {
  field: string;
  op: FieldOp;
  value: string;
}

export interface FieldSelector {
  matches(fields: Record<string, string>): boolean;
  empty(): boolean;
  requirements(): FieldRequirement[];
  toString(): string;
  /** fields.Selector.RequiresExactMatch: the value an `=` term demands for the field, if any. */
  requiresExactMatch(field: string): string | undefined;
  /** fields.Selector.Transform: rewrite every term (dropping terms mapped to an empty field and value). */
  transform(fn: (field: string, value: string) => [string, string]): FieldSelector;
}

// ---------------------------------------------------------------------------------------------
// Selector terms

/** fields.EscapeValue. */
export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => '\\' + c);
}

class Term implements FieldSelector {
  constructor(
    readonly field: string,
    readonly op: FieldOp,
    readonly value: string,
  ) {}
  matches(fields: Record<string, string>): boolean {
    const v = Object.prototype.hasOwnProperty.call(fields, this.field) ? fields[this.field]! : '';
    return this.op === '=' ? v === this.value : v !== this.value;
  }
  empty(): boolean {
    return false;
  }
  requirements(): FieldRequirement[] {
    return [{ field: this.field, op: this.op, value: this.value }];
  }
  toString(): string {
    return `${this.field}${this.op}${escapeValue(this.value)}`;
  }
  requiresExactMatch(field: string): string | undefined {
    return this.op === '=' && this.field === field ? this.value : undefined;
  }
  transform(fn: (field: string, value: string) => [string, string]): FieldSelector {
    const [f, v] = fn(this.field, this.value);
    if (f === '' && v === '') return new AndTerm([]);
    return new Term(f, this.op, v);
  }
}

class AndTerm implements FieldSelector {
  constructor(readonly terms: FieldSelector[]) {}
  matches(fields: Record<string, string>): boolean {
    return this.terms.every((t) => t.matches(fields));
  }
  empty(): boolean {
    return this.terms.every((t) => t.empty());
  }
  requirements(): FieldRequirement[] {
    return this.terms.flatMap((t) => t.requirements());
  }
  toString(): string {
    return this.terms.map((t) => t.toString()).join(',');
  }
  requiresExactMatch(field: string): string | undefined {
    for (const t of this.terms) {
      const v = t.requiresExactMatch(field);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  transform(fn: (field: string, value: string) => [string, string]): FieldSelector {
    const next: FieldSelector[] = [];
    for (const t of this.terms) {
      const n = t.transform(fn);
      if (!n.empty()) next.push(n);
    }
    return new AndTerm(next);
  }
}

/** fields.Everything(). */
export function everythingFields(): FieldSelector {
  return new AndTerm([]);
}

/** fields.OneTermEqualSelector. */
export function oneTermEqualSelector(field: string, value: string): FieldSelector {
  return new Term(field, '=', value);
}

/** fields.AndSelectors. */
export function andSelectors(...sels: FieldSelector[]): FieldSelector {
  return new AndTerm(sels);
}

// ---------------------------------------------------------------------------------------------
// Parsing (fields.ParseSelector)

class FieldParseError extends Error {}

/** fields.UnescapeValue. Go prints the offending rune of UnescapedRune with %v, i.e. as its number. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new FieldParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new FieldParseError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new FieldParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

function splitTerms(sel: string): string[] {
  if (sel.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < sel.length; i++) {
    const c = sel[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(sel.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(sel.slice(start));
  return terms;
}

const termOperators = ['!=', '==', '='] as const;

function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function parseOrThrow(sel: string): FieldSelector {
  const parts = splitTerms(sel).sort(goStringLess);
  const items: FieldSelector[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new FieldParseError(`invalid selector: '${sel}'; can't understand '${part}'`);
    const [lhs, op, rhs] = t;
    const value = unescapeValue(rhs);
    items.push(new Term(lhs, op === '!=' ? '!=' : '=', value));
  }
  return items.length === 1 ? items[0]! : new AndTerm(items);
}

/** fields.ParseSelector; errors are 400 BadRequest with kube's text. */
export function parseFieldSelector(s: string): FieldSelector {
  try {
    return parseOrThrow(s);
  } catch (e) {
    if (e instanceof FieldParseError) throw badRequest(e.message);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Field label conversion (which labels each kind accepts)

type Conversion = (label: string) => string | Error;

function allowList(labels: string[], err: (label: string) => string, renames: Record<string, string> = {}): Conversion {
  const ok = new Set(labels);
  return (label) => {
    if (Object.prototype.hasOwnProperty.call(renames, label)) return renames[label]!;
    if (ok.has(label)) return label;
    return new Error(err(label));
  };
}

const notSupported = (label: string): string => `field label not supported: ${label}`;

/** runtime.DefaultMetaV1FieldSelectorConversion (any kind without its own conversion func, whatever its scope). */
const defaultConversion: Conversion = (label) =>
  label === 'metadata.name' || label === 'metadata.namespace'
    ? label
    : new Error(`${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`);

const eventsV1Mapping: Record<string, string> = {
  reason: 'reason',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
  source: 'source',
  type: 'type',
  'metadata.namespace': 'metadata.namespace',
  'metadata.name': 'metadata.name',
};

/** Keyed "group/resource" (core group: "/resource"). */
const conversions: Record<string, Conversion> = {
  '/pods': allowList(
    [
      'metadata.name',
      'metadata.namespace',
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.podIPs',
      'status.nominatedNodeName',
    ],
    notSupported,
    // backwards compatibility with old v1 clients which send spec.host
    { 'spec.host': 'spec.nodeName' },
  ),
  '/nodes': allowList(['metadata.name', 'spec.unschedulable'], notSupported),
  '/replicationcontrollers': allowList(['metadata.name', 'metadata.namespace', 'status.replicas'], notSupported),
  '/events': allowList(
    [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
      'metadata.namespace',
      'metadata.name',
    ],
    notSupported,
  ),
  '/namespaces': allowList(['status.phase', 'metadata.name'], notSupported),
  '/secrets': allowList(['type', 'metadata.namespace', 'metadata.name'], notSupported),
  '/services': allowList(['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'], notSupported),
  'batch/jobs': allowList(['metadata.name', 'metadata.namespace', 'status.successful'], (l) => `field label ${goQuote(l)} not supported for batchv1.Job`),
  'certificates.k8s.io/certificatesigningrequests': allowList(['metadata.name', 'spec.signerName'], notSupported),
  'certificates.k8s.io/clustertrustbundles': allowList(['metadata.name', 'spec.signerName'], notSupported),
  'events.k8s.io/events': (label) =>
    Object.prototype.hasOwnProperty.call(eventsV1Mapping, label) ? eventsV1Mapping[label]! : new Error(notSupported(label)),
  'resource.k8s.io/resourceslices': allowList(
    ['metadata.name', 'spec.nodeName', 'spec.driver'],
    (l) => `field label not supported for resource.k8s.io/v1beta1, Kind=ResourceSlice: ${l}`,
  ),
};

function conversionFor(group: string, resource: string): Conversion {
  return conversions[`${group}/${resource}`] ?? defaultConversion;
}

/**
 * What the list/watch/deletecollection handlers do with a parsed fieldSelector:
 * Selector.Transform(scope.Convertor.ConvertFieldLabel). Returns the selector in the labels the
 * storage matches against (e.g. events.k8s.io "regarding.name" -> "involvedObject.name",
 * pods "spec.host" -> "spec.nodeName"); throws 400 BadRequest with kube's text for an unsupported label.
 * `namespaced` is accepted for symmetry: like kube, kinds without a conversion func accept
 * metadata.namespace whatever their scope (cluster-scoped objects simply have no namespace to match).
 */
export function transformFieldSelector(group: string, resource: string, _namespaced: boolean, sel: FieldSelector): FieldSelector {
  const conv = conversionFor(group, resource);
  return sel.transform((field, value) => {
    const r = conv(field);
    if (r instanceof Error) throw badRequest(r.message);
    return [r, value];
  });
}

/** Throws kube's error if the selector uses a field the resource does not support. */
export function checkSupportedFields(group: string, resource: string, namespaced: boolean, sel: FieldSelector): void {
  transformFieldSelector(group, resource, namespaced, sel);
}

// ---------------------------------------------------------------------------------------------
// Selectable fields of objects (GetAttrs)

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
/** strconv.Itoa of an int32 field that may be absent (0). */
function intStr(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : '0';
}
/** strconv.FormatBool / fmt.Sprint of a bool field that may be absent (false). */
function boolStr(v: unknown): string {
  return v === true ? 'true' : 'false';
}

type FieldsFn = (obj: KObject) => Record<string, string>;

function podFields(obj: KObject): Record<string, string> {
  const spec = rec(obj['spec']);
  const status = rec(obj['status']);
  // internal PodStatus keeps only podIPs; v1 podIP is folded into podIPs[0] when podIPs is empty
  const podIPs = Array.isArray(status['podIPs']) ? (status['podIPs'] as unknown[]) : [];
  const podIP = podIPs.length > 0 ? str(rec(podIPs[0])['ip']) : str(status['podIP']);
  return {
    'spec.nodeName': str(spec['nodeName']),
    'spec.restartPolicy': str(spec['restartPolicy']),
    'spec.schedulerName': str(spec['schedulerName']),
    'spec.serviceAccountName': str(spec['serviceAccountName']),
    'spec.hostNetwork': boolStr(spec['hostNetwork']),
    'status.phase': str(status['phase']),
    'status.podIP': podIP,
    'status.nominatedNodeName': str(status['nominatedNodeName']),
  };
}

function eventFields(obj: KObject, eventsGroup: boolean): Record<string, string> {
  // core/v1 and events.k8s.io/v1 Events are one internal type: regarding == involvedObject,
  // deprecatedSource == source, note == message.
  const ref = rec(eventsGroup ? (obj['regarding'] ?? obj['involvedObject']) : (obj['involvedObject'] ?? obj['regarding']));
  const source = rec(eventsGroup ? (obj['deprecatedSource'] ?? obj['source']) : (obj['source'] ?? obj['deprecatedSource']));
  const reportingController = str(obj['reportingController'] ?? obj['reportingComponent']);
  const component = str(source['component']);
  return {
    'involvedObject.kind': str(ref['kind']),
    'involvedObject.namespace': str(ref['namespace']),
    'involvedObject.name': str(ref['name']),
    'involvedObject.uid': str(ref['uid']),
    'involvedObject.apiVersion': str(ref['apiVersion']),
    'involvedObject.resourceVersion': str(ref['resourceVersion']),
    'involvedObject.fieldPath': str(ref['fieldPath']),
    reason: str(obj['reason']),
    reportingComponent: reportingController,
    source: component !== '' ? component : reportingController,
    type: str(obj['type']),
  };
}

const specific: Record<string, FieldsFn> = {
  '/pods': podFields,
  '/events': (o) => eventFields(o, false),
  'events.k8s.io/events': (o) => eventFields(o, true),
  '/namespaces': (o) => ({
    'status.phase': str(rec(o['status'])['phase']),
    // "This is a bug, but we need to support it for backward compatibility."
    name: str(o.metadata?.name),
  }),
  '/persistentvolumes': (o) => ({ name: str(o.metadata?.name) }),
  '/nodes': (o) => ({ 'spec.unschedulable': boolStr(rec(o['spec'])['unschedulable']) }),
  '/secrets': (o) => ({ type: str(o['type']) }),
  '/replicationcontrollers': (o) => ({ 'status.replicas': intStr(rec(o['status'])['replicas']) }),
  '/services': (o) => ({ 'spec.clusterIP': str(rec(o['spec'])['clusterIP']), 'spec.type': str(rec(o['spec'])['type']) }),
  'apps/replicasets': (o) => ({ 'status.replicas': intStr(rec(o['status'])['replicas']) }),
  'batch/jobs': (o) => ({ 'status.successful': intStr(rec(o['status'])['succeeded']) }),
  'certificates.k8s.io/certificatesigningrequests': (o) => ({ 'spec.signerName': str(rec(o['spec'])['signerName']) }),
  'certificates.k8s.io/clustertrustbundles': (o) => ({ 'spec.signerName': str(rec(o['spec'])['signerName']) }),
  'resource.k8s.io/resourceslices': (o) => ({ 'spec.nodeName': str(rec(o['spec'])['nodeName']), 'spec.driver': str(rec(o['spec'])['driver']) }),
};

/**
 * The selectable fields of an object of a built-in resource (group "" for core), as kube computes
 * them: metadata.name, metadata.namespace (namespaced resources; inferred from the object when
 * `namespaced` is not given) and the type's own fields. Absent fields read as kube's zero values
 * ("" for strings, "false" for bools, "0" for counts); a field kube accepts but does not expose
 * (pods' status.podIPs) is absent, which matches as "".
 */
export function selectableFields(group: string, resource: string, obj: KObject, namespaced?: boolean): Record<string, string> {
  const fn = specific[`${group}/${resource}`];
  const out: Record<string, string> = fn ? fn(obj) : {};
  out['metadata.name'] = str(obj.metadata?.name);
  const ns = obj.metadata?.namespace;
  if (namespaced ?? (typeof ns === 'string' && ns !== '')) out['metadata.namespace'] = str(ns);
  return out;
}

/** Convenience: does obj satisfy a (transformed) field selector? */
export function matchesFields(group: string, resource: string, obj: KObject, sel: FieldSelector, namespaced?: boolean): boolean {
  return sel.empty() || sel.matches(selectableFields(group, resource, obj, namespaced));
}
