// batch/v1 Job and CronJob: pkg/apis/batch/validation.
import { fieldErr, type FieldError } from '../../api/field-errors.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';
import { numError } from '../../util/strconv.js';
import {
  deepEqual, isObj, isSet, labelSelectorAsSelector, nameIsDNSSubdomain, num, obj, selectorMatches, sortedMap, str, strMap,
  validateImmutableField, validateLabelSelector, validateNonnegativeField, type Obj,
} from './util.js';

// ---- robfig/cron v3 standard parser (5 fields + descriptors), error texts as that library words them ----
interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}
const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOWS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const BOUNDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DOWS },
];
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

function mustParseInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new Error(`failed to parse int from ${expr}: ${numError('Atoi', expr, 'invalid syntax')}`);
  const n = Number(expr);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}
function parseIntOrName(expr: string, names?: Record<string, number>): number {
  if (names) {
    const v = names[expr.toLowerCase()];
    if (v !== undefined) return v;
  }
  return mustParseInt(expr);
}
function getRange(expr: string, r: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step: number;
  if (rangeAndStep.length === 1) step = 1;
  else if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (singleDigit) end = r.max;
    if (step > 1) {
      /* fine */
    }
  } else throw new Error(`too many slashes: ${expr}`);
  if (start < r.min) throw new Error(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new Error(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
}

/** cron.ParseStandard; returns the error text or undefined. */
export function cronParseError(specIn: string): string | undefined {
  let spec = specIn;
  if (spec.length === 0) return 'empty spec string';
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    const tz = spec.slice(eq + 1, i < 0 ? undefined : i);
    if (!isKnownTimeZone(tz)) return `provided bad location ${tz}: unknown time zone ${tz}`;
    spec = i < 0 ? '' : spec.slice(i).trim();
  }
  if (spec.startsWith('@')) {
    if (DESCRIPTORS.has(spec) || spec.startsWith('@every ')) {
      if (spec.startsWith('@every ')) {
        const d = spec.slice(7);
        if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(d)) return `failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(d)}`;
      }
      return undefined;
    }
    return `unrecognized descriptor: ${spec}`;
  }
  const fields = spec.split(/\s+/).filter((f) => f.length > 0);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  try {
    fields.forEach((f, i) => {
      for (const part of f.split(',')) getRange(part, BOUNDS[i]!);
    });
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return undefined;
}

export function isKnownTimeZone(tz: string): boolean {
  if (tz === 'UTC' || tz === 'Local' || tz === '') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function validateTimeZone(tzIn: unknown, fld: string): FieldError[] {
  if (!isSet(tzIn)) return [];
  const tz = str(tzIn);
  if (tz.length === 0) return [fieldErr.invalid(fld, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z\.\-_0-9+]{1,14}$/.test(part)) {
      return [fieldErr.invalid(fld, tz, `unknown time zone ${tz}`)];
    }
  }
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') errs.push(fieldErr.invalid(fld, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  if (!isKnownTimeZone(tz)) errs.push(fieldErr.invalid(fld, tz, `unknown time zone ${tz}`));
  return errs;
}

// ---------------- Job ----------------
const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;

