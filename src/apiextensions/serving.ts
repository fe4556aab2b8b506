// Serving custom resources: the catalogue entries, strategy, validation, pruning, printing, scale and
// conversion of one CustomResourceDefinition, plugged into the generic store like a built-in type.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { StatusError } from '../api/errors.js';
import type { FieldError } from '../api/field-errors.js';
import { isObject, type KObject } from '../api/types.js';
import type { ResourceInfo } from '../registry/catalog.js';
import type { Strategy } from '../registry/strategy.js';
import type { Validator } from '../registry/validation/index.js';
import { validatorFor } from '../registry/validation/index.js';
import { structuralTypeResolver, type TypeResolver } from '../registry/apply/index.js';
import type { OpenAPISchema } from '../registry/patch/schema.js';
import type { TableColumnDefinition, TablePrinter } from '../registry/printers/index.js';
import { translateTimestampSince } from '../registry/printers/duration.js';
import { computeStorageVersionHash } from '../registry/storage-versions.js';
import { applyDefaults, blockingError, prune, toStructural, validateAgainstSchema, type StructuralSchema } from './index.js';
import { celModule } from './cel-loader.js';
import { crdSpec, storageVersionName, versionPriorityCompare, type CRDVersion, type PrinterColumn, type ScaleSpec } from './crd-types.js';
import { getPath } from './jsonpath.js';

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

/** Everything the registry needs to serve one CRD. */
export interface CustomResourceServing {
  crdName: string;
  group: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  storageVersion: string;
  /** Served versions, in kube's priority order. */
  resources: ResourceInfo[];
  strategy: Strategy;
  validator: Validator;
  printer(version: string): TablePrinter;
  typeResolver(version: string): TypeResolver | undefined;
  prune(version: string, obj: KObject): string[];
  scale?: ScaleSpec;
  /** Extra field selectors (selectableFields) of a version: field label → JSONPath. */
  selectableFields(version: string): Map<string, string>;
  deprecationWarning(version: string): string | undefined;
  convert(objs: KObject[], apiVersion: string): Promise<KObject[]>;
}

function acceptedNames(crd: KObject): { plural: string; singular: string; kind: string; listKind: string; shortNames?: string[]; categories?: string[] } {
  const st = isObject(crd.status) && isObject(crd.status.acceptedNames) ? (crd.status.acceptedNames as Record<string, unknown>) : undefined;
  const names = crdSpec(crd).names;
  const src = st && st.plural ? (st as unknown as typeof names) : names;
  return {
    plural: src.plural,
    singular: src.singular || src.kind.toLowerCase(),
    kind: src.kind,
    listKind: src.listKind || `${src.kind}List`,
    shortNames: src.shortNames,
    categories: src.categories,
  };
}

const schemaCache = new WeakMap<object, StructuralSchema>();
function structural(v: CRDVersion): StructuralSchema | undefined {
  const s = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
  if (!isObject(s)) return undefined;
  let c = schemaCache.get(s);
  if (!c) {
    c = toStructural(s);
    schemaCache.set(s, c);
  }
  return c;
}

function versionOf(obj: KObject): string {
  const av = obj.apiVersion ?? '';
  const i = av.indexOf('/');
  return i < 0 ? av : av.slice(i + 1);
}

function cellValue(col: PrinterColumn, obj: KObject, now: Date): unknown {
  const v = getPath(obj, col.jsonPath);
  if (v === undefined || v === null) return null;
  switch (col.type) {
    case 'date':
      return typeof v === 'string' ? translateTimestampSince(v, now) : null;
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    default:
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}

function printerFor(v: CRDVersion): TablePrinter {
  const cols: PrinterColumn[] = v.additionalPrinterColumns?.length
    ? v.additionalPrinterColumns
    : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
  const columns: TableColumnDefinition[] = [
    { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
    ...cols.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    })),
  ];
  return {
    columns,
    cells: (obj, now) => [obj.metadata?.name ?? '', ...cols.map((c) => cellValue(c, obj, now))],
  };
}

