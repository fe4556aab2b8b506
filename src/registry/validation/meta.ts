// ObjectMeta validation: apimachinery/pkg/api/validation/objectmeta.go plus core's finalizer checks.
import { fieldErr, type FieldError } from '../../api/field-errors.js';
import type { KObject } from '../../api/types.js';
import {
  arr, child, index, isObj, isQualifiedName, nameIsDNSLabel, num, obj, str, strArr, strMap, validateImmutableField,
  validateLabels, validateNonnegativeField, type NameFn,
} from './util.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10);

/** ValidateAnnotations: keys are qualified names (case-insensitive), total size <= 256KiB. */
export function validateAnnotations(annotations: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const m = strMap(annotations);
  let total = 0;
  for (const [k, v] of Object.entries(m)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErr.invalid(fld, k, msg));
    total += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(fieldErr.tooLong(fld, '', TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

function parseGV(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return { group: '', version: '' };
}

export function validateOwnerReferences(refs: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  const list = arr(refs);
  for (const r of list) {
    const ref = obj(r);
    const apiVersion = str(ref.apiVersion);
    const kind = str(ref.kind);
    const gv = parseGV(apiVersion);
    if (!gv.version) errs.push(fieldErr.invalid(child(fld, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!kind) errs.push(fieldErr.invalid(child(fld, 'kind'), kind, 'must not be empty'));
    if (!str(ref.name)) errs.push(fieldErr.invalid(child(fld, 'name'), str(ref.name), 'must not be empty'));
    if (!str(ref.uid)) errs.push(fieldErr.invalid(child(fld, 'uid'), str(ref.uid), 'must not be empty'));
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
      errs.push(fieldErr.invalid(fld, ref, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const cur = `${kind}/${str(ref.name)}`;
      if (firstController) {
        errs.push(
          fieldErr.invalid(fld, list, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`),
        );
      } else firstController = cur;
    }
  }
  return errs;
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** core's validateKubeFinalizerName */
export function validateKubeFinalizerName(value: string, fld: string): FieldError[] {
  if (value.split('/').length === 1 && !STANDARD_FINALIZERS.has(value)) {
    return [fieldErr.invalid(fld, value, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

export function validateFinalizers(finalizers: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = strArr(finalizers);
  for (const f of list) for (const m of isQualifiedName(f)) errs.push(fieldErr.invalid(fld, f, m));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(fieldErr.invalid(fld, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function validateManagedFields(mf: unknown, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(mf).forEach((e, i) => {
    const m = obj(e);
    const p = index(fld, i);
    const op = str(m.operation);
    if (op !== 'Apply' && op !== 'Update') errs.push(fieldErr.invalid(child(p, 'operation'), op, 'must be `Apply` or `Update`'));
    const ft = str(m.fieldsType);
    if (ft && ft !== 'FieldsV1') errs.push(fieldErr.invalid(child(p, 'fieldsType'), ft, 'must be `FieldsV1`'));
  });
  return errs;
}

function commonMeta(meta: Record<string, unknown>, namespaced: boolean, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(meta.namespace);
  if (namespaced) {
    if (!ns) errs.push(fieldErr.required(child(fld, 'namespace'), ''));
    else for (const m of nameIsDNSLabel(ns, false)) errs.push(fieldErr.invalid(child(fld, 'namespace'), ns, m));
  } else if (ns) {
    errs.push(fieldErr.forbidden(child(fld, 'namespace'), 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(num(meta.generation), child(fld, 'generation')));
  errs.push(...validateLabels(meta.labels, child(fld, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, child(fld, 'annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, child(fld, 'ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, child(fld, 'finalizers')));
  errs.push(...validateManagedFields(meta.managedFields, child(fld, 'managedFields')));
  return errs;
}

export interface MetaOptions {
  /** core's ValidateObjectMeta wrapper adds the kube finalizer-name check (all core-ish groups use it). */
  kubeFinalizers?: boolean;
}

/** ValidateObjectMeta (create). */
export function validateObjectMeta(metaIn: unknown, namespaced: boolean, nameFn: NameFn, fld = 'metadata', opts: MetaOptions = { kubeFinalizers: true }): FieldError[] {
  const meta = obj(metaIn);
  const errs: FieldError[] = [];
  const generateName = str(meta.generateName);
  const name = str(meta.name);
  if (generateName) for (const m of nameFn(generateName, true)) errs.push(fieldErr.invalid(child(fld, 'generateName'), generateName, m));
  if (!name) errs.push(fieldErr.required(child(fld, 'name'), 'name or generateName is required'));
  else for (const m of nameFn(name, false)) errs.push(fieldErr.invalid(child(fld, 'name'), name, m));
  errs.push(...commonMeta(meta, namespaced, fld));
  if (opts.kubeFinalizers) strArr(meta.finalizers).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, index(child(fld, 'finalizers'), i))));
  return errs;
}

/** ValidateObjectMetaUpdate. */
export function validateObjectMetaUpdate(newIn: unknown, oldIn: unknown, fld = 'metadata', opts: MetaOptions = { kubeFinalizers: true }): FieldError[] {
  const n = obj(newIn);
  const o = obj(oldIn);
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const oldF = new Set(strArr(o.finalizers));
    const extra = [...new Set(strArr(n.finalizers).filter((f) => !oldF.has(f)))].sort();
    if (extra.length) {
      errs.push(
        fieldErr.forbidden(
          child(fld, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((x) => JSON.stringify(x)).join(', ')}}`,
        ),
      );
    }
  }
  if (!str(n.resourceVersion)) errs.push(fieldErr.invalid(child(fld, 'resourceVersion'), str(n.resourceVersion), 'must be specified for an update'));
  const ng = num(n.generation) ?? 0;
  const og = num(o.generation) ?? 0;
  if (ng < og) errs.push(fieldErr.invalid(child(fld, 'generation'), ng, 'must not be decremented'));
  errs.push(...validateImmutableField(str(n.name), str(o.name), child(fld, 'name')));
  errs.push(...validateImmutableField(str(n.namespace), str(o.namespace), child(fld, 'namespace')));
  errs.push(...validateImmutableField(str(n.uid), str(o.uid), child(fld, 'uid')));
  errs.push(...immutableTime(n.creationTimestamp, o.creationTimestamp, child(fld, 'creationTimestamp')));
  errs.push(...immutableTime(n.deletionTimestamp, o.deletionTimestamp, child(fld, 'deletionTimestamp')));
  errs.push(...validateImmutableField(n.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds, child(fld, 'deletionGracePeriodSeconds')));
  errs.push(...validateLabels(n.labels, child(fld, 'labels')));
  errs.push(...validateAnnotations(n.annotations, child(fld, 'annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, child(fld, 'ownerReferences')));
  errs.push(...validateManagedFields(n.managedFields, child(fld, 'managedFields')));
  if (opts.kubeFinalizers) strArr(n.finalizers).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, index(child(fld, 'finalizers'), i))));
  return errs;
}

function immutableTime(n: unknown, o: unknown, fld: string): FieldError[] {
  const a = typeof n === 'string' && n ? Date.parse(n) : undefined;
  const b = typeof o === 'string' && o ? Date.parse(o) : undefined;
  // metav1.Time compares at second precision after a round-trip.
  const sa = a === undefined ? undefined : Math.floor(a / 1000);
  const sb = b === undefined ? undefined : Math.floor(b / 1000);
  if (sa === sb) return [];
  return [fieldErr.invalid(fld, typeof n === 'string' && n ? n : null, 'field is immutable')];
}

export function metaOf(o: KObject): Record<string, unknown> {
  return isObj(o.metadata) ? (o.metadata as Record<string, unknown>) : {};
}
