// apps/v1 workloads: pkg/apis/apps/validation.
import { fieldErr, type FieldError } from '../../api/field-errors.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';
import {
  arr, deepEqual, isObj, isSet, isValidPercent, labelSelectorAsSelector, nameIsDNSSubdomain, num, obj, optObj, selectorEmpty,
  selectorMatches, sortedMap, str, strMap, validateImmutableField, validateLabelSelector, validateNonnegativeField, type Obj, type Selector,
} from './util.js';

export function validatePositiveIntOrPercent(v: unknown, fld: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => fieldErr.invalid(fld, v, m));
  if (typeof v === 'number') return validateNonnegativeField(v, fld);
  return [];
}
function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length) return undefined;
  return Number(v.slice(0, -1));
}
export function isNotMoreThan100Percent(v: unknown, fld: string): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [fieldErr.invalid(fld, v, 'must not be greater than 100%')];
}
function intOrPercentIsZero(v: unknown): boolean {
  if (typeof v === 'number') return v === 0;
  const p = percentValue(v);
  return p === 0;
}

/** The template-labels bad value: a Go map[string]string, keys sorted. */
function templateLabels(t: Obj): Record<string, string> {
  return sortedMap(strMap(obj(t.metadata).labels));
}

function podTemplateForReplicaSet(tmplIn: unknown, selector: Selector, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  const tmpl = optObj(tmplIn);
  if (!tmpl) return [fieldErr.required(fld, '')];
  if (!selectorEmpty(selector) && !selectorMatches(selector, strMap(obj(tmpl.metadata).labels))) {
    errs.push(fieldErr.invalid(`${fld}.metadata.labels`, templateLabels(tmpl), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(tmpl, fld));
  const spec = obj(tmpl.spec);
  const rp = str(spec.restartPolicy);
  if (rp && rp !== 'Always') errs.push(fieldErr.notSupported(`${fld}.spec.restartPolicy`, rp, ['Always']));
  if (isSet(spec.activeDeadlineSeconds)) errs.push(fieldErr.forbidden(`${fld}.spec.activeDeadlineSeconds`, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  return errs;
}

function selectorChecks(spec: Obj, kind: string): { errs: FieldError[]; selector: Selector | undefined } {
  const errs: FieldError[] = [];
  if (!isObj(spec.selector)) errs.push(fieldErr.required('spec.selector', ''));
  else {
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    const s = spec.selector;
    if (Object.keys(obj(s.matchLabels)).length + arr(s.matchExpressions).length === 0) {
      errs.push(fieldErr.invalid('spec.selector', s, `empty selector is invalid for ${kind}`));
    }
  }
  const selector = labelSelectorAsSelector(spec.selector);
  if (!selector) errs.push(fieldErr.invalid('spec.selector', spec.selector, 'invalid label selector'));
  return { errs, selector };
}

// ---------------- Deployment ----------------
function deploymentSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(num(spec.replicas), 'spec.replicas'));
  const sc = selectorChecks(spec, 'deployment');
  errs.push(...sc.errs);
  if (sc.selector) errs.push(...podTemplateForReplicaSet(spec.template, sc.selector, 'spec.template'));
  const strategy = obj(spec.strategy);
  const type = str(strategy.type);
  if (type === 'Recreate') {
    if (isSet(strategy.rollingUpdate)) errs.push(fieldErr.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === 'RollingUpdate') {
    const ru = optObj(strategy.rollingUpdate);
    if (ru) {
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
      if (intOrPercentIsZero(ru.maxUnavailable) && intOrPercentIsZero(ru.maxSurge)) {
        errs.push(fieldErr.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
    }
  } else if (type) {
    errs.push(fieldErr.notSupported('spec.strategy.type', type, ['Recreate', 'RollingUpdate']));
  }
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds), 'spec.minReadySeconds'));
  errs.push(...validateNonnegativeField(num(spec.revisionHistoryLimit), 'spec.revisionHistoryLimit'));
  const pds = num(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    errs.push(...validateNonnegativeField(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= (num(spec.minReadySeconds) ?? 0)) errs.push(fieldErr.invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}
export function validateDeployment(d: Obj): FieldError[] {
  return [...validateObjectMeta(d.metadata, true, nameIsDNSSubdomain), ...deploymentSpec(obj(d.spec))];
}
export function validateDeploymentUpdate(d: Obj, old: Obj, selectorImmutable: boolean): FieldError[] {
  const errs = [...validateObjectMetaUpdate(d.metadata, old.metadata), ...deploymentSpec(obj(d.spec))];
  if (selectorImmutable) errs.push(...validateImmutableField(obj(d.spec).selector, obj(old.spec).selector, 'spec.selector'));
  return errs;
}

// ---------------- ReplicaSet ----------------
function replicaSetSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(num(spec.replicas), 'spec.replicas'));
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds), 'spec.minReadySeconds'));
  const sc = selectorChecks(spec, 'deployment');
  errs.push(...sc.errs);
  if (sc.selector) errs.push(...podTemplateForReplicaSet(spec.template, sc.selector, 'spec.template'));
  return errs;
}
export function validateReplicaSet(rs: Obj): FieldError[] {
  return [...validateObjectMeta(rs.metadata, true, nameIsDNSSubdomain), ...replicaSetSpec(obj(rs.spec))];
}
export function validateReplicaSetUpdate(rs: Obj, old: Obj, selectorImmutable: boolean): FieldError[] {
  const errs = [...validateObjectMetaUpdate(rs.metadata, old.metadata), ...replicaSetSpec(obj(rs.spec))];
  if (selectorImmutable) errs.push(...validateImmutableField(obj(rs.spec).selector, obj(old.spec).selector, 'spec.selector'));
  return errs;
}