/** Build the serving description of an Established CRD. */
export function customResourceServing(crd: KObject, callWebhook: WebhookCaller = defaultWebhookCaller): CustomResourceServing {
  const spec = crdSpec(crd);
  const names = acceptedNames(crd);
  const storageVersion = storageVersionName(crd) ?? spec.versions[0]!.name;
  const namespaced = spec.scope !== 'Cluster';
  const served = spec.versions.filter((v) => v.served).sort((a, b) => versionPriorityCompare(a.name, b.name));
  const byName = new Map(spec.versions.map((v) => [v.name, v]));
  const storageHash = computeStorageVersionHash(spec.group, storageVersion, names.kind);
  const resources: ResourceInfo[] = served.map((v) => {
    const subs: ResourceInfo['subresources'] = [];
    if (v.subresources && 'status' in v.subresources && v.subresources.status !== undefined) subs.push({ name: 'status', kind: names.kind, verbs: ['get', 'patch', 'update'] });
    if (v.subresources?.scale) subs.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
    const r: ResourceInfo = {
      group: spec.group,
      version: v.name,
      name: names.plural,
      singularName: names.singular,
      namespaced,
      kind: names.kind,
      listKind: names.listKind,
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'].sort(),
      storageVersionHash: storageHash,
    };
    if (names.shortNames?.length) r.shortNames = names.shortNames;
    if (names.categories?.length) r.categories = names.categories;
    if (subs.length) r.subresources = subs;
    return r;
  });

  const schemaFor = (obj: KObject): StructuralSchema | undefined => {
    const v = byName.get(versionOf(obj));
    return v ? structural(v) : undefined;
  };
  const hasStatus = (obj: KObject): boolean => {
    const v = byName.get(versionOf(obj));
    return Boolean(v?.subresources && v.subresources.status !== undefined);
  };
  const meta = validatorFor(spec.group, names.plural);
  const schemaErrors = (obj: KObject, old: KObject | undefined): FieldError[] => {
    const s = schemaFor(obj);
    if (!s) return [];
    const errs = validateAgainstSchema(obj, s, { isResourceRoot: true });
    const blocking = blockingError(errs);
    // kube reports this one with a nil field path, printed "<nil>"
    if (blocking) return [...errs, { ...blocking, field: blocking.field || '<nil>' }];
    return [...errs, ...celModule().validateCEL(obj, old, s, { isResourceRoot: true })];
  };

  const strategy: Strategy = {
    default(obj) {
      const s = schemaFor(obj);
      if (s) applyDefaults(obj, s);
    },
    prepareForCreate(obj) {
      if (hasStatus(obj)) delete obj.status;
    },
  };
  const validator: Validator = {
    validate: (obj, ctx) => [...meta.validate(obj, ctx), ...schemaErrors(obj, undefined)],
    validateUpdate: (obj, old, ctx) => [...meta.validateUpdate(obj, old, ctx), ...schemaErrors(obj, old)],
    validateStatusUpdate: (obj, old, ctx) => [...(meta.validateStatusUpdate?.(obj, old, ctx) ?? meta.validateUpdate(obj, old, ctx)), ...schemaErrors(obj, old)],
  };

  const printers = new Map<string, TablePrinter>();
  const resolvers = new Map<string, TypeResolver | undefined>();
  const conversion = spec.conversion ?? { strategy: 'None' as const };

  return {
    crdName: crd.metadata?.name ?? '',
    group: spec.group,
    plural: names.plural,
    kind: names.kind,
    namespaced,
    storageVersion,
    resources,
    strategy,
    validator,
    printer(version) {
      let p = printers.get(version);
      if (!p) {
        p = printerFor(byName.get(version) ?? spec.versions[0]!);
        printers.set(version, p);
      }
      return p;
    },
    typeResolver(version) {
      if (!resolvers.has(version)) {
        const v = byName.get(version);
        const raw = v && isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
        let r: TypeResolver | undefined;
        try {
          r = isObject(raw) ? structuralTypeResolver(raw as OpenAPISchema, names.kind) : undefined;
        } catch {
          r = undefined;
        }
        resolvers.set(version, r);
      }
      return resolvers.get(version);
    },
    prune(version, obj) {
      if (spec.preserveUnknownFields) return [];
      const v = byName.get(version);
      const s = v ? structural(v) : undefined;
      return s ? prune(obj, s, true) : [];
    },
    scale: served.find((v) => v.subresources?.scale)?.subresources?.scale,
    selectableFields(version) {
      const m = new Map<string, string>();
      for (const f of byName.get(version)?.selectableFields ?? []) m.set(f.jsonPath.replace(/^\./, ''), f.jsonPath);
      return m;
    },
    deprecationWarning(version) {
      const v = byName.get(version);
      if (!v?.deprecated) return undefined;
      return v.deprecationWarning ?? `${spec.group}/${version} ${names.kind} is deprecated`;
    },
    async convert(objs, apiVersion) {
      const need = objs.filter((o) => o.apiVersion !== apiVersion);
      if (need.length === 0 || conversion.strategy !== 'Webhook') {
        return objs.map((o) => ({ ...o, apiVersion }));
      }
      const converted = await callWebhook(crd, need, apiVersion);
      let i = 0;
      return objs.map((o) => (o.apiVersion === apiVersion ? o : converted[i++]!));
    },
  };
}

