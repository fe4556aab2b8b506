// autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler, as kube-apiserver 1.32 converts them through
// the internal version (pkg/apis/autoscaling/v1/conversion.go, pkg/apis/autoscaling/v2/conversion.go).
// The internal HPA has the v2 shape, so v2 plays the internal version here.
//
// v2 -> v1: targetCPUUtilizationPercentage = the first cpu Resource metric's averageUtilization;
// currentCPUUtilizationPercentage = the cpu Resource current metric's averageUtilization; everything v1
// cannot express is kept in annotations:
//   autoscaling.alpha.kubernetes.io/metrics          every spec metric except cpu Utilization ones, v1 JSON
//   autoscaling.alpha.kubernetes.io/current-metrics  all status.currentMetrics, v1 JSON
//   autoscaling.alpha.kubernetes.io/behavior         spec.behavior, JSON of the *internal* Go type (Go field names)
//   autoscaling.alpha.kubernetes.io/conditions       status.conditions, v1 JSON
// Pre-existing copies of these annotations are dropped first, so only the ones produced here are present.
// v1 -> v2: the reverse; the annotations are consumed (ill-formed ones ignored) and removed; with no
// metric at all the cpu 80% Utilization default is applied (DefaultCPUUtilization).
import type { KObject } from '../../api/types.js';
import { clone, dropAnnotations, isObj, metaOf, obj, objArr, put, setAnnotation, type J } from './util.js';

export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const HPA_CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
export const DEFAULT_CPU_UTILIZATION = 80;

/** autoscaling.DropRoundTripHorizontalPodAutoscalerAnnotations (1.32). */
const ROUND_TRIP_ANNOTATIONS = [METRIC_SPECS_ANNOTATION, BEHAVIOR_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, HPA_CONDITIONS_ANNOTATION] as const;

/** A resource.Quantity value; Go's zero Quantity marshals as "0". */
function qty(v: unknown): unknown {
  return v === undefined || v === null ? '0' : v;
}

function crossRef(v: unknown): J {
  const r = obj(v) ?? {};
  const out: J = { kind: r['kind'] ?? '', name: r['name'] ?? '' };
  if (r['apiVersion'] !== undefined && r['apiVersion'] !== '') out['apiVersion'] = r['apiVersion'];
  return out;
}

function metricIdentifier(name: unknown, selector: unknown): J {
  const out: J = { name: name ?? '' };
  if (selector !== undefined && selector !== null) out['selector'] = clone(selector);
  return out;
}

function metricTarget(type: string, value: unknown, averageValue: unknown, averageUtilization: unknown): J {
  const out: J = { type };
  if (value !== undefined && value !== null) out['value'] = value;
  if (averageValue !== undefined && averageValue !== null) out['averageValue'] = averageValue;
  if (averageUtilization !== undefined && averageUtilization !== null) out['averageUtilization'] = averageUtilization;
  return out;
}

function metricValueStatus(value: unknown, averageValue: unknown, averageUtilization: unknown): J {
  const out: J = {};
  if (value !== undefined && value !== null) out['value'] = value;
  if (averageValue !== undefined && averageValue !== null) out['averageValue'] = averageValue;
  if (averageUtilization !== undefined && averageUtilization !== null) out['averageUtilization'] = averageUtilization;
  return out;
}

function isNil(v: unknown): boolean {
  return v === undefined || v === null;
}

// ---------- metric specs ----------

/** v1 MetricSpec -> internal (v2-shaped) MetricSpec. */
export function metricSpecV1ToV2(m: J): J {
  const out: J = { type: m['type'] ?? '' };
  const o = obj(m['object']);
  if (o) {
    out['object'] = {
      describedObject: crossRef(o['target']),
      target: metricTarget(isNil(o['averageValue']) ? 'Value' : 'AverageValue', qty(o['targetValue']), o['averageValue'], undefined),
      metric: metricIdentifier(o['metricName'], o['selector']),
    };
  }
  const p = obj(m['pods']);
  if (p) {
    out['pods'] = {
      metric: metricIdentifier(p['metricName'], p['selector']),
      target: metricTarget('AverageValue', undefined, qty(p['targetAverageValue']), undefined),
    };
  }
  const r = obj(m['resource']);
  if (r) {
    out['resource'] = {
      name: r['name'] ?? '',
      target: metricTarget(isNil(r['targetAverageUtilization']) ? 'AverageValue' : 'Utilization', undefined, r['targetAverageValue'], r['targetAverageUtilization']),
    };
  }
  const c = obj(m['containerResource']);
  if (c) {
    out['containerResource'] = {
      name: c['name'] ?? '',
      target: metricTarget(isNil(c['targetAverageUtilization']) ? 'AverageValue' : 'Utilization', undefined, c['targetAverageValue'], c['targetAverageUtilization']),
      container: c['container'] ?? '',
    };
  }
  const e = obj(m['external']);
  if (e) {
    out['external'] = {
      metric: metricIdentifier(e['metricName'], e['metricSelector']),
      target: metricTarget(isNil(e['targetValue']) ? 'AverageValue' : 'Value', e['targetValue'], e['targetAverageValue'], undefined),
    };
  }
  return out;
}

