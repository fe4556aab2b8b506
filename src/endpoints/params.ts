// Query-parameter decoding shared by the resource handlers (meta/v1 ListOptions, CreateOptions, ...).
import { badRequest, invalid } from '../api/errors.js';
import { fieldErr } from '../api/field-errors.js';
import { parseBool } from './request-info.js';
import { numError } from '../util/strconv.js';

export function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  try {
    return parseBool(q.get(name));
  } catch (e) {
    throw badRequest(`invalid boolean value for ${name}: ${(e as Error).message}`);
  }
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(numError('ParseInt', v, 'invalid syntax'));
  return Number(v);
}

export function dryRunParam(q: URLSearchParams, kind: string): boolean {
  const vals = q.getAll('dryRun').filter((v) => v !== '');
  if (vals.length === 0) return false;
  const bad = vals.find((v) => v !== 'All');
  if (bad !== undefined) throw invalid('meta.k8s.io', kind, '', [fieldErr.notSupported('dryRun', vals, ['All'])]);
  return true;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationParam(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got ${JSON.stringify(v)}`);
}

export function fieldManagerParam(q: URLSearchParams, kind: string): string | undefined {
  const v = q.get('fieldManager');
  if (v === null || v === '') return undefined;
  if (v.length > 128) throw invalid('meta.k8s.io', kind, '', [fieldErr.tooLong('fieldManager', v, 128)]);
  return v;
}
