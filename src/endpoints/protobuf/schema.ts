// Lazily loads kube's generated.proto files (data/proto/k8s.io/...) with protobufjs and compiles, per message,
// a flat "plan" that the codec walks: field numbers, JSON names, value kinds, and the Go facts that decide how
// zero values decode (data/proto/k8s.io/go-field-facts.json).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import type * as ProtobufNS from 'protobufjs';

// Loaded on first use: protobufjs is not needed to start the server.
const requireCjs = createRequire(import.meta.url);
let pb: typeof ProtobufNS | undefined;
function protobufLib(): typeof ProtobufNS {
  pb ??= requireCjs('protobufjs') as typeof ProtobufNS;
  return pb;
}
import { findDataDir } from '../../util/data-dir.js';
import { K, setResolver, type FieldPlan, type MessagePlan } from './kinds.js';

export { K, type FieldPlan, type MessagePlan };

const SPECIAL: Record<string, K> = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': K.Time,
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': K.MicroTime,
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': K.Duration,
  'k8s.io.apimachinery.pkg.api.resource.Quantity': K.Quantity,
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': K.Quantity,
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': K.IntOrString,
  'k8s.io.apimachinery.pkg.runtime.RawExtension': K.RawJSON,
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': K.RawJSON,
};
const APIEXT = /^k8s\.io\.apiextensions_apiserver\.pkg\.apis\.apiextensions\.v1(beta1)?\./;

let dataDir: string | undefined;
function protoDir(): string {
  dataDir ??= findDataDir();
  return join(dataDir, 'proto');
}

// ---- index of proto files (go_package, package) ----

interface ProtoFile {
  path: string; // relative to data/proto, e.g. k8s.io/api/core/v1/generated.proto
  goPackage: string; // k8s.io/api/core/v1
  pkg: string; // k8s.io.api.core.v1
}

let fileIndex: ProtoFile[] | undefined;

function indexFiles(): ProtoFile[] {
  if (fileIndex) return fileIndex;
  const root = protoDir();
  const out: ProtoFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.proto')) {
        const head = readFileSync(full, 'utf8').slice(0, 4000);
        const gp = /option go_package = "([^"]+)";/.exec(head);
        const pk = /^package ([\w.]+);/m.exec(head);
        if (gp && pk) out.push({ path: relative(root, full).split(sep).join('/'), goPackage: gp[1]!, pkg: pk[1]! });
      }
    }
  };
  walk(join(root, 'k8s.io'));
  fileIndex = out;
  return out;
}

/** The proto file for an API group/version, derived from the files' go_package: <...>/<group dir>/<version>. */
function fileForGroupVersion(group: string, version: string): ProtoFile | undefined {
  const files = indexFiles();
  let candidates: string[];
  if (group === '') candidates = ['core'];
  else {
    const labels = group.replace(/\.k8s\.io$/, '').split('.');
    // apps, rbac(.authorization), apiextensions, apiregistration, flowcontrol(.apiserver), internal.apiserver → apiserverinternal
    candidates = [labels[0]!, [...labels].reverse().join(''), labels.join('')];
  }
  let best: ProtoFile | undefined;
  for (const f of files) {
    const parts = f.goPackage.split('/');
    if (parts[parts.length - 1] !== version) continue;
    if (!candidates.includes(parts[parts.length - 2]!)) continue;
    // prefer k8s.io/api over other repos when both match
    if (!best || (f.goPackage.startsWith('k8s.io/api/') && !best.goPackage.startsWith('k8s.io/api/'))) best = f;
  }
  return best;
}

// ---- protobufjs root, loaded file by file ----

let root: ProtobufNS.Root | undefined;
const loaded = new Set<string>();

function getRoot(): ProtobufNS.Root {
  if (root) return root;
  const r = new (protobufLib().Root)();
  const base = protoDir();
  r.resolvePath = (_origin: string, target: string): string => (target.startsWith('/') ? target : join(base, target));
  root = r;
  return r;
}