/** internal (v2-shaped) MetricSpec -> v1 MetricSpec. */
export function metricSpecV2ToV1(m: J): J {
  const out: J = { type: m['type'] ?? '' };
  const o = obj(m['object']);
  if (o) {
    const t = obj(o['target']) ?? {};
    const id = obj(o['metric']) ?? {};
    const v1: J = { target: crossRef(o['describedObject']), metricName: id['name'] ?? '', targetValue: qty(t['value']) };
    put(v1, 'selector', isNil(id['selector']) ? undefined : clone(id['selector']));
    put(v1, 'averageValue', isNil(t['averageValue']) ? undefined : t['averageValue']);
    out['object'] = v1;
  }
  const p = obj(m['pods']);
  if (p) {
    const t = obj(p['target']) ?? {};
    const id = obj(p['metric']) ?? {};
    const v1: J = { metricName: id['name'] ?? '', targetAverageValue: qty(t['averageValue']) };
    put(v1, 'selector', isNil(id['selector']) ? undefined : clone(id['selector']));
    out['pods'] = v1;
  }
  const r = obj(m['resource']);
  if (r) {
    const t = obj(r['target']) ?? {};
    const v1: J = { name: r['name'] ?? '' };
    put(v1, 'targetAverageUtilization', isNil(t['averageUtilization']) ? undefined : t['averageUtilization']);
    put(v1, 'targetAverageValue', isNil(t['averageValue']) ? undefined : t['averageValue']);
    out['resource'] = v1;
  }
  const c = obj(m['containerResource']);
  if (c) {
    const t = obj(c['target']) ?? {};
    const v1: J = { name: c['name'] ?? '' };
    put(v1, 'targetAverageUtilization', isNil(t['averageUtilization']) ? undefined : t['averageUtilization']);
    put(v1, 'targetAverageValue', isNil(t['averageValue']) ? undefined : t['averageValue']);
    v1['container'] = c['container'] ?? '';
    out['containerResource'] = v1;
  }
  const e = obj(m['external']);
  if (e) {
    const t = obj(e['target']) ?? {};
    const id = obj(e['metric']) ?? {};
    const v1: J = { metricName: id['name'] ?? '' };
    put(v1, 'metricSelector', isNil(id['selector']) ? undefined : clone(id['selector']));
    put(v1, 'targetValue', isNil(t['value']) ? undefined : t['value']);
    put(v1, 'targetAverageValue', isNil(t['averageValue']) ? undefined : t['averageValue']);
    out['external'] = v1;
  }
  return out;
}

// ---------- metric statuses ----------

/** v1 MetricStatus -> internal (v2-shaped) MetricStatus. */
export function metricStatusV1ToV2(m: J): J {
  const out: J = { type: m['type'] ?? '' };
  const o = obj(m['object']);
  if (o) {
    out['object'] = {
      metric: metricIdentifier(o['metricName'], o['selector']),
      current: metricValueStatus(qty(o['currentValue']), o['averageValue'], undefined),
      describedObject: crossRef(o['target']),
    };
  }
  const p = obj(m['pods']);
  if (p) {
    out['pods'] = {
      metric: metricIdentifier(p['metricName'], p['selector']),
      current: metricValueStatus(undefined, qty(p['currentAverageValue']), undefined),
    };
  }
  const r = obj(m['resource']);
  if (r) {
    out['resource'] = { name: r['name'] ?? '', current: metricValueStatus(undefined, qty(r['currentAverageValue']), r['currentAverageUtilization']) };
  }
  const c = obj(m['containerResource']);
  if (c) {
    out['containerResource'] = {
      name: c['name'] ?? '',
      current: metricValueStatus(undefined, qty(c['currentAverageValue']), c['currentAverageUtilization']),
      container: c['container'] ?? '',
    };
  }
  const e = obj(m['external']);
  if (e) {
    out['external'] = {
      metric: metricIdentifier(e['metricName'], e['metricSelector']),
      current: metricValueStatus(qty(e['currentValue']), e['currentAverageValue'], undefined),
    };
  }
  return out;
}

