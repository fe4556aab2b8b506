// CustomResourceDefinition validation (apiextensions.k8s.io/v1 objects), as kube-apiserver 1.32 does it:
// k8s.io/apiextensions-apiserver v0.32 pkg/apis/apiextensions/validation/validation.go
// (ValidateCustomResourceDefinition / ...Update, field paths of the internal types), schema/validation.go
// (structural schema rules), schema/defaulting/validation.go (defaults), schema/cel (rule compilation and cost).

import { OMIT_VALUE, fieldErr, fieldErrorString, type FieldError } from '../api/field-errors.js';
import type { KObject } from '../api/types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../registry/validation/meta.js';
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain, validateImmutableField } from '../registry/validation/util.js';
import { celModule } from './cel-loader.js';
import { prune, validateAgainstSchema } from './schema.js';
import { isPlainObject, toStructural, type StructuralSchema } from './structural.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const OPENAPI_V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const VALIDATION_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const MAX_SELECTABLE_FIELDS = 8;
const ALLOWED_AT_ROOT_WITH_STATUS = new Set(['description', 'type', 'format', 'title', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'required', 'items', 'properties', 'externalDocs', 'example', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations']);
const ALLOWED_AT_ROOT_GO = '[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations]';

/** field.Invalid whose bad value is a Go struct we can only approximate: printed verbatim. */
function invalidRaw(field: string, goValue: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, badValue: OMIT_VALUE, detail: `${goValue}: ${detail}` };
}

function goVersionsValue(versions: unknown[]): string {
  const one = (v: Obj): string =>
    `apiextensions.CustomResourceDefinitionVersion{Name:${JSON.stringify(str(v.name))}, Served:${v.served === true}, Storage:${v.storage === true}, Deprecated:${v.deprecated === true}, ...}`;
  return `[]apiextensions.CustomResourceDefinitionVersion{${versions.map((v) => one(obj(v))).join(', ')}}`;
}

function goRuleValue(r: Obj): string {
  const reason = typeof r.reason === 'string' ? `(*apiextensions.FieldValueErrorReason)(${JSON.stringify(r.reason)})` : '(*apiextensions.FieldValueErrorReason)(nil)';
  const oos = typeof r.optionalOldSelf === 'boolean' ? `(*bool)(${r.optionalOldSelf})` : '(*bool)(nil)';
  return `apiextensions.ValidationRule{Rule:${JSON.stringify(str(r.rule))}, Message:${JSON.stringify(str(r.message))}, MessageExpression:${JSON.stringify(str(r.messageExpression))}, Reason:${reason}, FieldPath:${JSON.stringify(str(r.fieldPath))}, OptionalOldSelf:${oos}}`;
}

// ------------------------------------------------------------------------------------------ entry points

/** ValidateCustomResourceDefinition (create) or ValidateCustomResourceDefinitionUpdate (when `old` is given). */
export function validateCRD(crd: KObject, old?: KObject): FieldError[] {
  const spec = obj(crd.spec);
  const names = obj(spec.names);
  const group = str(spec.group);
  const errs: FieldError[] = [];
  if (!old) {
    const nameFn = (name: string, prefix: boolean): string[] => {
      const r = nameIsDNSSubdomain(name, prefix);
      if (name !== `${str(names.plural)}.${group}`) r.push('must be spec.names.plural+"."+spec.group');
      return r;
    };
    errs.push(...validateObjectMeta(crd.metadata, false, nameFn, 'metadata', { kubeFinalizers: false }));
  } else {
    errs.push(...validateObjectMetaUpdate(crd.metadata, old.metadata, 'metadata', { kubeFinalizers: false }));
  }
  const oldSpec = old ? obj(old.spec) : undefined;
  const opts: Opts = {
    requireRecognizedConversionReviewVersion: !oldSpec || hasValidConversionReviewVersionOrEmpty(arr(obj(oldSpec.conversion).conversionReviewVersions)),
    preexisting: oldSpec ? preexistingExpressions(oldSpec) : new Set(),
    unchangedVersions: oldSpec ? unchangedSchemaVersions(spec, oldSpec) : new Set(),
  };
  errs.push(...validateSpec(spec, 'spec', opts));
  if (old && oldSpec) {
    const established = arr(obj(old.status).conditions).some((c) => obj(c).type === 'Established' && obj(c).status === 'True');
    if (established) {
      errs.push(...validateImmutableField(spec.scope, oldSpec.scope, 'spec.scope'));
      errs.push(...validateImmutableField(names.kind, obj(oldSpec.names).kind, 'spec.names.kind'));
    }
    errs.push(...validateImmutableField(spec.group, oldSpec.group, 'spec.group'));
    errs.push(...validateImmutableField(names.plural, obj(oldSpec.names).plural, 'spec.names.plural'));
  }
  errs.push(...validateNames(obj(obj(crd.status).acceptedNames), 'status.acceptedNames'));
  errs.push(...validateStoredVersions(crd));
  errs.push(...validateAPIApproval(crd, old));
  if (spec.preserveUnknownFields === true && !(old && obj(old.spec).preserveUnknownFields === true)) {
    errs.push(fieldErr.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  return errs;
}

/** ValidateCustomResourceDefinitionStoredVersions. A CRD without status gets its storage version recorded by the server. */
function validateStoredVersions(crd: KObject): FieldError[] {
  const status = obj(crd.status);
  const versions = arr(obj(crd.spec).versions).map(obj);
  if (!('storedVersions' in status)) return [];
  const stored = arr(status.storedVersions).map(str);
  const fld = 'status.storedVersions';
  if (!stored.length) return [fieldErr.invalid(fld, stored, 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const idx = new Map<string, number>();
  stored.forEach((v, i) => idx.set(v, i));
  for (const v of versions) {
    const n = str(v.name);
    if (v.storage === true && !idx.has(n)) errs.push(fieldErr.invalid(fld, stored, `must have the storage version ${n}`));
    idx.delete(n);
  }
  for (const [v, i] of idx) errs.push(fieldErr.invalid(`${fld}[${i}]`, v, 'must appear in spec.versions'));
  return errs;
}

function validateAPIApproval(crd: KObject, old?: KObject): FieldError[] {
  const group = str(obj(crd.spec).group);
  const protectedGroup = group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
  if (!protectedGroup) return [];
  const key = 'api-approved.kubernetes.io';
  const ann = obj(crd.metadata?.annotations)[key];
  const oldAnn = old ? obj(old.metadata?.annotations)[key] : undefined;
  const fld = `metadata.annotations[${key}]`;
  const state = (v: unknown): 'missing' | 'unapproved' | 'invalid' | 'approved' => {
    if (typeof v !== 'string') return 'missing';
    if (v.startsWith('unapproved')) return 'unapproved';
    try {
      const u = new URL(v);
      return u.protocol ? 'approved' : 'invalid';
    } catch {
      return 'invalid';
    }
  };
  const s = state(ann);
  if (old && state(oldAnn) === s) return [];
  if (s === 'approved' || s === 'unapproved') return [];
  const reason = `protected groups must have approval annotation "${key}", see https://github.com/kubernetes/enhancements/pull/1111`;
  if (s === 'invalid') return [fieldErr.invalid(fld, ann, reason)];
  return [fieldErr.required(fld, reason)];
}

interface Opts {
  requireRecognizedConversionReviewVersion: boolean;
  preexisting: Set<string>;
  unchangedVersions: Set<string>;
}

function collectRules(p: unknown, out: Set<string>): void {
  if (Array.isArray(p)) {
    for (const x of p) collectRules(x, out);
    return;
  }
  if (!isPlainObject(p)) return;
  for (const [k, v] of Object.entries(p)) {
    if (k === 'x-kubernetes-validations' && Array.isArray(v)) for (const r of v) if (isPlainObject(r) && typeof r.rule === 'string') out.add(r.rule);
    collectRules(v, out);
  }
}
function preexistingExpressions(spec: Obj): Set<string> {
  const out = new Set<string>();
  collectRules(spec.versions, out);
  return out;
}
function unchangedSchemaVersions(spec: Obj, oldSpec: Obj): Set<string> {
  const out = new Set<string>();
  const olds = new Map(arr(oldSpec.versions).map((v) => [str(obj(v).name), JSON.stringify(obj(obj(v).schema).openAPIV3Schema ?? null)]));
  for (const v of arr(spec.versions)) {
    const n = str(obj(v).name);
    if (olds.get(n) === JSON.stringify(obj(obj(v).schema).openAPIV3Schema ?? null)) out.add(n);
  }
  return out;
}

// ------------------------------------------------------------------------------------------ spec

function validateSpec(spec: Obj, fld: string, opts: Opts): FieldError[] {
  const errs: FieldError[] = [];
  const group = str(spec.group);
  if (!group) errs.push(fieldErr.required(`${fld}.group`, ''));
  else {
    const e = isDNS1123Subdomain(group);
    if (e.length) errs.push(fieldErr.invalid(`${fld}.group`, group, e.join(',')));
    else if (group.split('.').length < 2) errs.push(fieldErr.invalid(`${fld}.group`, group, 'should be a domain with at least one dot'));
  }
  const scope = str(spec.scope);
  if (!scope) errs.push(fieldErr.required(`${fld}.scope`, ''));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(fieldErr.notSupported(`${fld}.scope`, scope, ['Cluster', 'Namespaced']));

  const versions = arr(spec.versions).map(obj);
  versions.forEach((v, i) => {
    if (!isPlainObject(v.schema) || !isPlainObject(obj(v.schema).openAPIV3Schema)) {
      errs.push(fieldErr.required(`${fld}.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    }
  });
  if (specHasDefaults(spec) && spec.preserveUnknownFields === true) {
    errs.push(fieldErr.invalid(`${fld}.preserveUnknownFields`, true, 'must be false in order to use defaults in the schema'));
  }
  let storage = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    if (v.storage === true) storage++;
    const n = str(v.name);
    if (seen.has(n)) unique = false;
    seen.add(n);
    const e = isDNS1035Label(n);
    if (e.length) errs.push(fieldErr.invalid(`${fld}.versions[${i}].name`, n, e.join(',')));
    errs.push(...validateVersion(v, `${fld}.versions[${i}]`, opts));
  });
  if (versions.length > 1) {
    const same = (f: (v: Obj) => unknown): boolean => versions.every((v) => JSON.stringify(f(v) ?? null) === JSON.stringify(f(versions[0]!) ?? null) && f(v) !== undefined);
    if (same((v) => v.schema)) errs.push(invalidRaw(`${fld}.versions`, goVersionsValue(versions), 'per-version schemas may not all be set to identical values (top-level validation should be used instead)'));
    if (same((v) => v.subresources)) errs.push(invalidRaw(`${fld}.versions`, goVersionsValue(versions), 'per-version subresources may not all be set to identical values (top-level subresources should be used instead)'));
    if (same((v) => (arr(v.additionalPrinterColumns).length ? v.additionalPrinterColumns : undefined))) {
      errs.push(invalidRaw(`${fld}.versions`, goVersionsValue(versions), 'per-version additionalPrinterColumns may not all be set to identical values (top-level additionalPrinterColumns should be used instead)'));
    }
  }
  if (!unique) errs.push(invalidRaw(`${fld}.versions`, goVersionsValue(versions), 'must contain unique version names'));
  if (storage !== 1) errs.push(invalidRaw(`${fld}.versions`, goVersionsValue(versions), 'must have exactly one version marked as storage version'));

  const names = obj(spec.names);
  for (const n of ['plural', 'singular', 'kind', 'listKind']) if (!str(names[n])) errs.push(fieldErr.required(`${fld}.names.${n}`, ''));
  errs.push(...validateNames(names, `${fld}.names`));

  const conv = spec.conversion;
  if (isPlainObject(conv)) {
    if (str(conv.strategy) && conv.strategy !== 'None' && spec.preserveUnknownFields === true) {
      errs.push(fieldErr.invalid(`${fld}.conversion.strategy`, conv.strategy, 'must be None if spec.preserveUnknownFields is true'));
    }
    errs.push(...validateConversion(conv, `${fld}.conversion`, opts));
  }
  return errs;
}

function specHasDefaults(spec: Obj): boolean {
  let found = false;
  const walk = (p: unknown): void => {
    if (found) return;
    if (Array.isArray(p)) p.forEach(walk);
    else if (isPlainObject(p)) {
      if ('default' in p && p.default !== undefined) found = true;
      for (const [k, v] of Object.entries(p)) if (k !== 'default' && k !== 'enum' && k !== 'example') walk(v);
    }
  };
  for (const v of arr(spec.versions)) walk(obj(obj(v).schema).openAPIV3Schema);
  return found;
}

const dns1035 = (s: string): string[] => isDNS1035Label(s);

function validateNames(names: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const plural = str(names.plural);
  const singular = str(names.singular);
  const kind = str(names.kind);
  const listKind = str(names.listKind);
  if (plural && dns1035(plural).length) errs.push(fieldErr.invalid(`${fld}.plural`, plural, dns1035(plural).join(',')));
  if (singular && dns1035(singular).length) errs.push(fieldErr.invalid(`${fld}.singular`, singular, dns1035(singular).join(',')));
  if (kind && dns1035(kind.toLowerCase()).length) errs.push(fieldErr.invalid(`${fld}.kind`, kind, `may have mixed case, but should otherwise match: ${dns1035(kind.toLowerCase()).join(',')}`));
  if (listKind && dns1035(listKind.toLowerCase()).length) errs.push(fieldErr.invalid(`${fld}.listKind`, listKind, `may have mixed case, but should otherwise match: ${dns1035(listKind.toLowerCase()).join(',')}`));
  arr(names.shortNames).forEach((s, i) => {
    const e = dns1035(str(s));
    if (e.length) errs.push(fieldErr.invalid(`${fld}.shortNames[${i}]`, str(s), e.join(',')));
  });
  if (kind && kind === listKind) errs.push(fieldErr.invalid(`${fld}.listKind`, listKind, 'kind and listKind may not be the same'));
  arr(names.categories).forEach((s, i) => {
    const e = dns1035(str(s));
    if (e.length) errs.push(fieldErr.invalid(`${fld}.categories[${i}]`, str(s), e.join(',')));
  });
  return errs;
}

function hasValidConversionReviewVersionOrEmpty(versions: unknown[]): boolean {
  return versions.length === 0 || versions.some((v) => v === 'v1' || v === 'v1beta1');
}

function validateConversion(conv: Obj, fld: string, opts: Opts): FieldError[] {
  const errs: FieldError[] = [];
  const strategy = str(conv.strategy);
  if (!strategy) errs.push(fieldErr.required(`${fld}.strategy`, ''));
  else if (strategy !== 'None' && strategy !== 'Webhook') errs.push(fieldErr.notSupported(`${fld}.strategy`, strategy, ['None', 'Webhook']));
  // v1 nests clientConfig and conversionReviewVersions under `webhook`; internal paths are flat.
  const webhook = obj(conv.webhook);
  const cc = isPlainObject(webhook.clientConfig) ? webhook.clientConfig : isPlainObject(conv.webhookClientConfig) ? conv.webhookClientConfig : undefined;
  const crv = Array.isArray(webhook.conversionReviewVersions) ? webhook.conversionReviewVersions : Array.isArray(conv.conversionReviewVersions) ? conv.conversionReviewVersions : undefined;
  if (strategy === 'Webhook') {
    if (!cc) errs.push(fieldErr.required(`${fld}.webhookClientConfig`, 'required when strategy is set to Webhook'));
    else {
      const hasURL = typeof cc.url === 'string';
      const hasSvc = isPlainObject(cc.service);
      if (hasURL === hasSvc) errs.push(fieldErr.required(`${fld}.webhookClientConfig`, 'exactly one of url or service is required'));
      else if (hasURL) errs.push(...validateWebhookURL(`${fld}.webhookClientConfig.url`, str(cc.url)));
      else errs.push(...validateWebhookService(`${fld}.webhookClientConfig.service`, obj(cc.service)));
      if (typeof cc.caBundle === 'string' && cc.caBundle && !/^[A-Za-z0-9+/]*={0,2}$/.test(cc.caBundle)) {
        errs.push(fieldErr.invalid(`${fld}.webhookClientConfig.caBundle`, cc.caBundle, 'illegal base64 data'));
      }
    }
    const versions = (crv ?? []).map(str);
    const p = `${fld}.conversionReviewVersions`;
    if (!versions.length) errs.push(fieldErr.required(p, ''));
    else {
      const seen = new Set<string>();
      let accepted = false;
      versions.forEach((v, i) => {
        if (seen.has(v)) {
          errs.push(fieldErr.invalid(`${p}[${i}]`, v, 'duplicate version'));
          return;
        }
        seen.add(v);
        for (const e of isDNS1035Label(v)) errs.push(fieldErr.invalid(`${p}[${i}]`, v, e));
        if (v === 'v1' || v === 'v1beta1') accepted = true;
      });
      if (opts.requireRecognizedConversionReviewVersion && !accepted) errs.push(fieldErr.invalid(p, versions, 'must include at least one of v1, v1beta1'));
    }
  } else {
    if (cc) errs.push(fieldErr.forbidden(`${fld}.webhookClientConfig`, 'should not be set when strategy is not set to Webhook'));
    if (crv && crv.length) errs.push(fieldErr.forbidden(`${fld}.conversionReviewVersions`, 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

function validateWebhookURL(fld: string, url: string): FieldError[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch (e) {
    return [fieldErr.invalid(fld, url, `url must be a valid URL: ${(e as Error).message}`)];
  }
  const errs: FieldError[] = [];
  if (u.protocol !== 'https:') errs.push(fieldErr.invalid(fld, url, "'https' is the only allowed URL scheme"));
  if (!u.host) errs.push(fieldErr.invalid(fld, url, 'host must be specified'));
  if (u.username || u.password) errs.push(fieldErr.invalid(fld, url, 'user information is not permitted in the URL'));
  if (u.hash) errs.push(fieldErr.invalid(fld, url, 'fragments are not permitted in the URL'));
  if (u.search) errs.push(fieldErr.invalid(fld, url, 'query parameters are not permitted in the URL'));
  return errs;
}

function validateWebhookService(fld: string, svc: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(svc.name)) errs.push(fieldErr.required(`${fld}.name`, 'service name is required'));
  if (!str(svc.namespace)) errs.push(fieldErr.required(`${fld}.namespace`, 'service namespace is required'));
  if (typeof svc.port === 'number' && (svc.port < 1 || svc.port > 65535)) errs.push(fieldErr.invalid(`${fld}.port`, svc.port, 'port is not valid: must be between 1 and 65535, inclusive'));
  const path = svc.path;
  if (typeof path === 'string' && path) {
    if (!path.startsWith('/')) errs.push(fieldErr.invalid(`${fld}.path`, path, "must start with a '/'"));
  }
  return errs;
}

// ------------------------------------------------------------------------------------------ version

function validateVersion(v: Obj, fld: string, opts: Opts): FieldError[] {
  const errs: FieldError[] = [];
  if ('deprecationWarning' in v && v.deprecationWarning !== undefined && v.deprecationWarning !== null) {
    const w = str(v.deprecationWarning);
    const msgs: string[] = [];
    if (v.deprecated !== true) msgs.push('can only be set for deprecated versions');
    else {
      if (w.length > 256) msgs.push('must be <= 256 characters long');
      if (!w.length) msgs.push('must not be an empty string');
      const bad = [...w].findIndex((c) => /[\p{Cc}]/u.test(c));
      if (bad >= 0) msgs.push(`must only contain printable UTF-8 characters; control character found at index ${bad}`);
    }
    for (const m of msgs) errs.push(fieldErr.invalid(`${fld}.deprecationWarning`, w, m));
  }
  const sub = obj(v.subresources);
  const statusEnabled = isPlainObject(sub.status);
  const schema = obj(v.schema).openAPIV3Schema;
  if (isPlainObject(schema)) errs.push(...validateSchemaRoot(schema, `${fld}.schema`, statusEnabled, opts.unchangedVersions.has(str(v.name))));
  errs.push(...validateSubresources(sub, `${fld}.subresources`));
  arr(v.additionalPrinterColumns).forEach((c, i) => errs.push(...validateColumn(obj(c), `${fld}.additionalPrinterColumns[${i}]`)));
  const sf = arr(v.selectableFields);
  if (sf.length) {
    if (!isPlainObject(schema)) errs.push(fieldErr.invalid(`${fld}.selectableFields`, '', 'selectableFields may only be set when version.schema.openAPIV3Schema is not included'));
    else errs.push(...validateSelectableFields(sf, toStructural(schema), `${fld}.selectableFields`));
  }
  return errs;
}

function validateSubresources(sub: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isPlainObject(sub.scale)) return errs;
  const sc = sub.scale;
  const spec = str(sc.specReplicasPath);
  if (!spec) errs.push(fieldErr.required(`${fld}.scale.specReplicasPath`, ''));
  else {
    const e = validateSimpleJSONPath(spec, `${fld}.scale.specReplicasPath`);
    if (e.length) errs.push(...e);
    else if (!spec.startsWith('.spec.')) errs.push(fieldErr.invalid(`${fld}.scale.specReplicasPath`, spec, 'should be a json path under .spec'));
  }
  const status = str(sc.statusReplicasPath);
  if (!status) errs.push(fieldErr.required(`${fld}.scale.statusReplicasPath`, ''));
  else {
    const e = validateSimpleJSONPath(status, `${fld}.scale.statusReplicasPath`);
    if (e.length) errs.push(...e);
    else if (!status.startsWith('.status.')) errs.push(fieldErr.invalid(`${fld}.scale.statusReplicasPath`, status, 'should be a json path under .status'));
  }
  const ls = str(sc.labelSelectorPath);
  if (ls) {
    const e = validateSimpleJSONPath(ls, `${fld}.scale.labelSelectorPath`);
    if (e.length) errs.push(...e);
    else if (!ls.startsWith('.spec.') && !ls.startsWith('.status.')) errs.push(fieldErr.invalid(`${fld}.scale.labelSelectorPath`, ls, 'should be a json path under either .spec or .status'));
  }
  return errs;
}

function validateSimpleJSONPath(s: string, fld: string): FieldError[] {
  if (!s) return [fieldErr.invalid(fld, s, 'must not be empty')];
  if (s[0] !== '.') return [fieldErr.invalid(fld, s, 'must be a simple json path starting with .')];
  return [];
}

function validateColumn(col: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(col.name)) errs.push(fieldErr.required(`${fld}.name`, ''));
  const t = str(col.type);
  if (!t) errs.push(fieldErr.required(`${fld}.type`, `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`));
  else if (!PRINTER_COLUMN_TYPES.includes(t)) errs.push(fieldErr.invalid(`${fld}.type`, t, `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`));
  const f = str(col.format);
  if (f && !PRINTER_COLUMN_FORMATS.includes(f)) errs.push(fieldErr.invalid(`${fld}.format`, f, `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`));
  const jp = str(col.jsonPath ?? col.JSONPath);
  if (!jp) errs.push(fieldErr.required(`${fld}.JSONPath`, ''));
  else errs.push(...validateSimpleJSONPath(jp, `${fld}.JSONPath`));
  return errs;
}

function validateSelectableFields(fields: unknown[], s: StructuralSchema, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const p = `${fld}[${i}].jsonPath`;
    const jp = str(obj(f).jsonPath);
    if (!jp) {
      errs.push(fieldErr.required(p, ''));
      return;
    }
    const r = resolveFieldPath(jp, s);
    if (typeof r === 'string') {
      errs.push(fieldErr.invalid(p, jp, `is an invalid path: ${r}`));
      return;
    }
    if (r.path[0] === 'metadata') errs.push(fieldErr.invalid(p, jp, 'must not point to fields in metadata'));
    if (!r.schema || !['string', 'boolean', 'integer'].includes(r.schema.type ?? '')) {
      errs.push(fieldErr.invalid(p, jp, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    const key = r.path.join('.');
    if (seen.has(key)) errs.push(fieldErr.duplicate(p, jp));
    else seen.add(key);
  });
  if (seen.size > MAX_SELECTABLE_FIELDS) errs.push(fieldErr.tooMany(fld, seen.size, MAX_SELECTABLE_FIELDS));
  return errs;
}

/** cel.ValidFieldPath (without array notation): `.a.b` / `['a']` segments resolved against the schema. */
function resolveFieldPath(jp: string, s: StructuralSchema): { path: string[]; schema?: StructuralSchema } | string {
  const re = /\.([a-zA-Z_][a-zA-Z0-9_-]*)|\['((?:[^'\\]|\\.)*)'\]/y;
  const path: string[] = [];
  let cur: StructuralSchema | undefined = s;
  let i = 0;
  if (!jp.startsWith('.') && !jp.startsWith('[')) return `expected [ or . but got: ${jp[0]}`;
  while (i < jp.length) {
    re.lastIndex = i;
    const m = re.exec(jp);
    if (!m) return `expected [ or . but got: ${jp[i]}`;
    const k = m[1] ?? m[2]!.replace(/\\(.)/g, '$1');
    path.push(k);
    const next: StructuralSchema | undefined = cur?.properties?.get(k) ?? (cur?.additionalProperties && cur.additionalProperties !== true ? cur.additionalProperties : undefined);
    if (!next) {
      if (path.length === 1 && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) {
        cur = k === 'metadata' ? undefined : { type: 'string' } as StructuralSchema;
        if (k === 'metadata') {
          re.lastIndex = re.lastIndex;
          i = re.lastIndex;
          const rest = jp.slice(i);
          const mm = /^\.(name|generateName|namespace)$/.exec(rest);
          if (mm) return { path: [...path, mm[1]!], schema: { type: 'string' } as StructuralSchema };
          return { path };
        }
        i = re.lastIndex;
        continue;
      }
      return `does not refer to a valid field`;
    }
    cur = next;
    i = re.lastIndex;
  }
  return { path, schema: cur };
}

// ------------------------------------------------------------------------------------------ schema

function validateSchemaRoot(schema: Obj, fld: string, statusEnabled: boolean, suppressPerExpressionCost: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const p = `${fld}.openAPIV3Schema`;
  if (statusEnabled) {
    for (const [k, v] of Object.entries(schema)) {
      if (v === undefined || v === null || v === false || v === '' || (Array.isArray(v) && !v.length)) continue;
      if (k === 'type') {
        if (v !== 'object') {
          errs.push(fieldErr.invalid(`${p}.type`, v, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
          break;
        }
        continue;
      }
      if (!ALLOWED_AT_ROOT_WITH_STATUS.has(k)) {
        errs.push(invalidRaw(p, 'apiextensions.JSONSchemaProps{...}', `only ${ALLOWED_AT_ROOT_GO} fields are allowed at the root of the schema if the status subresource is enabled`));
        break;
      }
    }
  }
  if (schema.nullable === true) errs.push(fieldErr.forbidden(`${p}.nullable`, 'nullable cannot be true at the root'));

  const s = toStructural(schema);
  const structuralErrs = validateStructural(schema, p);
  let celOK = false;
  if (structuralErrs.length) errs.push(...structuralErrs);
  else {
    const d = validateDefaults(s, p, true);
    if (d.length) errs.push(...d);
    else celOK = true;
  }
  const schemaErrs: FieldError[] = [];
  const celErrs: FieldError[] = [];
  const total = { cost: 0, expensive: [] as { path: string; cost: number }[] };
  validateOpenAPISchema(schema, p, { allowDefaults: true, insideResourceMeta: false, isRoot: true }, schemaErrs, celErrs, celOK ? { s, isRoot: true, cardinality: 1, total, suppressPerExpressionCost } : undefined);
  errs.push(...schemaErrs, ...(schemaErrs.length ? [] : celErrs));
  if (celOK && total.cost > celModule().STATIC_ESTIMATED_CRD_COST_LIMIT) {
    for (const e of total.expensive.sort((a, b) => b.cost - a.cost).slice(0, 4)) {
      errs.push(fieldErr.forbidden(e.path, 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema'));
    }
    errs.push(fieldErr.forbidden(p, celModule().costErrorMessage('x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema', total.cost, celModule().STATIC_ESTIMATED_CRD_COST_LIMIT)));
  }
  return errs;
}

interface SSV {
  allowDefaults: boolean;
  disallowDefaultsReason?: string;
  insideResourceMeta: boolean;
  isRoot: boolean;
  uncorrelatable?: string;
}

interface CelCtx {
  s: StructuralSchema;
  isRoot: boolean;
  cardinality: number;
  total: { cost: number; expensive: { path: string; cost: number }[] };
  suppressPerExpressionCost: boolean;
}

const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);

function validateOpenAPISchema(schema: Obj, fld: string, ssv: SSV, errs: FieldError[], celErrs: FieldError[], cel: CelCtx | undefined): void {
  const type = str(schema.type);
  // specStandardValidatorV3.validate
  if (type && !OPENAPI_V3_TYPES.includes(type)) errs.push(fieldErr.notSupported(`${fld}.type`, type, OPENAPI_V3_TYPES));
  if ('default' in schema && !ssv.allowDefaults) errs.push(fieldErr.forbidden(`${fld}.default`, `must not be set${ssv.disallowDefaultsReason ? ' ' + ssv.disallowDefaultsReason : ''}`));
  if (str(schema.id)) errs.push(fieldErr.forbidden(`${fld}.id`, 'id is not supported'));
  if (schema.additionalItems !== undefined) errs.push(fieldErr.forbidden(`${fld}.additionalItems`, 'additionalItems is not supported'));
  if (isPlainObject(schema.patternProperties) && Object.keys(schema.patternProperties).length) errs.push(fieldErr.forbidden(`${fld}.patternProperties`, 'patternProperties is not supported'));
  if (isPlainObject(schema.definitions) && Object.keys(schema.definitions).length) errs.push(fieldErr.forbidden(`${fld}.definitions`, 'definitions is not supported'));
  if (schema.dependencies !== undefined) errs.push(fieldErr.forbidden(`${fld}.dependencies`, 'dependencies is not supported'));
  if (schema.$ref !== undefined) errs.push(fieldErr.forbidden(`${fld}.$ref`, '$ref is not supported'));
  if (type === 'null') errs.push(fieldErr.forbidden(`${fld}.type`, 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(schema.items)) errs.push(fieldErr.forbidden(`${fld}.items`, 'items must be a schema object and not an array'));
  if (ssv.insideResourceMeta && schema['x-kubernetes-embedded-resource'] === true) errs.push(fieldErr.forbidden(`${fld}.x-kubernetes-embedded-resource`, 'must not be used inside of resource meta'));

  if (schema.uniqueItems === true) errs.push(fieldErr.forbidden(`${fld}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  const props = isPlainObject(schema.properties) ? schema.properties : undefined;
  const ap = schema.additionalProperties;
  if (ap !== undefined) {
    if (props && Object.keys(props).length && (ap === false || isPlainObject(ap))) errs.push(fieldErr.forbidden(`${fld}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
    if (isPlainObject(ap)) {
      const sub = ssv.insideResourceMeta ? { ...ssv, allowDefaults: false, disallowDefaultsReason: 'inside additionalProperties applying to object metadata', isRoot: false } : { ...ssv, isRoot: false };
      const childCel = cel && cel.s.additionalProperties && cel.s.additionalProperties !== true ? { ...cel, s: cel.s.additionalProperties, isRoot: cel.s.additionalProperties.xEmbeddedResource, cardinality: cel.cardinality * celModule().maxMapSize(cel.s) } : undefined;
      validateOpenAPISchema(ap, `${fld}.additionalProperties`, sub, errs, celErrs, childCel);
    }
  }
  const mapType = typeof schema['x-kubernetes-map-type'] === 'string' ? schema['x-kubernetes-map-type'] : undefined;
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      let sub: SSV = { ...ssv, isRoot: false };
      if (!(mapType === undefined || mapType === 'granular' || mapType === 'atomic') && !sub.uncorrelatable) sub.uncorrelatable = fld;
      if ((ssv.isRoot || schema['x-kubernetes-embedded-resource'] === true) && META_FIELDS.has(k)) {
        sub = { ...sub, insideResourceMeta: true };
        if (ssv.isRoot) sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` };
      }
      const ps = cel?.s.properties?.get(k);
      validateOpenAPISchema(obj(v), `${fld}.properties[${k}]`, sub, errs, celErrs, cel && ps ? { ...cel, s: ps, isRoot: ps.xEmbeddedResource } : undefined);
    }
  }
  if (isPlainObject(schema.not)) validateOpenAPISchema(schema.not, `${fld}.not`, { ...ssv, isRoot: false }, errs, celErrs, undefined);
  for (const k of ['allOf', 'oneOf', 'anyOf'] as const) arr(schema[k]).forEach((x, i) => validateOpenAPISchema(obj(x), `${fld}.${k}[${i}]`, { ...ssv, isRoot: false }, errs, celErrs, undefined));
  const listType = typeof schema['x-kubernetes-list-type'] === 'string' ? schema['x-kubernetes-list-type'] : undefined;
  if (isPlainObject(schema.items)) {
    const sub: SSV = { ...ssv, isRoot: false };
    if (listType !== 'map' && !sub.uncorrelatable) sub.uncorrelatable = fld;
    const is = cel?.s.items;
    validateOpenAPISchema(schema.items, `${fld}.items`, sub, errs, celErrs, cel && is ? { ...cel, s: is, isRoot: is.xEmbeddedResource, cardinality: cel.cardinality * celModule().maxListSize(cel.s) } : undefined);
  }
  if (schema['x-kubernetes-preserve-unknown-fields'] === false) errs.push(fieldErr.invalid(`${fld}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  if (mapType !== undefined && type !== 'object') {
    if (!type) errs.push(fieldErr.required(`${fld}.type`, 'must be object if x-kubernetes-map-type is specified'));
    else errs.push(fieldErr.invalid(`${fld}.type`, type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') errs.push(fieldErr.notSupported(`${fld}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
  const items = isPlainObject(schema.items) ? schema.items : undefined;
  if (listType !== undefined && type !== 'array') {
    if (!type) errs.push(fieldErr.required(`${fld}.type`, 'must be array if x-kubernetes-list-type is specified'));
    else errs.push(fieldErr.invalid(`${fld}.type`, type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (listType === 'set' && items) {
    if (items.type === 'array' && typeof items['x-kubernetes-list-type'] === 'string' && items['x-kubernetes-list-type'] !== 'atomic') {
      errs.push(fieldErr.invalid(`${fld}.items.x-kubernetes-list-type`, items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(fieldErr.invalid(`${fld}.items.x-kubernetes-map-type`, listType, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) errs.push(fieldErr.notSupported(`${fld}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  const mapKeys = arr(schema['x-kubernetes-list-map-keys']).map(str);
  if (mapKeys.length) {
    if (listType === undefined) errs.push(fieldErr.required(`${fld}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') errs.push(fieldErr.invalid(`${fld}.x-kubernetes-list-type`, listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (!mapKeys.length) errs.push(fieldErr.required(`${fld}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    if (schema.items === undefined) errs.push(fieldErr.required(`${fld}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    if (items && items.type !== 'object') errs.push(fieldErr.invalid(`${fld}.items.type`, items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    if (items && items.type === 'object') {
      const ip = obj(items.properties);
      const seen = new Set<string>();
      for (const k of mapKeys) {
        const kp = ip[k];
        if (isPlainObject(kp)) {
          if (kp.type === 'array' || kp.type === 'object') errs.push(fieldErr.invalid(`${fld}.items.properties[${k}].type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        } else errs.push(fieldErr.invalid(`${fld}.x-kubernetes-list-map-keys`, mapKeys, 'entries must all be names of item properties'));
        if (seen.has(k)) errs.push(fieldErr.invalid(`${fld}.x-kubernetes-list-map-keys`, mapKeys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  // validateMapListKeysMapSet
  if (items && (listType === 'set' || listType === 'map')) {
    if (items.nullable === true) errs.push(fieldErr.forbidden(`${fld}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${listType}`));
    if (listType === 'map') {
      const req = new Set(arr(items.required).map(str));
      const ip = obj(items.properties);
      for (const k of mapKeys) {
        const kp = ip[k];
        if (!isPlainObject(kp)) continue;
        if (!req.has(k) && kp.default === undefined) errs.push(fieldErr.required(`${fld}.items.properties[${k}].default`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
        if (kp.nullable === true) errs.push(fieldErr.forbidden(`${fld}.items.properties[${k}].nullable`, 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
      }
    }
  }
  const rules = arr(schema['x-kubernetes-validations']);
  if (rules.length) {
    const before = errs.length;
    rules.forEach((r0, i) => {
      const r = obj(r0);
      const rp = `${fld}.x-kubernetes-validations[${i}]`;
      const rule = str(r.rule).trim();
      const msg = str(r.message);
      const tmsg = msg.trim();
      if (!rule) errs.push(fieldErr.required(`${rp}.rule`, 'rule is not specified'));
      else if (msg.length > 0 && !tmsg.length) errs.push(fieldErr.invalid(`${rp}.message`, msg, 'message must be non-empty if specified'));
      else if (/[\n\r]/.test(tmsg)) errs.push(fieldErr.invalid(`${rp}.message`, msg, 'message must not contain line breaks'));
      else if (/[\n\r]/.test(rule) && !tmsg.length) errs.push(fieldErr.required(`${rp}.message`, 'message must be specified if rule contains line breaks'));
      const me = str(r.messageExpression);
      if (me.length > 0 && !me.trim().length) errs.push(fieldErr.required(`${rp}.messageExpression`, 'messageExpression must be non-empty if specified'));
      if (typeof r.reason === 'string' && !VALIDATION_REASONS.includes(r.reason)) errs.push(fieldErr.notSupported(`${rp}.reason`, r.reason, VALIDATION_REASONS));
      const fp = str(r.fieldPath);
      if (fp.length > 0 && !fp.trim().length) errs.push(fieldErr.invalid(`${rp}.fieldPath`, fp, 'fieldPath must be non-empty if specified'));
      if (/[\n\r]/.test(fp)) errs.push(fieldErr.invalid(`${rp}.fieldPath`, fp, 'fieldPath must not contain line breaks'));
      if (fp.length > 0 && typeof resolveRuleFieldPath(fp, toStructural(schema)) === 'string') errs.push(fieldErr.invalid(`${rp}.fieldPath`, fp, 'fieldPath must be a valid path'));
    });
    if (errs.length === before && cel) {
      const reports = celModule().compileForCRD(cel.s, cel.isRoot);
      for (const rep of reports) {
        const r = obj(rules[rep.index]);
        const rp = `${fld}.x-kubernetes-validations[${rep.index}]`;
        const cost = rep.maxCost * cel.cardinality;
        if (!cel.suppressPerExpressionCost && cost > celModule().STATIC_ESTIMATED_COST_LIMIT) celErrs.push(fieldErr.forbidden(`${rp}.rule`, celModule().costErrorMessage('estimated rule cost', cost, celModule().STATIC_ESTIMATED_COST_LIMIT)));
        cel.total.cost += cost;
        if (cost >= celModule().STATIC_ESTIMATED_CRD_COST_LIMIT / 100) cel.total.expensive.push({ path: `${rp}.rule`, cost });
        if (rep.error) {
          if (rep.error.type === 'required') celErrs.push(fieldErr.required(`${rp}.rule`, rep.error.detail));
          else celErrs.push(invalidRaw(`${rp}.rule`, goRuleValue(r), rep.error.detail));
        }
        if (rep.messageError) celErrs.push(invalidRaw(`${rp}.messageExpression`, goRuleValue(r), rep.messageError.detail));
        else if (!cel.suppressPerExpressionCost && rep.messageMaxCost * cel.cardinality > celModule().STATIC_ESTIMATED_COST_LIMIT) {
          celErrs.push(fieldErr.forbidden(`${rp}.messageExpression`, celModule().costErrorMessage('estimated messageExpression cost', rep.messageMaxCost * cel.cardinality, celModule().STATIC_ESTIMATED_COST_LIMIT)));
        }
        if (!rep.error && rep.usesOldSelf && ssv.uncorrelatable) {
          celErrs.push(fieldErr.invalid(`${rp}.rule`, str(r.rule), `oldSelf cannot be used on the uncorrelatable portion of the schema within ${ssv.uncorrelatable}`));
        }
        if (typeof r.optionalOldSelf === 'boolean' && !rep.usesOldSelf && !rep.error) {
          celErrs.push(fieldErr.invalid(`${rp}.optionalOldSelf`, r.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
        }
      }
    }
  }
}

function resolveRuleFieldPath(fp: string, s: StructuralSchema): unknown {
  const r = resolveFieldPath(fp, s);
  return r;
}

// ------------------------------------------------------------------------------------------ structural

type Level = 'root' | 'item' | 'field';

/** schema.ValidateStructural over the raw JSONSchemaProps (errors sorted by their text, as kube does). */
export function validateStructural(schema: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  invariants(schema, 'root', fld, errs);
  errs.sort((a, b) => (fieldErrorString(a) < fieldErrorString(b) ? -1 : fieldErrorString(a) > fieldErrorString(b) ? 1 : 0));
  return errs;
}

const INT_OR_STRING_ANYOF = JSON.stringify([{ type: 'integer' }, { type: 'string' }]);

function invariants(s: Obj, lvl: Level, fld: string, errs: FieldError[]): void {
  const type = str(s.type);
  if (type === 'array' && !isPlainObject(s.items)) errs.push(fieldErr.required(`${fld}.items`, 'must be specified'));
  if (isPlainObject(s.items)) invariants(s.items, 'item', `${fld}.items`, errs);
  const props = isPlainObject(s.properties) ? s.properties : {};
  for (const [k, v] of Object.entries(props)) invariants(obj(v), 'field', `${fld}.properties[${k}]`, errs);
  const hasAP = s.additionalProperties !== undefined && s.additionalProperties !== true;
  if (s.additionalProperties !== undefined && s.additionalProperties !== null) {
    if (lvl === 'root' && hasAP) errs.push(fieldErr.forbidden(`${fld}.additionalProperties`, 'must not be used at the root'));
    if (isPlainObject(s.additionalProperties)) invariants(s.additionalProperties, 'field', `${fld}.additionalProperties`, errs);
  }
  const ios = s['x-kubernetes-int-or-string'] === true;
  const puf = s['x-kubernetes-preserve-unknown-fields'] === true;
  const emb = s['x-kubernetes-embedded-resource'] === true;
  if (ios && puf) errs.push(fieldErr.invalid(`${fld}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  if (ios && emb) errs.push(fieldErr.invalid(`${fld}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));
  // value validations
  const anyOf = arr(s.anyOf);
  const allOf = arr(s.allOf);
  const skipAnyOf = anyOf.length === 2 && JSON.stringify(anyOf) === INT_OR_STRING_ANYOF;
  const skipFirstAllOfAnyOf = allOf.length >= 1 && JSON.stringify(arr(obj(allOf[0]).anyOf)) === INT_OR_STRING_ANYOF;
  if (!skipAnyOf) anyOf.forEach((x, i) => nested(obj(x), false, `${fld}.anyOf[${i}]`, errs, lvl));
  allOf.forEach((x, i) => nested(obj(x), skipFirstAllOfAnyOf && i === 0, `${fld}.allOf[${i}]`, errs, lvl));
  arr(s.oneOf).forEach((x, i) => nested(obj(x), false, `${fld}.oneOf[${i}]`, errs, lvl));
  if (isPlainObject(s.not)) nested(s.not, false, `${fld}.not`, errs, lvl);
  if (typeof s.pattern === 'string' && s.pattern) {
    try {
      new RegExp(s.pattern, 'u');
    } catch (e) {
      errs.push(fieldErr.invalid(`${fld}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${(e as Error).message}`));
    }
  }
  const checkMetadata = lvl === 'root' || emb;
  if (emb && type !== 'object') {
    if (!type) errs.push(fieldErr.required(`${fld}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(fieldErr.invalid(`${fld}.type`, type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!type && !ios && !puf) {
    const msg = lvl === 'root' ? 'must not be empty at the root' : lvl === 'item' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields';
    errs.push(fieldErr.required(`${fld}.type`, msg));
  }
  if (emb && hasAP) errs.push(fieldErr.forbidden(`${fld}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  if (lvl === 'root' && type && type !== 'object') errs.push(fieldErr.invalid(`${fld}.type`, type, 'must be object at the root'));
  if (checkMetadata && isPlainObject(props.kind) && props.kind.type !== 'string') errs.push(fieldErr.invalid(`${fld}.properties[kind].type`, str(props.kind.type), 'must be string'));
  if (checkMetadata && isPlainObject(props.apiVersion) && props.apiVersion.type !== 'string') errs.push(fieldErr.invalid(`${fld}.properties[apiVersion].type`, str(props.apiVersion.type), 'must be string'));
  if (isPlainObject(props.metadata)) {
    const m = props.metadata;
    const mp = `${fld}.properties[metadata]`;
    if (checkMetadata && m.type !== 'object') errs.push(fieldErr.invalid(`${mp}.type`, str(m.type), 'must be object'));
    if (lvl === 'root') {
      const rest = { ...m };
      delete rest.type;
      delete rest.default;
      const mprops = obj(rest.properties);
      const keys = Object.keys(mprops);
      if (keys.every((k) => k === 'name' || k === 'generateName')) delete rest.properties;
      for (const k of ['description', 'title', 'example', 'externalDocs']) delete rest[k];
      if (Object.keys(rest).length) errs.push(fieldErr.forbidden(mp, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
    }
  }
  if (emb && !puf && !Object.keys(props).length) errs.push(fieldErr.required(`${fld}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
}

/** validateNestedValueValidation: inside allOf/anyOf/oneOf/not only value validations are allowed. */
function nested(v: Obj, skipAnyOf: boolean, fld: string, errs: FieldError[], lvl: Level): void {
  const anyOf = arr(v.anyOf);
  if (!skipAnyOf) anyOf.forEach((x, i) => nested(obj(x), false, `${fld}.anyOf[${i}]`, errs, lvl));
  arr(v.allOf).forEach((x, i) => nested(obj(x), false, `${fld}.allOf[${i}]`, errs, lvl));
  arr(v.oneOf).forEach((x, i) => nested(obj(x), false, `${fld}.oneOf[${i}]`, errs, lvl));
  if (isPlainObject(v.not)) nested(v.not, false, `${fld}.not`, errs, lvl);
  if (isPlainObject(v.items)) nested(v.items, false, `${fld}.items`, errs, lvl);
  for (const [k, p] of Object.entries(obj(v.properties))) nested(obj(p), false, `${fld}.properties[${k}]`, errs, 'field');
  if (str(v.type)) errs.push(fieldErr.forbidden(`${fld}.type`, 'must be empty to be structural'));
  if (v.additionalProperties !== undefined) errs.push(fieldErr.forbidden(`${fld}.additionalProperties`, 'must be undefined to be structural'));
  if (v.default !== undefined) errs.push(fieldErr.forbidden(`${fld}.default`, 'must be undefined to be structural'));
  if (str(v.title)) errs.push(fieldErr.forbidden(`${fld}.title`, 'must be empty to be structural'));
  if (str(v.description)) errs.push(fieldErr.forbidden(`${fld}.description`, 'must be empty to be structural'));
  if (v.nullable === true) errs.push(fieldErr.forbidden(`${fld}.nullable`, 'must be false to be structural'));
  if (v['x-kubernetes-preserve-unknown-fields'] === true) errs.push(fieldErr.forbidden(`${fld}.x-kubernetes-preserve-unknown-fields`, 'must be false to be structural'));
  if (v['x-kubernetes-embedded-resource'] === true) errs.push(fieldErr.forbidden(`${fld}.x-kubernetes-embedded-resource`, 'must be false to be structural'));
  if (v['x-kubernetes-int-or-string'] === true) errs.push(fieldErr.forbidden(`${fld}.x-kubernetes-int-or-string`, 'must be false to be structural'));
  if (arr(v['x-kubernetes-list-map-keys']).length) errs.push(fieldErr.forbidden(`${fld}.x-kubernetes-list-map-keys`, 'must be empty to be structural'));
  if (v['x-kubernetes-list-type'] !== undefined) errs.push(fieldErr.forbidden(`${fld}.x-kubernetes-list-type`, 'must be undefined to be structural'));
  if (v['x-kubernetes-map-type'] !== undefined) errs.push(fieldErr.forbidden(`${fld}.x-kubernetes-map-type`, 'must be undefined to be structural'));
  if (arr(v['x-kubernetes-validations']).length) errs.push(fieldErr.forbidden(`${fld}.x-kubernetes-validations`, 'must be empty to be structural'));
  if (isPlainObject(v.properties) && 'metadata' in v.properties) errs.push(fieldErr.forbidden(`${fld}.properties[metadata]`, 'must not be specified in a nested context'));
}

// ------------------------------------------------------------------------------------------ defaults

/** structuraldefaulting.ValidateDefaults: every default must be pruned, valid against its schema and its rules. */
function validateDefaults(s: StructuralSchema, fld: string, isRoot: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const walk = (n: StructuralSchema, p: string, insideMeta: boolean): void => {
    if (n.hasDefault && n.default !== null && !insideMeta) {
      const d = JSON.parse(JSON.stringify(n.default)) as unknown;
      const pruned = JSON.parse(JSON.stringify(n.default)) as unknown;
      prune(pruned, n, n.xEmbeddedResource);
      if (JSON.stringify(pruned) !== JSON.stringify(d)) errs.push(fieldErr.invalid(`${p}.default`, n.default, 'must not have unknown fields'));
      const ve = validateAgainstSchema(d, n, { path: `${p}.default` });
      if (ve.length) errs.push(...ve);
      else if (n.xValidations?.length) errs.push(...celModule().validateCEL(d, d, n, { path: `${p}.default`, isResourceRoot: n.xEmbeddedResource }));
    }
    if (n.items) walk(n.items, `${p}.items`, insideMeta);
    for (const [k, c] of n.properties ?? []) {
      walk(c, `${p}.properties[${k}]`, insideMeta || ((isRoot && p === fld) || n.xEmbeddedResource ? META_FIELDS.has(k) : false));
    }
    if (n.additionalProperties && n.additionalProperties !== true) walk(n.additionalProperties, `${p}.additionalProperties`, insideMeta);
  };
  walk(s, fld, false);
  return errs;
}
