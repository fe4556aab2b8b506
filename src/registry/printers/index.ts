// Server-side Table printers: what kube-apiserver answers to
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (what `kubectl get` / `-o wide` print).
//
// Built-in resources use the column definitions and row functions of kubernetes
// pkg/printers/internalversion/printers.go (1.32); kube-apiserver always generates the wide form
// (printers/storage.TableConvertor passes Wide: true), so cells always cover every column.
// Resources without a printer get the default table convertor of k8s.io/apiserver
// (pkg/registry/rest/table.go): Name + Created At.

import type { KObject } from '../../api/types.js';
import { formatRFC3339 } from './duration.js';
import { AGE_DOC, NAME_DOC, col, metadata, nameOf } from './helpers.js';
import type { TableColumnDefinition, TablePrinter, TableRowCondition } from './types.js';
import * as core from './core.js';
import * as other from './other.js';
import * as workloads from './workloads.js';

export type { TableColumnDefinition, TablePrinter, TableRowCondition } from './types.js';
export { humanDuration, shortHumanDuration, translateTimestampSince } from './duration.js';

/** The default table: Name (string, format name) and Created At (date, RFC3339 in UTC). */
export const defaultPrinter: TablePrinter = {
  columns: [col('Name', 'string', NAME_DOC, 0, 'name'), col('Created At', 'date', AGE_DOC)],
  cells(obj: KObject): unknown[] {
    return [nameOf(obj), formatRFC3339(metadata(obj).creationTimestamp)];
  },
};

const PRINTERS: ReadonlyMap<string, TablePrinter> = new Map<string, TablePrinter>([
  // core
  ['/pods', workloads.podPrinter],
  ['/podtemplates', workloads.podTemplatePrinter],
  ['/replicationcontrollers', workloads.replicationControllerPrinter],
  ['/services', core.servicePrinter],
  ['/endpoints', core.endpointsPrinter],
  ['/nodes', core.nodePrinter],
  ['/events', core.eventPrinter],
  ['/namespaces', core.namespacePrinter],
  ['/secrets', core.secretPrinter],
  ['/serviceaccounts', core.serviceAccountPrinter],
  ['/persistentvolumes', core.persistentVolumePrinter],
  ['/persistentvolumeclaims', core.persistentVolumeClaimPrinter],
  ['/componentstatuses', core.componentStatusPrinter],
  ['/configmaps', core.configMapPrinter],
  ['/resourcequotas', core.resourceQuotaPrinter],
  // apps
  ['apps/deployments', workloads.deploymentPrinter],
  ['apps/replicasets', workloads.replicaSetPrinter],
  ['apps/daemonsets', workloads.daemonSetPrinter],
  ['apps/statefulsets', workloads.statefulSetPrinter],
  ['apps/controllerrevisions', workloads.controllerRevisionPrinter],
  // batch
  ['batch/jobs', workloads.jobPrinter],
  ['batch/cronjobs', workloads.cronJobPrinter],
  // autoscaling, policy
  ['autoscaling/horizontalpodautoscalers', workloads.horizontalPodAutoscalerPrinter],
  ['policy/poddisruptionbudgets', workloads.podDisruptionBudgetPrinter],
  // events.k8s.io shares the core event storage and printer
  ['events.k8s.io/events', core.eventPrinter],
  // networking.k8s.io
  ['networking.k8s.io/ingresses', other.ingressPrinter],
  ['networking.k8s.io/ingressclasses', other.ingressClassPrinter],
  ['networking.k8s.io/networkpolicies', other.networkPolicyPrinter],
  ['networking.k8s.io/servicecidrs', other.serviceCIDRPrinter],
  ['networking.k8s.io/ipaddresses', other.ipAddressPrinter],
  // rbac (roles and clusterroles use the default table)
  ['rbac.authorization.k8s.io/rolebindings', other.roleBindingPrinter],
  ['rbac.authorization.k8s.io/clusterrolebindings', other.clusterRoleBindingPrinter],
  // certificates.k8s.io
  ['certificates.k8s.io/certificatesigningrequests', other.certificateSigningRequestPrinter],
  ['certificates.k8s.io/clustertrustbundles', other.clusterTrustBundlePrinter],
  // coordination.k8s.io
  ['coordination.k8s.io/leases', other.leasePrinter],
  ['coordination.k8s.io/leasecandidates', other.leaseCandidatePrinter],
  // storage.k8s.io
  ['storage.k8s.io/storageclasses', other.storageClassPrinter],
  ['storage.k8s.io/volumeattributesclasses', other.volumeAttributesClassPrinter],
  ['storage.k8s.io/volumeattachments', other.volumeAttachmentPrinter],
  ['storage.k8s.io/csinodes', other.csiNodePrinter],
  ['storage.k8s.io/csidrivers', other.csiDriverPrinter],
  ['storage.k8s.io/csistoragecapacities', other.csiStorageCapacityPrinter],
  // scheduling.k8s.io, node.k8s.io
  ['scheduling.k8s.io/priorityclasses', other.priorityClassPrinter],
  ['node.k8s.io/runtimeclasses', other.runtimeClassPrinter],
  // discovery.k8s.io
  ['discovery.k8s.io/endpointslices', other.endpointSlicePrinter],
  // admissionregistration.k8s.io
  ['admissionregistration.k8s.io/mutatingwebhookconfigurations', other.mutatingWebhookConfigurationPrinter],
  ['admissionregistration.k8s.io/validatingwebhookconfigurations', other.validatingWebhookConfigurationPrinter],
  ['admissionregistration.k8s.io/validatingadmissionpolicies', other.validatingAdmissionPolicyPrinter],
  ['admissionregistration.k8s.io/validatingadmissionpolicybindings', other.validatingAdmissionPolicyBindingPrinter],
  ['admissionregistration.k8s.io/mutatingadmissionpolicies', other.mutatingAdmissionPolicyPrinter],
  ['admissionregistration.k8s.io/mutatingadmissionpolicybindings', other.mutatingAdmissionPolicyBindingPrinter],
  // flowcontrol.apiserver.k8s.io
  ['flowcontrol.apiserver.k8s.io/flowschemas', other.flowSchemaPrinter],
  ['flowcontrol.apiserver.k8s.io/prioritylevelconfigurations', other.priorityLevelConfigurationPrinter],
  // internal.apiserver.k8s.io, storagemigration.k8s.io
  ['internal.apiserver.k8s.io/storageversions', other.storageVersionPrinter],
  ['storagemigration.k8s.io/storageversionmigrations', other.storageVersionMigrationPrinter],
  // resource.k8s.io
  ['resource.k8s.io/deviceclasses', other.deviceClassPrinter],
  ['resource.k8s.io/resourceclaims', other.resourceClaimPrinter],
  ['resource.k8s.io/resourceclaimtemplates', other.resourceClaimTemplatePrinter],
  ['resource.k8s.io/resourceslices', other.resourceSlicePrinter],
  // apiregistration.k8s.io (kube-aggregator's own table convertor)
  ['apiregistration.k8s.io/apiservices', other.apiServicePrinter],
]);