/** internal (v2-shaped) MetricStatus -> v1 MetricStatus. */
export function metricStatusV2ToV1(m: J): J {
  const out: J = { type: m['type'] ?? '' };
  const o = obj(m['object']);
  if (o) {
    const cur = obj(o['current']) ?? {};
    const id = obj(o['metric']) ?? {};
    const v1: J = { target: crossRef(o['describedObject']), metricName: id['name'] ?? '', currentValue: qty(cur['value']) };
    put(v1, 'selector', isNil(id['selector']) ? undefined : clone(id['selector']));
    put(v1, 'averageValue', isNil(cur['averageValue']) ? undefined : cur['averageValue']);
    out['object'] = v1;
  }
  const p = obj(m['pods']);
  if (p) {
    const cur = obj(p['current']) ?? {};
    const id = obj(p['metric']) ?? {};
    const v1: J = { metricName: id['name'] ?? '', currentAverageValue: qty(cur['averageValue']) };
    put(v1, 'selector', isNil(id['selector']) ? undefined : clone(id['selector']));
    out['pods'] = v1;
  }
  const r = obj(m['resource']);
  if (r) {
    const cur = obj(r['current']) ?? {};
    const v1: J = { name: r['name'] ?? '' };
    put(v1, 'currentAverageUtilization', isNil(cur['averageUtilization']) ? undefined : cur['averageUtilization']);
    v1['currentAverageValue'] = qty(cur['averageValue']);
    out['resource'] = v1;
  }
  const c = obj(m['containerResource']);
  if (c) {
    const cur = obj(c['current']) ?? {};
    const v1: J = { name: c['name'] ?? '' };
    put(v1, 'currentAverageUtilization', isNil(cur['averageUtilization']) ? undefined : cur['averageUtilization']);
    v1['currentAverageValue'] = qty(cur['averageValue']);
    v1['container'] = c['container'] ?? '';
    out['containerResource'] = v1;
  }
  const e = obj(m['external']);
  if (e) {
    const cur = obj(e['current']) ?? {};
    const id = obj(e['metric']) ?? {};
    const v1: J = { metricName: id['name'] ?? '' };
    put(v1, 'metricSelector', isNil(id['selector']) ? undefined : clone(id['selector']));
    v1['currentValue'] = qty(cur['value']);
    put(v1, 'currentAverageValue', isNil(cur['averageValue']) ? undefined : cur['averageValue']);
    out['external'] = v1;
  }
  return out;
}

// ---------- conditions ----------

/** HorizontalPodAutoscalerCondition (identical in v1 and v2); Go emits lastTransitionTime (null when unset). */
function condition(c: J): J {
  const out: J = { type: c['type'] ?? '', status: c['status'] ?? '', lastTransitionTime: c['lastTransitionTime'] ?? null };
  if (!isNil(c['reason']) && c['reason'] !== '') out['reason'] = c['reason'];
  if (!isNil(c['message']) && c['message'] !== '') out['message'] = c['message'];
  return out;
}

// ---------- behavior (annotation = JSON of the internal Go type, no json tags) ----------

function behaviorRulesToInternal(r: unknown): unknown {
  const rules = obj(r);
  if (!rules) return null;
  const policies = Array.isArray(rules['policies'])
    ? objArr(rules['policies']).map((p) => ({ Type: p['type'] ?? '', Value: p['value'] ?? 0, PeriodSeconds: p['periodSeconds'] ?? 0 }))
    : null;
  return {
    StabilizationWindowSeconds: rules['stabilizationWindowSeconds'] ?? null,
    SelectPolicy: rules['selectPolicy'] ?? null,
    Policies: policies,
  };
}

/** json.Marshal of the internal HorizontalPodAutoscalerBehavior. */
export function encodeBehaviorAnnotation(behavior: J): string {
  return JSON.stringify({ ScaleUp: behaviorRulesToInternal(behavior['scaleUp']), ScaleDown: behaviorRulesToInternal(behavior['scaleDown']) });
}

