// The CustomResourceDefinition type itself: defaulting, create/update preparation and validation.
import { isObject, type KObject } from '../api/types.js';
import type { Strategy } from '../registry/strategy.js';
import type { Validator } from '../registry/validation/index.js';
import { validatorFor } from '../registry/validation/index.js';
import { validateCRD } from './crd-validation.js';
import { storageVersionName } from './crd-types.js';

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

function specOf(crd: KObject): Record<string, unknown> {
  if (!isObject(crd.spec)) crd.spec = {};
  return crd.spec as Record<string, unknown>;
}

function addStoredVersion(crd: KObject, old?: KObject): void {
  const sv = storageVersionName(crd);
  const prev = old && isObject(old.status) && Array.isArray(old.status.storedVersions) ? (old.status.storedVersions as string[]) : [];
  const status = isObject(crd.status) ? crd.status : (crd.status = {});
  const stored = [...prev];
  if (sv && !stored.includes(sv)) stored.push(sv);
  (status as Record<string, unknown>).storedVersions = stored;
}

export const crdStrategy: Strategy = {
  default(crd) {
    const spec = specOf(crd);
    const names = isObject(spec.names) ? spec.names : undefined;
    if (names && typeof names.kind === 'string') {
      if (!names.singular) names.singular = names.kind.toLowerCase();
      if (!names.listKind) names.listKind = `${names.kind}List`;
    }
    if (!isObject(spec.conversion)) spec.conversion = { strategy: 'None' };
    const conv = spec.conversion as Record<string, unknown>;
    if (conv.strategy === 'Webhook' && isObject(conv.webhook) && isObject(conv.webhook.clientConfig)) {
      const svc = conv.webhook.clientConfig.service;
      if (isObject(svc) && svc.port === undefined) svc.port = 443;
    }
  },
  prepareForCreate(crd) {
    crd.status = { conditions: [], acceptedNames: { plural: '', kind: '' }, storedVersions: [] };
    addStoredVersion(crd);
    const meta = crd.metadata!;
    meta.finalizers = [...new Set([...(meta.finalizers ?? []), CLEANUP_FINALIZER])];
  },
  prepareForUpdate(crd, old) {
    crd.status = old.status;
    addStoredVersion(crd, old);
  },
};

const meta = validatorFor('apiextensions.k8s.io', 'customresourcedefinitions');

export const crdValidator: Validator = {
  validate: (crd, ctx) => [...meta.validate(crd, ctx), ...validateCRD(crd)],
  validateUpdate: (crd, old, ctx) => [...meta.validateUpdate(crd, old, ctx), ...validateCRD(crd, old)],
  validateStatusUpdate: (crd, old, ctx) => meta.validateStatusUpdate?.(crd, old, ctx) ?? [],
};
