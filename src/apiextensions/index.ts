// Schema machinery for CustomResourceDefinitions: structural schemas, pruning, defaulting, OpenAPI and CEL
// validation of custom resources, CRD validation and the OpenAPI documents published for CRDs.
export { toStructural, type StructuralSchema, type ValidationRule } from './structural.js';
export { prune, applyDefaults, pruneNonNullableNullsWithoutDefaults, validateAgainstSchema, blockingError } from './schema.js';
export { loadCel, celModule } from './cel-loader.js';
export { validateCRD, validateStructural } from './crd-validation.js';
export { crdOpenAPIv3Document, crdSwaggerFragment, mergeOpenAPIv3Documents, crdDefinitionName } from './openapi.js';