/** Go's encoding/json matches field names case-insensitively. */
function field(o: J, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

class IllFormed extends Error {}

function int32(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new IllFormed();
  return v;
}

function optInt32(v: unknown): number | undefined {
  return v === null || v === undefined ? undefined : int32(v);
}

function optString(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'string') throw new IllFormed();
  return v;
}

function rulesFromInternal(v: unknown): J | undefined {
  if (v === null || v === undefined) return undefined;
  if (!isObj(v)) throw new IllFormed();
  const out: J = {};
  put(out, 'stabilizationWindowSeconds', optInt32(field(v, 'StabilizationWindowSeconds')));
  put(out, 'selectPolicy', optString(field(v, 'SelectPolicy')));
  const policies = field(v, 'Policies');
  if (policies !== null && policies !== undefined) {
    if (!Array.isArray(policies)) throw new IllFormed();
    out['policies'] = policies.map((p: unknown) => {
      if (!isObj(p)) throw new IllFormed();
      return { type: optString(field(p, 'Type')) ?? '', value: int32(field(p, 'Value')), periodSeconds: int32(field(p, 'PeriodSeconds')) };
    });
  }
  return out;
}

/** The v2 spec.behavior an annotation holds, or undefined when it is ill-formed or empty (kube ignores those). */
export function decodeBehaviorAnnotation(text: string): J | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (!isObj(v)) return undefined;
    const scaleUp = rulesFromInternal(field(v, 'ScaleUp'));
    const scaleDown = rulesFromInternal(field(v, 'ScaleDown'));
    if (!scaleUp && !scaleDown) return undefined;
    const out: J = {};
    put(out, 'scaleUp', scaleUp);
    put(out, 'scaleDown', scaleDown);
    return out;
  } catch {
    return undefined;
  }
}

function parseJsonArray(text: string): J[] | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (v === null) return [];
    if (!Array.isArray(v) || !v.every(isObj)) return undefined;
    return v as J[];
  } catch {
    return undefined;
  }
}

function isCpuResource(m: J): J | undefined {
  const r = obj(m['resource']);
  return m['type'] === 'Resource' && r && r['name'] === 'cpu' ? r : undefined;
}

// ---------- HorizontalPodAutoscaler ----------

/** autoscaling/v2 HorizontalPodAutoscaler -> autoscaling/v1 HorizontalPodAutoscaler. */
export function hpaV2ToV1(src: KObject): KObject {
  const metadata = metaOf(src);
  // v2 -> internal drops round-trip annotations; internal -> v1 drops them again before adding its own.
  dropAnnotations(metadata, ROUND_TRIP_ANNOTATIONS);
  const inSpec = obj(src['spec']) ?? {};
  const inStatus = obj(src['status']) ?? {};
  const metrics = objArr(inSpec['metrics']);
  const currentMetrics = objArr(inStatus['currentMetrics']);
  const conditions = objArr(inStatus['conditions']);

  const spec: J = { scaleTargetRef: crossRef(inSpec['scaleTargetRef']) };
  put(spec, 'minReplicas', isNil(inSpec['minReplicas']) ? undefined : inSpec['minReplicas']);
  spec['maxReplicas'] = inSpec['maxReplicas'] ?? 0;
  for (const m of metrics) {
    const r = isCpuResource(m);
    if (r) {
      const t = obj(r['target']);
      if (t && !isNil(t['averageUtilization'])) spec['targetCPUUtilizationPercentage'] = t['averageUtilization'];
      break;
    }
  }

  const status: J = {};
  put(status, 'observedGeneration', isNil(inStatus['observedGeneration']) ? undefined : inStatus['observedGeneration']);
  put(status, 'lastScaleTime', isNil(inStatus['lastScaleTime']) ? undefined : inStatus['lastScaleTime']);
  status['currentReplicas'] = inStatus['currentReplicas'] ?? 0;
  status['desiredReplicas'] = inStatus['desiredReplicas'] ?? 0;
  for (const m of currentMetrics) {
    const r = isCpuResource(m);
    const cur = r ? obj(r['current']) : undefined;
    if (cur && !isNil(cur['averageUtilization'])) status['currentCPUUtilizationPercentage'] = cur['averageUtilization'];
  }

  const otherMetrics = metrics
    .filter((m) => {
      const r = isCpuResource(m);
      const t = r ? obj(r['target']) : undefined;
      return !(t && !isNil(t['averageUtilization']));
    })
    .map(metricSpecV2ToV1);
  if (otherMetrics.length > 0) setAnnotation(metadata, METRIC_SPECS_ANNOTATION, JSON.stringify(otherMetrics));
  if (currentMetrics.length > 0) setAnnotation(metadata, METRIC_STATUSES_ANNOTATION, JSON.stringify(currentMetrics.map(metricStatusV2ToV1)));
  const behavior = obj(inSpec['behavior']);
  if (behavior) setAnnotation(metadata, BEHAVIOR_SPECS_ANNOTATION, encodeBehaviorAnnotation(behavior));
  if (conditions.length > 0) setAnnotation(metadata, HPA_CONDITIONS_ANNOTATION, JSON.stringify(conditions.map(condition)));

  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata, spec, status };
}