/** Resources whose "scale" subresource is served by kube (ScaleREST converts to the Scale table). */
const SCALE_PARENTS = new Set([
  '/replicationcontrollers',
  'apps/deployments',
  'apps/replicasets',
  'apps/statefulsets',
]);

/**
 * The printer for a built-in resource (group "" for core), or the default Name/Created At printer.
 * `resource` may name a subresource: "deployments/scale" gets the Scale table, others ("pods/status") the parent's.
 */
export function printerFor(group: string, resource: string): TablePrinter {
  const slash = resource.indexOf('/');
  const main = slash >= 0 ? resource.slice(0, slash) : resource;
  const sub = slash >= 0 ? resource.slice(slash + 1) : '';
  const key = `${group}/${main}`;
  if (sub === 'scale') return SCALE_PARENTS.has(key) ? workloads.scalePrinter : defaultPrinter;
  // Other subresources that return the parent object (status, ephemeralcontainers, finalize, approval...)
  // are served by the parent's store and its table convertor.
  return PRINTERS.get(key) ?? defaultPrinter;
}

/** Every group/resource with a dedicated printer, as "group/resource" ("" group for core). */
export function printedResources(): string[] {
  return [...PRINTERS.keys()];
}

/** The column definitions that apply without -o wide (priority 0). */
export function narrowColumns(columns: TableColumnDefinition[]): TableColumnDefinition[] {
  return columns.filter((c) => c.priority === 0);
}

/** Row conditions for obj, or undefined when kube leaves TableRow.conditions unset. */
export function rowConditions(printer: TablePrinter, obj: KObject): TableRowCondition[] | undefined {
  const c = printer.conditions?.(obj);
  return c && c.length > 0 ? c : undefined;
}