/** Go's wording for the dial errors users see most. */
function goNetError(e: Error, url: URL): string {
  const code = (e as NodeJS.ErrnoException).code;
  const hostPort = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  if (code === 'ECONNREFUSED') return `dial tcp ${hostPort}: connect: connection refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `dial tcp: lookup ${url.hostname}: no such host`;
  if (code === 'ETIMEDOUT') return `dial tcp ${hostPort}: i/o timeout`;
  return e.message;
}

export type WebhookCaller = (crd: KObject, objs: KObject[], desiredAPIVersion: string) => Promise<KObject[]>;

/** ConversionReview v1 over HTTPS to the CRD's conversion webhook, as kube's webhook converter does. */
export const defaultWebhookCaller: WebhookCaller = async (crd, objs, desiredAPIVersion) => {
  const spec = crdSpec(crd);
  const cc = spec.conversion?.webhook?.clientConfig ?? {};
  const gvk = `${spec.group}/${versionOf(objs[0]!)}, Kind=${spec.names.kind}`;
  // kube answers with a bare 500 Status (no reason): kubectl prints "Error from server: conversion webhook ..."
  const fail = (msg: string) => new StatusError(500, '', `conversion webhook for ${gvk} failed: ${msg}`);
  let url: URL;
  if (cc.url) url = new URL(cc.url);
  else if (cc.service) url = new URL(`https://${cc.service.name}.${cc.service.namespace}.svc:${cc.service.port ?? 443}${cc.service.path ?? ''}`);
  else throw fail('no webhook client config');
  const uid = randomUUID();
  const review = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { uid, desiredAPIVersion, objects: objs } };
  const body = JSON.stringify(review);
  const ca = cc.caBundle ? Buffer.from(cc.caBundle, 'base64').toString('utf8') : undefined;
  const text = await new Promise<string>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) }, ca, timeout: 30_000 },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300) reject(fail(`conversion webhook returned HTTP status ${res.statusCode}: ${data.slice(0, 200)}`));
          else resolve(data);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', (e) => reject(e instanceof StatusError ? e : fail(`Post "${url.toString()}": ${goNetError(e, url)}`)));
    req.end(body);
  });
  let resp: { response?: { uid?: string; convertedObjects?: KObject[]; result?: { status?: string; message?: string } } };
  try {
    resp = JSON.parse(text) as typeof resp;
  } catch {
    throw fail('invalid ConversionReview response');
  }
  const r = resp.response;
  if (!r) throw fail('no response provided');
  if (r.uid !== uid) throw fail(`expected response uid ${JSON.stringify(uid)}, got ${JSON.stringify(r.uid)}`);
  if (r.result?.status !== 'Success') throw fail(r.result?.message ?? 'conversion failed');
  const out = r.convertedObjects ?? [];
  if (out.length !== objs.length) throw fail(`returned ${out.length} objects, expected ${objs.length}`);
  return out.map((o, i) => {
    if (o.apiVersion !== desiredAPIVersion) throw fail(`invalid converted object: expected apiVersion ${desiredAPIVersion}, got ${o.apiVersion}`);
    // metadata other than labels and annotations may not change (kube restores it from the original)
    const orig = objs[i]!;
    return { ...o, metadata: { ...orig.metadata, labels: o.metadata?.labels, annotations: o.metadata?.annotations } };
  });
};