/** autoscaling/v1 HorizontalPodAutoscaler -> autoscaling/v2 HorizontalPodAutoscaler. */
export function hpaV1ToV2(src: KObject): KObject {
  const metadata = metaOf(src);
  const ann = obj(metadata['annotations']) ?? {};
  const inSpec = obj(src['spec']) ?? {};
  const inStatus = obj(src['status']) ?? {};

  let metrics: J[] = [];
  if (!isNil(inSpec['targetCPUUtilizationPercentage'])) {
    metrics = [{ type: 'Resource', resource: { name: 'cpu', target: metricTarget('Utilization', undefined, undefined, inSpec['targetCPUUtilizationPercentage']) } }];
  }
  let currentMetrics: J[] | null = null;
  if (!isNil(inStatus['currentCPUUtilizationPercentage'])) {
    currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: metricValueStatus(undefined, undefined, inStatus['currentCPUUtilizationPercentage']) } }];
  }
  let conditions: J[] = [];

  const specsText = ann[METRIC_SPECS_ANNOTATION];
  if (typeof specsText === 'string') {
    const other = parseJsonArray(specsText);
    if (other) metrics = [...other.map(metricSpecV1ToV2), ...metrics.slice(0, 1)];
  }
  const statusesText = ann[METRIC_STATUSES_ANNOTATION];
  if (typeof statusesText === 'string') {
    const cur = parseJsonArray(statusesText);
    if (cur) currentMetrics = cur.map(metricStatusV1ToV2);
  }
  if (metrics.length === 0) {
    metrics = [{ type: 'Resource', resource: { name: 'cpu', target: metricTarget('Utilization', undefined, undefined, DEFAULT_CPU_UTILIZATION) } }];
  }
  let behavior: J | undefined;
  const behaviorText = ann[BEHAVIOR_SPECS_ANNOTATION];
  if (typeof behaviorText === 'string') behavior = decodeBehaviorAnnotation(behaviorText);
  const conditionsText = ann[HPA_CONDITIONS_ANNOTATION];
  if (typeof conditionsText === 'string') {
    const conds = parseJsonArray(conditionsText);
    if (conds) conditions = conds.map(condition);
  }
  dropAnnotations(metadata, ROUND_TRIP_ANNOTATIONS);

  const spec: J = { scaleTargetRef: crossRef(inSpec['scaleTargetRef']) };
  put(spec, 'minReplicas', isNil(inSpec['minReplicas']) ? undefined : inSpec['minReplicas']);
  spec['maxReplicas'] = inSpec['maxReplicas'] ?? 0;
  spec['metrics'] = metrics;
  put(spec, 'behavior', behavior);

  const status: J = {};
  put(status, 'observedGeneration', isNil(inStatus['observedGeneration']) ? undefined : inStatus['observedGeneration']);
  put(status, 'lastScaleTime', isNil(inStatus['lastScaleTime']) ? undefined : inStatus['lastScaleTime']);
  if (!isNil(inStatus['currentReplicas']) && inStatus['currentReplicas'] !== 0) status['currentReplicas'] = inStatus['currentReplicas'];
  status['desiredReplicas'] = inStatus['desiredReplicas'] ?? 0;
  status['currentMetrics'] = currentMetrics; // no omitempty in v2: null when absent
  if (conditions.length > 0) status['conditions'] = conditions;

  return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata, spec, status };
}

/**
 * What kube does to an autoscaling/v2 HPA on decode even without a version change (v2 -> internal drops
 * the round-trip annotations): for callers that store v2 objects as sent, since convertObject does not
 * call a converter when the version is unchanged.
 */
export function stripHpaRoundTripAnnotations(src: KObject): KObject {
  const out = clone(src);
  if (isObj(out.metadata)) dropAnnotations(out.metadata as J, ROUND_TRIP_ANNOTATIONS);
  return out;
}