// ---------------- DaemonSet ----------------
function daemonSetSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const tmpl = obj(spec.template);
  const selector = labelSelectorAsSelector(spec.selector);
  if (selector && !selectorMatches(selector, strMap(obj(tmpl.metadata).labels))) {
    errs.push(fieldErr.invalid('spec.template.metadata.labels', templateLabels(tmpl), '`selector` does not match template `labels`'));
  }
  if (isObj(spec.selector) && Object.keys(obj(spec.selector.matchLabels)).length + arr(spec.selector.matchExpressions).length === 0) {
    errs.push(fieldErr.invalid('spec.selector', spec.selector, 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(tmpl, 'spec.template'));
  const ps = obj(tmpl.spec);
  const rp = str(ps.restartPolicy);
  if (rp && rp !== 'Always') errs.push(fieldErr.notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (isSet(ps.activeDeadlineSeconds)) {
    errs.push(fieldErr.invalid('spec.template.spec.activeDeadlineSeconds', ps.activeDeadlineSeconds, 'activeDeadlineSeconds must be nil for DaemonSet'));
  }
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds), 'spec.minReadySeconds'));
  errs.push(...validateNonnegativeField(num(spec.templateGeneration), 'spec.templateGeneration'));
  const us = obj(spec.updateStrategy);
  const type = str(us.type);
  if (type === 'RollingUpdate') {
    const ru = optObj(us.rollingUpdate);
    if (!ru) errs.push(fieldErr.required('spec.updateStrategy.rollingUpdate', ''));
    else {
      const p = 'spec.updateStrategy.rollingUpdate';
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
      if (intOrPercentIsZero(ru.maxUnavailable) && intOrPercentIsZero(ru.maxSurge)) {
        errs.push(fieldErr.invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...isNotMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`));
    }
  } else if (type && type !== 'OnDelete') {
    errs.push(fieldErr.notSupported('spec.updateStrategy.type', type, ['RollingUpdate', 'OnDelete']));
  }
  errs.push(...validateNonnegativeField(num(spec.revisionHistoryLimit), 'spec.revisionHistoryLimit'));
  return errs;
}
export function validateDaemonSet(ds: Obj): FieldError[] {
  return [...validateObjectMeta(ds.metadata, true, nameIsDNSSubdomain), ...daemonSetSpec(obj(ds.spec))];
}
export function validateDaemonSetUpdate(ds: Obj, old: Obj, selectorImmutable: boolean): FieldError[] {
  const errs = validateObjectMetaUpdate(ds.metadata, old.metadata);
  const ng = num(obj(ds.spec).templateGeneration) ?? 0;
  const og = num(obj(old.spec).templateGeneration) ?? 0;
  if (ng < og) errs.push(fieldErr.invalid('spec.templateGeneration', ng, 'must not be decremented'));
  errs.push(...daemonSetSpec(obj(ds.spec)));
  if (selectorImmutable) errs.push(...validateImmutableField(obj(ds.spec).selector, obj(old.spec).selector, 'spec.selector'));
  return errs;
}

// ---------------- StatefulSet ----------------
function statefulSetSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = str(spec.podManagementPolicy);
  if (pmp && pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    errs.push(fieldErr.invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  const us = obj(spec.updateStrategy);
  const type = str(us.type);
  if (type === 'OnDelete') {
    if (isSet(us.rollingUpdate)) errs.push(fieldErr.invalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (type === 'RollingUpdate') {
    const ru = optObj(us.rollingUpdate);
    if (ru) {
      errs.push(...validateNonnegativeField(num(ru.partition), 'spec.updateStrategy.rollingUpdate.partition'));
      if (isSet(ru.maxUnavailable)) {
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
        if (intOrPercentIsZero(ru.maxUnavailable)) errs.push(fieldErr.invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'cannot be 0'));
        errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
      }
    }
  } else if (type) {
    errs.push(fieldErr.invalid('spec.updateStrategy', us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const pvcp = optObj(spec.persistentVolumeClaimRetentionPolicy);
  if (pvcp) {
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = str(pvcp[f]);
      if (v && v !== 'Retain' && v !== 'Delete') errs.push(fieldErr.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v, ['Retain', 'Delete']));
    }
  }
  if (isObj(spec.ordinals)) errs.push(...validateNonnegativeField(num(spec.ordinals.start), 'spec.ordinals.start'));
  errs.push(...validateNonnegativeField(num(spec.replicas), 'spec.replicas'));
  errs.push(...validateNonnegativeField(num(spec.minReadySeconds), 'spec.minReadySeconds'));
  const sc = selectorChecks(spec, 'statefulset');
  errs.push(...sc.errs.map((e) => (e.detail === 'invalid label selector' ? { ...e, detail: '' } : e)));
  const tmpl = obj(spec.template);
  if (sc.selector) {
    if (!selectorEmpty(sc.selector) && !selectorMatches(sc.selector, strMap(obj(tmpl.metadata).labels))) {
      errs.push(fieldErr.invalid('spec.template.metadata.labels', templateLabels(tmpl), '`selector` does not match template `labels`'));
    }
    const claimNames = arr(spec.volumeClaimTemplates).map((c) => str(obj(obj(c).metadata).name));
    errs.push(...validatePodTemplateSpec(tmpl, 'spec.template', claimNames));
  }
  const ps = obj(tmpl.spec);
  const rp = str(ps.restartPolicy);
  if (rp && rp !== 'Always') errs.push(fieldErr.notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (isSet(ps.activeDeadlineSeconds)) {
    errs.push(fieldErr.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}
export function validateStatefulSet(ss: Obj): FieldError[] {
  return [...validateObjectMeta(ss.metadata, true, nameIsDNSSubdomain), ...statefulSetSpec(obj(ss.spec))];
}
export function validateStatefulSetUpdate(ss: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(ss.metadata, old.metadata);
  errs.push(...statefulSetSpec(obj(ss.spec)));
  const n = { ...obj(ss.spec) };
  const o = obj(old.spec);
  for (const f of ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy']) n[f] = o[f];
  if (!deepEqual(n, o)) {
    errs.push(
      fieldErr.forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

// ---------------- ControllerRevision ----------------
export function validateControllerRevision(cr: Obj): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, true, nameIsDNSSubdomain);
  if (!isSet(cr.data)) errs.push(fieldErr.required('data', 'data is mandatory'));
  errs.push(...validateNonnegativeField(num(cr.revision), 'revision'));
  return errs;
}
export function validateControllerRevisionUpdate(cr: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(cr.metadata, old.metadata);
  errs.push(...validateControllerRevision(cr));
  errs.push(...validateImmutableField(cr.data, old.data, 'data'));
  return errs;
}

/** Status validation shared by Deployment/ReplicaSet/StatefulSet/DaemonSet (non-negative counters). */
export function validateReplicaStatus(o: Obj, old: Obj, fields: string[]): FieldError[] {
  const errs = validateObjectMetaUpdate(o.metadata, old.metadata);
  const st = obj(o.status);
  for (const f of fields) errs.push(...validateNonnegativeField(num(st[f]), `status.${f}`));
  return errs;
}
