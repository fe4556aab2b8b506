// Validation of built-in types with kube-apiserver 1.32's field paths, messages and ordering.
// validatorFor(group, resource) gives the per-resource validator; every resource gets ObjectMeta
// validation (create and update), known types add their type-specific rules.
import type { FieldError } from '../../api/field-errors.js';
import type { KObject } from '../../api/types.js';
import type { OpContext } from '../strategy.js';
import * as apps from './apps.js';
import * as batch from './batch.js';
import * as core from './core.js';
import * as groups from './groups.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from './pod.js';
import { nameIsDNSSubdomain, obj, type Obj } from './util.js';
import { nameIsDNSLabel as nameIsDNSLabelFn, nameIsDNS1035Label as nameIsDNS1035LabelFn, validatePathSegmentName as pathSegmentFn, noNameValidation as noneFn } from './util.js';


export interface Validator {
  validate(obj: KObject, ctx: OpContext): FieldError[];
  validateUpdate(obj: KObject, old: KObject, ctx: OpContext): FieldError[];
  validateStatusUpdate?(obj: KObject, old: KObject, ctx: OpContext): FieldError[];
}

export { validateObjectMeta, validateObjectMetaUpdate, validateAnnotations, validateOwnerReferences, validateFinalizers } from './meta.js';
export {
  isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue, isConfigMapKey, isValidPortName, isValidPortNum,
  isValidPathSegmentName, isEnvVarName, isRelaxedEnvVarName, isValidPercent, isWildcardDNS1123Subdomain, nameIsDNSSubdomain, nameIsDNSLabel,
  nameIsDNS1035Label, validatePathSegmentName, validateLabels, validateLabelSelector, labelSelectorAsSelector, selectorMatches,
  validateImmutableField, validateNonnegativeField, validateQualifiedName, validateDNS1123Label, validateDNS1123Subdomain, type NameFn,
} from './util.js';
export { validatePodSpec, validatePodTemplateSpec } from './pod.js';
export { cronParseError } from './batch.js';

/** ValidateObjectMeta's name check for a given resource, returning kube's `metadata.name` errors (generateName/required included). */
export function validateObjectMetaName(o: KObject, group: string, resource: string, namespaced: boolean): FieldError[] {
  const nameFn = nameFnFor(group, resource);
  return validateObjectMeta(o.metadata, namespaced, nameFn).filter((e) => e.field === 'metadata.name' || e.field === 'metadata.generateName');
}

function nameFnFor(group: string, resource: string) {
  switch (`${resource}.${group}`) {
    case 'namespaces.':
      return nameIsDNSLabelFn;
    case 'services.':
      return nameIsDNS1035LabelFn;
    case 'persistentvolumes.':
    case 'roles.rbac.authorization.k8s.io':
    case 'clusterroles.rbac.authorization.k8s.io':
    case 'rolebindings.rbac.authorization.k8s.io':
    case 'clusterrolebindings.rbac.authorization.k8s.io':
      return pathSegmentFn;
    case 'certificatesigningrequests.certificates.k8s.io':
      return noneFn;
    default:
      return nameIsDNSSubdomain;
  }
}

type Create = (o: Obj, ctx: OpContext) => FieldError[];
type Update = (o: Obj, old: Obj, ctx: OpContext) => FieldError[];

interface Spec {
  create: Create;
  update: Update;
  status?: Update;
}

const metaStatus: Update = (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata);

function ns(r: OpContext): boolean {
  return r.resource?.namespaced ?? true;
}