function loadFile(path: string): void {
  if (loaded.has(path)) return;
  const r = getRoot();
  r.loadSync(path, { keepCase: true });
  r.resolveAll();
  loaded.add(path);
}

function loadPackage(pkg: string): boolean {
  const f = indexFiles().find((x) => x.pkg === pkg);
  if (!f) return false;
  loadFile(f.path);
  return true;
}

// ---- Go facts ----

let facts: Record<string, Record<string, string>> | undefined;
function goFacts(): Record<string, Record<string, string>> {
  if (facts) return facts;
  const raw = JSON.parse(readFileSync(join(protoDir(), 'k8s.io', 'go-field-facts.json'), 'utf8')) as {
    messages: Record<string, Record<string, string>>;
  };
  facts = raw.messages;
  return facts;
}

// ---- plans ----

const plans = new Map<string, MessagePlan>();

function scalarKind(t: string): K | undefined {
  switch (t) {
    case 'string':
      return K.String;
    case 'bytes':
      return K.Bytes;
    case 'bool':
      return K.Bool;
    case 'int32':
    case 'uint32':
    case 'sint32':
      return K.Int32;
    case 'int64':
    case 'uint64':
    case 'sint64':
      return K.Int64;
    case 'double':
    case 'float':
      return K.Double;
    default:
      return undefined;
  }
}

function wireTypeOf(kind: K): number {
  switch (kind) {
    case K.Bool:
    case K.Int32:
    case K.Int64:
      return 0;
    case K.Double:
      return 1;
    default:
      return 2;
  }
}

function messageKind(type: ProtobufNS.Type): K {
  const full = type.fullName.replace(/^\./, '');
  const special = SPECIAL[full];
  if (special !== undefined) return special;
  if (APIEXT.test(full)) {
    const short = full.slice(full.lastIndexOf('.') + 1);
    if (short === 'JSON') return K.RawJSON;
    if (short === 'JSONSchemaPropsOrArray') return K.SchemaOrArray;
    if (short === 'JSONSchemaPropsOrBool') return K.SchemaOrBool;
    if (short === 'JSONSchemaPropsOrStringArray') return K.SchemaOrStringArray;
  }
  // Go slice types ([]string) wrapped for use in maps or as nullable fields: Verbs, ExtraValue
  const fs = type.fieldsArray;
  if (fs.length === 1 && fs[0]!.name === 'items' && fs[0]!.repeated && fs[0]!.type === 'string') return K.StringList;
  return K.Message;
}

function compile(type: ProtobufNS.Type): MessagePlan {
  const fullName = type.fullName.replace(/^\./, '');
  const cached = plans.get(fullName);
  if (cached) return cached;
  const f = goFacts()[fullName] ?? {};
  const plan: MessagePlan = { fullName, fields: [], byNo: [], byJson: undefined, enc: undefined, dec: undefined };
  plans.set(fullName, plan);
  for (const field of [...type.fieldsArray].sort((a, b) => a.id - b.id)) {
    field.resolve();
    const isMap = field instanceof protobufLib().MapField;
    let kind = scalarKind(field.type);
    let typeName = '';
    let sub: ProtobufNS.Type | undefined;
    if (kind === undefined) {
      const rt = field.resolvedType;
      if (!(rt instanceof protobufLib().Type)) throw new Error(`protobuf: unsupported field type ${field.type} in ${fullName}`);
      sub = rt;
      kind = messageKind(rt);
      typeName = rt.fullName.replace(/^\./, '');
    }
    const flags = f[field.name] ?? '';
    const eq = flags.indexOf('=');
    const fp: FieldPlan = {
      no: field.id,
      name: field.name,
      json: eq >= 0 ? flags.slice(eq + 1) : field.name,
      kind,
      repeated: field.repeated && !isMap,
      map: isMap,
      typeName,
      msg: undefined,
      sub: undefined,
      keepZero: flags.startsWith('k'),
      inline: flags === 'i',
      wt: wireTypeOf(kind),
    };
    plan.fields.push(fp);
    plan.byNo[fp.no] = fp;
    if (sub && (kind === K.Message || kind === K.SchemaOrArray || kind === K.SchemaOrBool || kind === K.SchemaOrStringArray)) {
      // compiled on first use (msgOf), so that recursive types terminate and only what is used gets compiled
      fp.sub = sub;
    }
  }
  if (!plan.fields.some((x) => x.inline)) {
    const byJson = Object.create(null) as Record<string, FieldPlan>;
    for (const x of plan.fields) byJson[x.json] = x;
    plan.byJson = byJson;
  }
  return plan;
}

