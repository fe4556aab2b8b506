// resourceVersion values from clients, parsed as kube's storage layer parses them (APIObjectVersioner, Go's
// strconv.ParseUint) and refused with the status kube answers with, which depends on which of its layers
// reads the value.
import { StatusError, badRequest } from '../api/errors.js';
import { goQuote, parseGoUint } from '../util/strconv.js';

/**
 * Who reads a resourceVersion query parameter in kube-apiserver: its watch cache passes a parse failure up
 * as it is (no Status: a reason-less 500); its etcd store wraps it in a 400 BadRequest.
 */
export type ResourceVersionReader = 'cache' | 'storage';

/** A resourceVersion query parameter: undefined when unset or empty, otherwise the revision ("0" is 0). */
export function resourceVersionParam(rv: string | undefined, reader: ResourceVersionReader): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  try {
    return parseGoUint(rv);
  } catch (e) {
    const msg = `resourceVersion: Invalid value: ${goQuote(rv)}: ${(e as Error).message}`;
    throw reader === 'cache' ? new StatusError(500, '', msg) : badRequest(`invalid resource version: ${msg}`);
  }
}

/**
 * metadata.resourceVersion of an object sent for update (PUT, patch, apply, scale): kube's registry parses
 * it inside the storage update and returns Go's bare error, a reason-less 500.
 */
export function objectResourceVersion(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  try {
    return parseGoUint(rv);
  } catch (e) {
    throw new StatusError(500, '', (e as Error).message);
  }
}

/**
 * POST: kube's storage refuses an object that carries a non-zero resourceVersion (a copy of a stored object,
 * most likely) with a reason-less 500; a value that does not parse is ignored, as there.
 */
export function checkNoResourceVersionOnCreate(rv: string | undefined): void {
  if (rv === undefined || rv === '') return;
  let n: number;
  try {
    n = parseGoUint(rv);
  } catch {
    return;
  }
  if (n !== 0) throw new StatusError(500, '', 'resourceVersion should not be set on objects to be created');
}