const table: Record<string, Spec> = {
  // ---- core ----
  'pods.': { create: (o) => validatePod(o), update: (o, old) => validatePodUpdate(o, old), status: (o, old) => validatePodStatusUpdate(o, old) },
  'services.': { create: (o) => core.validateService(o), update: (o, old) => core.validateServiceUpdate(o, old), status: metaStatus },
  'configmaps.': { create: (o) => core.validateConfigMap(o), update: (o, old) => core.validateConfigMapUpdate(o, old) },
  'secrets.': { create: (o) => core.validateSecret(o), update: (o, old) => core.validateSecretUpdate(o, old) },
  'namespaces.': {
    create: (o) => core.validateNamespace(o),
    update: (o, old) => core.validateNamespaceUpdate(o, old),
    status: (o, old) => core.validateNamespaceStatusUpdate(o, old),
  },
  'nodes.': { create: (o) => core.validateNode(o), update: (o, old) => core.validateNodeUpdate(o, old), status: (o, old) => core.validateNodeUpdate(o, old) },
  'serviceaccounts.': {
    create: (o) => core.validateServiceAccount(o),
    update: (o, old) => [...validateObjectMetaUpdate(o.metadata, old.metadata), ...core.validateServiceAccount(o)],
  },
  'endpoints.': { create: (o) => core.validateEndpoints(o), update: (o, old) => [...validateObjectMetaUpdate(o.metadata, old.metadata), ...core.validateEndpoints(o)] },
  'persistentvolumes.': { create: (o) => core.validatePersistentVolume(o), update: (o, old) => core.validatePersistentVolumeUpdate(o, old), status: metaStatus },
  'persistentvolumeclaims.': {
    create: (o) => core.validatePersistentVolumeClaim(o),
    update: (o, old) => core.validatePersistentVolumeClaimUpdate(o, old),
    status: metaStatus,
  },
  'events.': { create: (o) => core.validateEventCreate(o, ''), update: (o, old) => [...core.validateEventCreate(o, ''), ...validateObjectMetaUpdate(o.metadata, old.metadata)] },
  'replicationcontrollers.': {
    create: (o) => core.validateReplicationController(o),
    update: (o, old) => core.validateReplicationControllerUpdate(o, old),
    status: metaStatus,
  },
  'podtemplates.': { create: (o) => core.validatePodTemplate(o), update: (o, old) => core.validatePodTemplateUpdate(o, old) },
  'resourcequotas.': { create: (o) => core.validateResourceQuota(o), update: (o, old) => [...validateObjectMetaUpdate(o.metadata, old.metadata), ...core.validateResourceQuota(o)], status: metaStatus },
  'limitranges.': { create: (o) => core.validateLimitRange(o), update: (o, old) => [...validateObjectMetaUpdate(o.metadata, old.metadata), ...core.validateLimitRange(o)] },
  // ---- apps ----
  'deployments.apps': {
    create: (o) => apps.validateDeployment(o),
    update: (o, old) => apps.validateDeploymentUpdate(o, old, true),
    status: (o, old) => apps.validateReplicaStatus(o, old, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount']),
  },
  'replicasets.apps': {
    create: (o) => apps.validateReplicaSet(o),
    update: (o, old) => apps.validateReplicaSetUpdate(o, old, true),
    status: (o, old) => apps.validateReplicaStatus(o, old, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']),
  },
  'daemonsets.apps': {
    create: (o) => apps.validateDaemonSet(o),
    update: (o, old) => apps.validateDaemonSetUpdate(o, old, true),
    status: (o, old) =>
      apps.validateReplicaStatus(o, old, ['numberMisscheduled', 'currentNumberScheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount']),
  },
  'statefulsets.apps': {
    create: (o) => apps.validateStatefulSet(o),
    update: (o, old) => apps.validateStatefulSetUpdate(o, old),
    status: (o, old) => apps.validateReplicaStatus(o, old, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'observedGeneration', 'collisionCount']),
  },
  'controllerrevisions.apps': { create: (o) => apps.validateControllerRevision(o), update: (o, old) => apps.validateControllerRevisionUpdate(o, old) },
  // ---- batch ----
  'jobs.batch': { create: (o) => batch.validateJob(o), update: (o, old) => batch.validateJobUpdate(o, old), status: (o, old) => batch.validateJobStatusUpdate(o, old) },
  'cronjobs.batch': { create: (o) => batch.validateCronJob(o), update: (o, old) => batch.validateCronJobUpdate(o, old), status: metaStatus },
  // ---- rbac ----
  'roles.rbac.authorization.k8s.io': { create: (o) => groups.validateRole(o, true), update: (o, old) => groups.validateRoleUpdate(o, old, true) },
  'clusterroles.rbac.authorization.k8s.io': { create: (o) => groups.validateRole(o, false), update: (o, old) => groups.validateRoleUpdate(o, old, false) },
  'rolebindings.rbac.authorization.k8s.io': { create: (o) => groups.validateRoleBinding(o, true), update: (o, old) => groups.validateRoleBindingUpdate(o, old, true) },
  'clusterrolebindings.rbac.authorization.k8s.io': {
    create: (o) => groups.validateRoleBinding(o, false),
    update: (o, old) => groups.validateRoleBindingUpdate(o, old, false),
  },
  // ---- networking ----
  'ingresses.networking.k8s.io': { create: (o) => groups.validateIngress(o), update: (o, old) => groups.validateIngressUpdate(o, old), status: metaStatus },
  'ingressclasses.networking.k8s.io': { create: (o) => groups.validateIngressClass(o), update: (o, old) => groups.validateIngressClassUpdate(o, old) },
  'networkpolicies.networking.k8s.io': { create: (o) => groups.validateNetworkPolicy(o), update: (o, old) => groups.validateNetworkPolicyUpdate(o, old) },
  // ---- autoscaling / policy ----
  'horizontalpodautoscalers.autoscaling': {
    create: (o, ctx) => groups.validateHPA(o, ctx.resource?.version ?? 'v2'),
    update: (o, old, ctx) => groups.validateHPAUpdate(o, old, ctx.resource?.version ?? 'v2'),
    status: metaStatus,
  },
  'poddisruptionbudgets.policy': { create: (o) => groups.validatePDB(o), update: (o, old) => groups.validatePDBUpdate(o, old), status: metaStatus },
  // ---- storage / scheduling / coordination ----
  'storageclasses.storage.k8s.io': { create: (o) => groups.validateStorageClass(o), update: (o, old) => groups.validateStorageClassUpdate(o, old) },
  'priorityclasses.scheduling.k8s.io': { create: (o) => groups.validatePriorityClass(o), update: (o, old) => groups.validatePriorityClassUpdate(o, old) },
  'leases.coordination.k8s.io': { create: (o) => groups.validateLease(o), update: (o, old) => groups.validateLeaseUpdate(o, old) },
  // ---- certificates ----
  'certificatesigningrequests.certificates.k8s.io': { create: (o) => groups.validateCSR(o), update: (o, old) => groups.validateCSRUpdate(o, old), status: metaStatus },
  // ---- admission ----
  'validatingwebhookconfigurations.admissionregistration.k8s.io': {
    create: (o) => groups.validateWebhookConfiguration(o, false),
    update: (o, old) => groups.validateWebhookConfigurationUpdate(o, old, false),
  },
  'mutatingwebhookconfigurations.admissionregistration.k8s.io': {
    create: (o) => groups.validateWebhookConfiguration(o, true),
    update: (o, old) => groups.validateWebhookConfigurationUpdate(o, old, true),
  },
  // ---- discovery / events ----
  'endpointslices.discovery.k8s.io': { create: (o) => groups.validateEndpointSlice(o), update: (o, old) => groups.validateEndpointSliceUpdate(o, old) },
  'events.events.k8s.io': {
    create: (o) => core.validateEventCreate(o, 'events.k8s.io'),
    update: (o, old) => [...core.validateEventCreate(o, 'events.k8s.io'), ...validateObjectMetaUpdate(o.metadata, old.metadata)],
  },
};

function asObj(o: KObject): Obj {
  return obj(o);
}

/** The validator for a resource (group "" for core). Unknown resources get generic ObjectMeta validation. */
export function validatorFor(group: string, resource: string): Validator {
  const spec = table[`${resource}.${group}`];
  if (spec) {
    const status = spec.status ?? metaStatus;
    return {
      validate: (o, ctx) => spec.create(asObj(o), ctx),
      validateUpdate: (o, old, ctx) => spec.update(asObj(o), asObj(old), ctx),
      validateStatusUpdate: (o, old, ctx) => status(asObj(o), asObj(old), ctx),
    };
  }
  const nameFn = nameFnFor(group, resource);
  return {
    validate: (o, ctx) => validateObjectMeta(o.metadata, ns(ctx), nameFn, 'metadata', { kubeFinalizers: false }),
    validateUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata, 'metadata', { kubeFinalizers: false }),
    validateStatusUpdate: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata, 'metadata', { kubeFinalizers: false }),
  };
}
