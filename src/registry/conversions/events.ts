// core/v1 Event <-> events.k8s.io/v1 Event. Both are served from the same storage (core v1), converted
// through the internal core.Event as kube-apiserver 1.32 does (pkg/apis/events/v1/conversion.go plus the
// generated conversions): regarding <-> involvedObject, note <-> message, deprecatedSource <-> source,
// deprecatedFirstTimestamp/LastTimestamp/Count <-> firstTimestamp/lastTimestamp/count, reportingController <->
// reportingComponent (core's JSON name for ReportingController), and eventTime, series, related, action,
// type, reason, reportingInstance unchanged.
//
// The output has the fields Go's encoding/json always emits for the target type: core/v1 involvedObject,
// source, firstTimestamp, lastTimestamp, eventTime (null when unset), reportingComponent and
// reportingInstance ("" when unset); events.k8s.io/v1 eventTime, regarding, deprecatedSource,
// deprecatedFirstTimestamp, deprecatedLastTimestamp.
import type { KObject } from '../../api/types.js';
import { clone, isZero, metaOf, obj, putNonZero, type J } from './util.js';

function orNull(v: unknown): unknown {
  return v === undefined ? null : clone(v);
}

function objOrEmpty(v: unknown): J {
  return clone(obj(v)) ?? {};
}

function putSet(o: J, key: string, v: unknown): void {
  if (v !== undefined && v !== null) o[key] = clone(v);
}

/** core/v1 Event -> events.k8s.io/v1 Event. */
export function coreEventToEventsV1(src: KObject): KObject {
  const s = src as J;
  const out: J = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: metaOf(src) };
  out['eventTime'] = orNull(s['eventTime']);
  putSet(out, 'series', s['series']);
  putNonZero(out, 'reportingController', s['reportingComponent']);
  putNonZero(out, 'reportingInstance', s['reportingInstance']);
  putNonZero(out, 'action', s['action']);
  putNonZero(out, 'reason', s['reason']);
  out['regarding'] = objOrEmpty(s['involvedObject']);
  putSet(out, 'related', s['related']);
  putNonZero(out, 'note', s['message']);
  putNonZero(out, 'type', s['type']);
  out['deprecatedSource'] = objOrEmpty(s['source']);
  out['deprecatedFirstTimestamp'] = orNull(s['firstTimestamp']);
  out['deprecatedLastTimestamp'] = orNull(s['lastTimestamp']);
  putNonZero(out, 'deprecatedCount', s['count']);
  return out as KObject;
}

/** events.k8s.io/v1 Event -> core/v1 Event. */
export function eventsV1ToCoreEvent(src: KObject): KObject {
  const s = src as J;
  const out: J = { apiVersion: 'v1', kind: 'Event', metadata: metaOf(src) };
  out['involvedObject'] = objOrEmpty(s['regarding']);
  putNonZero(out, 'reason', s['reason']);
  putNonZero(out, 'message', s['note']);
  out['source'] = objOrEmpty(s['deprecatedSource']);
  out['firstTimestamp'] = orNull(s['deprecatedFirstTimestamp']);
  out['lastTimestamp'] = orNull(s['deprecatedLastTimestamp']);
  putNonZero(out, 'count', s['deprecatedCount']);
  putNonZero(out, 'type', s['type']);
  out['eventTime'] = orNull(s['eventTime']);
  putSet(out, 'series', s['series']);
  putNonZero(out, 'action', s['action']);
  putSet(out, 'related', s['related']);
  out['reportingComponent'] = isZero(s['reportingController']) ? '' : s['reportingController'];
  out['reportingInstance'] = isZero(s['reportingInstance']) ? '' : s['reportingInstance'];
  return out as KObject;
}