function jobSpecCore(spec: Obj, fld: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(num(spec.parallelism), `${fld}.parallelism`));
  errs.push(...validateNonnegativeField(num(spec.completions), `${fld}.completions`));
  errs.push(...validateNonnegativeField(num(spec.activeDeadlineSeconds), `${fld}.activeDeadlineSeconds`));
  errs.push(...validateNonnegativeField(num(spec.backoffLimit), `${fld}.backoffLimit`));
  errs.push(...validateNonnegativeField(num(spec.ttlSecondsAfterFinished), `${fld}.ttlSecondsAfterFinished`));
  if (isSet(spec.completionMode)) {
    const cm = str(spec.completionMode);
    if (cm !== 'NonIndexed' && cm !== 'Indexed') errs.push(fieldErr.notSupported(`${fld}.completionMode`, cm, ['NonIndexed', 'Indexed']));
    if (cm === 'Indexed') {
      if (!isSet(spec.completions)) errs.push(fieldErr.required(`${fld}.completions`, 'when completion mode is Indexed'));
      const par = num(spec.parallelism);
      if (par !== undefined && par > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        errs.push(fieldErr.invalid(`${fld}.parallelism`, par, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`));
      }
    }
  }
  if (isSet(spec.podReplacementPolicy)) {
    const p = str(spec.podReplacementPolicy);
    if (p !== 'TerminatingOrFailed' && p !== 'Failed') errs.push(fieldErr.notSupported(`${fld}.podReplacementPolicy`, p, ['TerminatingOrFailed', 'Failed']));
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${fld}.template`));
  const rp = str(obj(obj(spec.template).spec).restartPolicy);
  const rpPath = `${fld}.template.spec.restartPolicy`;
  if (rp === 'Always' || rp === '') errs.push(fieldErr.required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(fieldErr.notSupported(rpPath, rp, ['OnFailure', 'Never']));
  else if (isSet(spec.podFailurePolicy) && rp !== 'Never') errs.push(fieldErr.invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

function jobSpec(spec: Obj, fld: string): FieldError[] {
  const errs = jobSpecCore(spec, fld);
  // The job strategy generates the selector unless manualSelector is set; tolerate a not-yet-generated one.
  if (!isObj(spec.selector)) {
    if (spec.manualSelector === true) errs.push(fieldErr.required(`${fld}.selector`, ''));
    return errs;
  }
  errs.push(...validateLabelSelector(spec.selector, `${fld}.selector`));
  const sel = labelSelectorAsSelector(spec.selector);
  const labels = strMap(obj(obj(spec.template).metadata).labels);
  if (sel && !selectorMatches(sel, labels)) {
    errs.push(fieldErr.invalid(`${fld}.template.metadata.labels`, sortedMap(labels), '`selector` does not match template `labels`'));
  }
  return errs;
}

export function validateJob(job: Obj): FieldError[] {
  const errs = validateObjectMeta(job.metadata, true, nameIsDNSSubdomain);
  errs.push(...jobSpec(obj(job.spec), 'spec'));
  return errs;
}

export function validateJobUpdate(job: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(job.metadata, old.metadata);
  const spec = obj(job.spec);
  const ospec = obj(old.spec);
  errs.push(...jobSpec(spec, 'spec'));
  const indexed = str(spec.completionMode) === 'Indexed';
  if (!indexed) errs.push(...validateImmutableField(spec.completions, ospec.completions, 'spec.completions'));
  else if (!deepEqual(spec.completions, ospec.completions) && isSet(spec.completions) && num(spec.completions) !== num(spec.parallelism)) {
    errs.push(fieldErr.invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
  }
  errs.push(...validateImmutableField(spec.selector, ospec.selector, 'spec.selector'));
  // Suspended jobs that never started may change scheduling directives; everything else in the template is immutable.
  let tmpl = spec.template;
  const neverStarted = spec.suspend === true && !isSet(obj(old.status).startTime);
  if (neverStarted) {
    const t = obj(spec.template);
    const ot = obj(ospec.template);
    const ts = { ...obj(t.spec) };
    const os = obj(ot.spec);
    for (const f of ['nodeSelector', 'tolerations', 'affinity', 'schedulingGates']) ts[f] = os[f];
    const tm = { ...obj(t.metadata), labels: obj(ot.metadata).labels, annotations: obj(ot.metadata).annotations };
    tmpl = { ...t, metadata: tm, spec: ts };
  }
  errs.push(...validateImmutableField(tmpl, ospec.template, 'spec.template'));
  errs.push(...validateImmutableField(spec.completionMode, ospec.completionMode, 'spec.completionMode'));
  errs.push(...validateImmutableField(spec.podFailurePolicy, ospec.podFailurePolicy, 'spec.podFailurePolicy'));
  errs.push(...validateImmutableField(spec.backoffLimitPerIndex, ospec.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'));
  errs.push(...validateImmutableField(spec.managedBy, ospec.managedBy, 'spec.managedBy'));
  errs.push(...validateImmutableField(spec.successPolicy, ospec.successPolicy, 'spec.successPolicy'));
  return errs;
}

export function validateJobStatusUpdate(job: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(job.metadata, old.metadata);
  const st = obj(job.status);
  for (const f of ['active', 'succeeded', 'failed', 'ready', 'terminating']) errs.push(...validateNonnegativeField(num(st[f]), `status.${f}`));
  return errs;
}

// ---------------- CronJob ----------------
function cronJobSpec(spec: Obj, oldSpec: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = str(spec.schedule);
  if (!schedule) errs.push(fieldErr.required('spec.schedule', ''));
  else {
    const allowTZ = oldSpec !== undefined && str(oldSpec.schedule).includes('TZ');
    const perr = cronParseError(schedule);
    if (perr) errs.push(fieldErr.invalid('spec.schedule', schedule, perr));
    if (allowTZ && schedule.includes('TZ') && isSet(spec.timeZone)) {
      errs.push(fieldErr.invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(fieldErr.invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  errs.push(...validateNonnegativeField(num(spec.startingDeadlineSeconds), 'spec.startingDeadlineSeconds'));
  if (oldSpec === undefined || !deepEqual(oldSpec.timeZone, spec.timeZone)) errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  const cp = str(spec.concurrencyPolicy);
  if (isSet(spec.concurrencyPolicy) && !cp) errs.push(fieldErr.required('spec.concurrencyPolicy', ''));
  else if (cp && !['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(fieldErr.notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  const jt = obj(spec.jobTemplate);
  const js = obj(jt.spec);
  errs.push(...jobSpecCore(js, 'spec.jobTemplate.spec'));
  if (isSet(js.selector)) errs.push(fieldErr.invalid('spec.jobTemplate.spec.selector', js.selector, '`selector` will be auto-generated'));
  if (js.manualSelector === true) errs.push(fieldErr.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  errs.push(...validateNonnegativeField(num(spec.successfulJobsHistoryLimit), 'spec.successfulJobsHistoryLimit'));
  errs.push(...validateNonnegativeField(num(spec.failedJobsHistoryLimit), 'spec.failedJobsHistoryLimit'));
  return errs;
}

export function validateCronJob(cj: Obj): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, true, nameIsDNSSubdomain);
  errs.push(...cronJobSpec(obj(cj.spec), undefined));
  const name = str(obj(cj.metadata).name);
  if (name.length > 52) errs.push(fieldErr.invalid('metadata.name', name, 'must be no more than 52 characters'));
  return errs;
}
export function validateCronJobUpdate(cj: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(cj.metadata, old.metadata);
  errs.push(...cronJobSpec(obj(cj.spec), obj(old.spec)));
  return errs;
}