setResolver((f) => (f.msg = compile(f.sub as ProtobufNS.Type)));

/** The plan of a message by full name (e.g. k8s.io.api.core.v1.Pod), loading its package when needed. */
export function planByName(fullName: string): MessagePlan | undefined {
  const cached = plans.get(fullName);
  if (cached) return cached;
  const pkg = fullName.slice(0, fullName.lastIndexOf('.'));
  if (!loadPackage(pkg)) return undefined;
  const t = getRoot().lookup(fullName);
  if (!(t instanceof protobufLib().Type)) return undefined;
  return compile(t);
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
// meta/v1 kinds registered into every group version (metav1.AddToGroupVersion) plus the unversioned ones.
const META_EVERYWHERE = new Set([
  'Status',
  'WatchEvent',
  'ListOptions',
  'GetOptions',
  'DeleteOptions',
  'CreateOptions',
  'UpdateOptions',
  'PatchOptions',
  'APIVersions',
  'APIGroupList',
  'APIGroup',
  'APIResourceList',
]);

const kindCache = new Map<string, Map<string, MessagePlan | null>>();

/** The top-level message plan for apiVersion/kind, or undefined when the kind has no protobuf type. */
export function planForKind(apiVersion: string, kind: string): MessagePlan | undefined {
  let byKind = kindCache.get(apiVersion);
  if (byKind === undefined) kindCache.set(apiVersion, (byKind = new Map()));
  const hit = byKind.get(kind);
  if (hit !== undefined) return hit ?? undefined;
  const found = lookupKind(apiVersion, kind);
  if (byKind.size < 1000) byKind.set(kind, found ?? null);
  return found;
}

function lookupKind(apiVersion: string, kind: string): MessagePlan | undefined {
  if (!/^[A-Z]\w*$/.test(kind)) return undefined;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (!version || version.includes('/')) return undefined;
  const pkgs: string[] = [];
  if (group === 'meta.k8s.io') {
    const f = indexFiles().find((x) => x.goPackage === `k8s.io/apimachinery/pkg/apis/meta/${version}`);
    if (f) pkgs.push(f.pkg);
    pkgs.push(META);
  } else {
    const f = fileForGroupVersion(group, version);
    if (f) pkgs.push(f.pkg);
    if (META_EVERYWHERE.has(kind)) pkgs.push(META);
  }
  for (const pkg of pkgs) {
    const p = planByName(`${pkg}.${kind}`);
    if (!p || !isTopLevel(p, kind, pkg === META)) continue;
    return p;
  }
  return undefined;
}

/** A message is an API kind if it carries object or list metadata, is an options kind, or is a meta kind. */
function isTopLevel(p: MessagePlan, kind: string, meta: boolean): boolean {
  if (p.fields.length === 0) return false;
  if (meta) return META_EVERYWHERE.has(kind) || kind.startsWith('PartialObjectMetadata') || kind === 'TableOptions';
  if (kind.endsWith('Options')) return true;
  const m = p.fields.find((f) => f.name === 'metadata');
  return !!m && (m.typeName === `${META}.ObjectMeta` || m.typeName === `${META}.ListMeta`);
}

export const META_PACKAGE = META;
