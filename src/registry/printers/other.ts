// Printers for the non-core API groups (networking, rbac, certificates, coordination, storage, scheduling,
// node, discovery, admissionregistration, flowcontrol, apiserverinternal, resource, storagemigration)
// from kubernetes pkg/printers/internalversion/printers.go, and apiregistration's APIService table
// (kube-aggregator pkg/registry/apiservice/etcd). They read the external JSON shapes.

import type { KObject } from '../../api/types.js';
import { doc } from './descriptions.js';
import { humanDuration, translateTimestampSince } from './duration.js';
import { loadBalancerStatusStringer } from './core.js';
import {
  type JObj,
  ageCol,
  arr,
  col,
  formatLabelSelector,
  isObj,
  labelSelectorGoString,
  metadata,
  nameCol,
  nameOf,
  num,
  obj,
  objs,
  quantity,
  spec,
  status,
  str,
  strMap,
} from './helpers.js';
import type { TablePrinter } from './types.js';

const age = (o: KObject, now: Date): string => translateTimestampSince(metadata(o).creationTimestamp, now);

// ---------------------------------------------------------------- networking.k8s.io

function formatHosts(rules: JObj[]): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && str(rule.host).length !== 0) list.push(str(rule.host));
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  if (more) return `${ret} + ${rules.length - max} more...`;
  return ret;
}

export const ingressPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    ageCol(),
  ],
  cells(o, now) {
    const sp = spec(o);
    const className = typeof sp.ingressClassName === 'string' ? sp.ingressClassName : '<none>';
    const hosts = formatHosts(objs(sp.rules));
    // kube-apiserver generates tables with Wide: true: the address list is not clipped.
    const address = loadBalancerStatusStringer(status(o).loadBalancer, true);
    const ports = arr(sp.tls).length !== 0 ? '80, 443' : '80';
    return [nameOf(o), className, hosts, address, ports, age(o, now)];
  },
};

export const ingressClassPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Controller', 'string', 'Controller that is responsible for handling this class'),
    col('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageCol(),
  ],
  cells(o, now) {
    const sp = spec(o);
    let parameters = '<none>';
    if (isObj(sp.parameters)) {
      const p = sp.parameters;
      parameters = str(p.kind);
      if (typeof p.apiGroup === 'string') parameters = parameters + '.' + p.apiGroup;
      parameters = parameters + '/' + str(p.name);
    }
    return [nameOf(o), str(sp.controller), parameters, age(o, now)];
  },
};

export const networkPolicyPrinter: TablePrinter = {
  columns: [nameCol(), col('Pod-Selector', 'string', doc('extensions/v1beta1.NetworkPolicySpec.podSelector')), ageCol()],
  cells(o, now) {
    // &obj.Spec.PodSelector is never nil: an absent selector is an empty (match-everything) one.
    return [nameOf(o), formatLabelSelector(obj(spec(o).podSelector)), age(o, now)];
  },
};

export const serviceCIDRPrinter: TablePrinter = {
  columns: [nameCol(), col('CIDRs', 'string', doc('networking/v1beta1.ServiceCIDRSpec.cidrs')), ageCol()],
  cells(o, now) {
    return [nameOf(o), arr(spec(o).cidrs).map(str).join(','), age(o, now)];
  },
};

/** Note: kube defines two columns (Name, ParentRef) but its row function emits three cells (age last). */
export const ipAddressPrinter: TablePrinter = {
  columns: [nameCol(), col('ParentRef', 'string', doc('networking/v1beta1.IPAddressSpec.parentRef'))],
  cells(o, now) {
    const sp = spec(o);
    let parentRefName = '<none>';
    if (isObj(sp.parentRef)) {
      const p = sp.parentRef;
      const group = str(p.group);
      const resource = str(p.resource);
      parentRefName = (group === '' ? resource : `${resource}.${group}`).toLowerCase();
      if (str(p.namespace) !== '') parentRefName += '/' + str(p.namespace);
      parentRefName += '/' + str(p.name);
    }
    return [nameOf(o), parentRefName, age(o, now)];
  },
};

// ---------------------------------------------------------------- rbac.authorization.k8s.io

/** rbac.SubjectsStrings: users, groups, service accounts ("ns/name"). */
function subjectsStrings(subjects: JObj[]): [string[], string[], string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects) {
    switch (s.kind) {
      case 'ServiceAccount':
        sas.push(`${str(s.namespace)}/${str(s.name)}`);
        break;
      case 'User':
        users.push(str(s.name));
        break;
      case 'Group':
        groups.push(str(s.name));
        break;
    }
  }
  return [users, groups, sas];
}

function bindingPrinter(roleRefDoc: string, what: string): TablePrinter {
  return {
    columns: [
      nameCol(),
      col('Role', 'string', roleRefDoc),
      ageCol(),
      col('Users', 'string', `Users in the ${what}`, 1),
      col('Groups', 'string', `Groups in the ${what}`, 1),
      col('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, 1),
    ],
    cells(o, now) {
      const roleRef = obj(o.roleRef);
      const [users, groups, sas] = subjectsStrings(objs(o.subjects));
      return [nameOf(o), `${str(roleRef.kind)}/${str(roleRef.name)}`, age(o, now), users.join(', '), groups.join(', '), sas.join(', ')];
    },
  };
}

export const roleBindingPrinter = bindingPrinter(doc('rbac/v1beta1.RoleBinding.roleRef'), 'roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter(doc('rbac/v1beta1.ClusterRoleBinding.roleRef'), 'clusterRoleBinding');

// ---------------------------------------------------------------- certificates.k8s.io

function extractCSRStatus(o: KObject): string {
  let approved = false;
  let denied = false;
  let failed = false;
  const st = status(o);
  for (const c of objs(st.conditions)) {
    if (c.type === 'Approved') approved = true;
    else if (c.type === 'Denied') denied = true;
    else if (c.type === 'Failed') failed = true;
  }
  let s = denied ? 'Denied' : approved ? 'Approved' : 'Pending';
  if (failed) s += ',Failed';
  if (str(st.certificate).length > 0) s += ',Issued';
  return s;
}

export const certificateSigningRequestPrinter: TablePrinter = {
  columns: [
    nameCol(),
    ageCol(),
    col('SignerName', 'string', doc('certificates/v1beta1.CertificateSigningRequestSpec.signerName')),
    col('Requestor', 'string', doc('certificates/v1beta1.CertificateSigningRequestSpec.request')),
    col('RequestedDuration', 'string', doc('certificates/v1beta1.CertificateSigningRequestSpec.expirationSeconds')),
    col('Condition', 'string', doc('certificates/v1beta1.CertificateSigningRequestStatus.conditions')),
  ],
  cells(o, now) {
    const sp = spec(o);
    const signerName = str(sp.signerName) !== '' ? str(sp.signerName) : '<none>';
    const requestedDuration = typeof sp.expirationSeconds === 'number' ? humanDuration(sp.expirationSeconds * 1000) : '<none>';
    return [nameOf(o), age(o, now), signerName, str(sp.username), requestedDuration, extractCSRStatus(o)];
  },
};

export const clusterTrustBundlePrinter: TablePrinter = {
  columns: [nameCol(), col('SignerName', 'string', doc('certificates/v1alpha1.ClusterTrustBundleSpec.signerName'))],
  cells(o) {
    const signerName = str(spec(o).signerName);
    return [nameOf(o), signerName !== '' ? signerName : '<none>'];
  },
};

// ---------------------------------------------------------------- coordination.k8s.io

export const leasePrinter: TablePrinter = {
  columns: [nameCol(), col('Holder', 'string', doc('coordination/v1.LeaseSpec.holderIdentity')), ageCol()],
  cells(o, now) {
    return [nameOf(o), str(spec(o).holderIdentity), age(o, now)];
  },
};

export const leaseCandidatePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('LeaseName', 'string', doc('coordination/v1alpha2.LeaseCandidateSpec.leaseName')),
    // kube reads these descriptions from ObjectMeta's SwaggerDoc, which has no such keys: "".
    col('BinaryVersion', 'string', doc('meta/v1.ObjectMeta.binaryVersion')),
    col('EmulationVersion', 'string', doc('meta/v1.ObjectMeta.emulationVersion')),
    ageCol(),
  ],
  cells(o, now) {
    const sp = spec(o);
    return [nameOf(o), str(sp.leaseName), str(sp.binaryVersion), str(sp.emulationVersion), age(o, now)];
  },
};

// ---------------------------------------------------------------- storage.k8s.io

export const storageClassPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Provisioner', 'string', doc('storage/v1.StorageClass.provisioner')),
    col('ReclaimPolicy', 'string', doc('storage/v1.StorageClass.reclaimPolicy')),
    col('VolumeBindingMode', 'string', doc('storage/v1.StorageClass.volumeBindingMode')),
    col('AllowVolumeExpansion', 'string', doc('storage/v1.StorageClass.allowVolumeExpansion')),
    ageCol(),
  ],
  cells(o, now) {
    const annotations = strMap(metadata(o).annotations);
    let name = nameOf(o);
    if (
      annotations['storageclass.kubernetes.io/is-default-class'] === 'true' ||
      annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
    ) {
      name += ' (default)';
    }
    const reclaimPolicy = typeof o.reclaimPolicy === 'string' ? o.reclaimPolicy : 'Delete';
    const volumeBindingMode = typeof o.volumeBindingMode === 'string' ? o.volumeBindingMode : 'Immediate';
    const allowVolumeExpansion = o.allowVolumeExpansion === true;
    return [name, str(o.provisioner), reclaimPolicy, volumeBindingMode, allowVolumeExpansion, age(o, now)];
  },
};

export const volumeAttributesClassPrinter: TablePrinter = {
  columns: [nameCol(), col('DriverName', 'string', doc('storage/v1beta1.VolumeAttributesClass.driverName')), ageCol()],
  cells(o, now) {
    let name = nameOf(o);
    if (strMap(metadata(o).annotations)['volumeattributesclass.alpha.kubernetes.io/is-default-class'] === 'true') name += ' (default)';
    return [name, str(o.driverName), age(o, now)];
  },
};

export const volumeAttachmentPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Attacher', 'string', doc('storage/v1.VolumeAttachmentSpec.attacher'), 0, 'name'),
    col('PV', 'string', doc('storage/v1.VolumeAttachmentSource.persistentVolumeName')),
    col('Node', 'string', doc('storage/v1.VolumeAttachmentSpec.nodeName')),
    col('Attached', 'boolean', doc('storage/v1.VolumeAttachmentStatus.attached')),
    ageCol(),
  ],
  cells(o, now) {
    const sp = spec(o);
    const pvName = str(obj(sp.source).persistentVolumeName);
    return [nameOf(o), str(sp.attacher), pvName, str(sp.nodeName), status(o).attached === true, age(o, now)];
  },
};

export const csiNodePrinter: TablePrinter = {
  columns: [nameCol(), col('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageCol()],
  cells(o, now) {
    return [nameOf(o), arr(spec(o).drivers).length, age(o, now)];
  },
};

export const csiDriverPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('AttachRequired', 'boolean', doc('storage/v1.CSIDriverSpec.attachRequired')),
    col('PodInfoOnMount', 'boolean', doc('storage/v1.CSIDriverSpec.podInfoOnMount')),
    col('StorageCapacity', 'boolean', doc('storage/v1.CSIDriverSpec.storageCapacity')),
    col('TokenRequests', 'string', doc('storage/v1.CSIDriverSpec.tokenRequests')),
    col('RequiresRepublish', 'boolean', doc('storage/v1.CSIDriverSpec.requiresRepublish')),
    col('Modes', 'string', doc('storage/v1.CSIDriverSpec.volumeLifecycleModes')),
    ageCol(),
  ],
  cells(o, now) {
    const sp = spec(o);
    const attachRequired = typeof sp.attachRequired === 'boolean' ? sp.attachRequired : true;
    const podInfoOnMount = sp.podInfoOnMount === true;
    let modes = arr(sp.volumeLifecycleModes).map(str).join(',');
    if (modes.length === 0) modes = '<none>';
    const storageCapacity = sp.storageCapacity === true;
    let tokenRequests = '<unset>';
    if (Array.isArray(sp.tokenRequests)) tokenRequests = objs(sp.tokenRequests).map((t) => str(t.audience)).join(',');
    const requiresRepublish = sp.requiresRepublish === true;
    return [nameOf(o), attachRequired, podInfoOnMount, storageCapacity, tokenRequests, requiresRepublish, modes, age(o, now)];
  },
};

export const csiStorageCapacityPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('StorageClassName', 'string', doc('storage/v1.CSIStorageCapacity.storageClassName')),
    col('Capacity', 'string', doc('storage/v1.CSIStorageCapacity.capacity')),
  ],
  cells(o) {
    const capacity = o.capacity !== undefined && o.capacity !== null ? quantity(o.capacity) : '<unset>';
    return [nameOf(o), str(o.storageClassName), capacity];
  },
};

// ---------------------------------------------------------------- scheduling.k8s.io, node.k8s.io

export const priorityClassPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Value', 'integer', doc('scheduling/v1.PriorityClass.value')),
    col('Global-Default', 'boolean', doc('scheduling/v1.PriorityClass.globalDefault')),
    ageCol(),
    col('PreemptionPolicy', 'string', doc('scheduling/v1.PriorityClass.preemptionPolicy')),
  ],
  cells(o, now) {
    return [nameOf(o), num(o.value), o.globalDefault === true, age(o, now), str(o.preemptionPolicy)];
  },
};

export const runtimeClassPrinter: TablePrinter = {
  columns: [
    nameCol(),
    // kube reads this description from ObjectMeta's SwaggerDoc, which has no "handler" key: "".
    col('Handler', 'string', doc('meta/v1.ObjectMeta.handler')),
    ageCol(),
  ],
  cells(o, now) {
    return [nameOf(o), str(o.handler), age(o, now)];
  },
};

// ---------------------------------------------------------------- discovery.k8s.io

function listWithMoreString(list: string[], more: boolean, count: number, max: number): string {
  let ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  if (ret === '') ret = '<unset>';
  return ret;
}

export const endpointSlicePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('AddressType', 'string', doc('discovery/v1beta1.EndpointSlice.addressType')),
    col('Ports', 'string', doc('discovery/v1beta1.EndpointSlice.ports')),
    col('Endpoints', 'string', doc('discovery/v1beta1.EndpointSlice.endpoints')),
    ageCol(),
  ],
  cells(o, now) {
    const max = 3;
    // formatDiscoveryPorts
    const ports: string[] = [];
    let morePorts = false;
    let portCount = 0;
    for (const p of objs(o.ports)) {
      if (ports.length < max) {
        let portNum = '*';
        if (typeof p.port === 'number') portNum = String(p.port);
        else if (typeof p.name === 'string') portNum = p.name;
        ports.push(portNum);
      } else if (ports.length === max) {
        morePorts = true;
      }
      portCount++;
    }
    // formatDiscoveryEndpoints
    const eps: string[] = [];
    let moreEps = false;
    let epCount = 0;
    for (const ep of objs(o.endpoints)) {
      for (const address of arr(ep.addresses)) {
        if (eps.length < max) eps.push(str(address));
        else if (eps.length === max) moreEps = true;
        epCount++;
      }
    }
    return [
      nameOf(o),
      str(o.addressType),
      listWithMoreString(ports, morePorts, portCount, max),
      listWithMoreString(eps, moreEps, epCount, max),
      age(o, now),
    ];
  },
};

// ---------------------------------------------------------------- admissionregistration.k8s.io

function webhookConfigPrinter(): TablePrinter {
  return {
    columns: [nameCol(), col('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'), ageCol()],
    cells(o, now) {
      return [nameOf(o), arr(o.webhooks).length, age(o, now)];
    },
  };
}

export const mutatingWebhookConfigurationPrinter = webhookConfigPrinter();
export const validatingWebhookConfigurationPrinter = webhookConfigPrinter();

function admissionPolicyPrinter(countCol: string, countDesc: string, listField: string): TablePrinter {
  return {
    columns: [
      nameCol(),
      col(countCol, 'integer', countDesc),
      col('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
      ageCol(),
    ],
    cells(o, now) {
      const sp = spec(o);
      let paramKind = '<unset>';
      if (isObj(sp.paramKind)) paramKind = str(sp.paramKind.apiVersion) + '/' + str(sp.paramKind.kind);
      return [nameOf(o), arr(sp[listField]).length, paramKind, age(o, now)];
    },
  };
}

function admissionPolicyBindingPrinter(): TablePrinter {
  return {
    columns: [
      nameCol(),
      col('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
      col('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
      ageCol(),
    ],
    cells(o, now) {
      const sp = spec(o);
      let paramName = '<unset>';
      if (isObj(sp.paramRef)) {
        const pr = sp.paramRef;
        if (str(pr.name).length > 0) {
          // Can't tell from here if param is cluster-scoped, so all params without names get * namespace
          paramName = str(pr.namespace) !== '' ? `${str(pr.namespace)}/${str(pr.name)}` : `*/${str(pr.name)}`;
        } else if (isObj(pr.selector)) {
          paramName = labelSelectorGoString(pr.selector);
        }
      }
      return [nameOf(o), str(sp.policyName), paramName, age(o, now)];
    },
  };
}

export const validatingAdmissionPolicyPrinter = admissionPolicyPrinter(
  'Validations',
  'Validations indicates the number of validation rules defined in this configuration',
  'validations',
);
export const validatingAdmissionPolicyBindingPrinter = admissionPolicyBindingPrinter();
export const mutatingAdmissionPolicyPrinter = admissionPolicyPrinter(
  'Mutations',
  'Mutation indicates the number of mutations rules defined in this configuration',
  'mutations',
);
export const mutatingAdmissionPolicyBindingPrinter = admissionPolicyBindingPrinter();

// ---------------------------------------------------------------- flowcontrol.apiserver.k8s.io

export const flowSchemaPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('PriorityLevel', 'string', doc('flowcontrol/v1.PriorityLevelConfigurationReference.name')),
    col('MatchingPrecedence', 'string', doc('flowcontrol/v1.FlowSchemaSpec.matchingPrecedence')),
    col('DistinguisherMethod', 'string', doc('flowcontrol/v1.FlowSchemaSpec.distinguisherMethod')),
    ageCol(),
    col('MissingPL', 'string', 'references a broken or non-existent PriorityLevelConfiguration'),
  ],
  cells(o, now) {
    const sp = spec(o);
    const distinguisherMethod = isObj(sp.distinguisherMethod) ? str(sp.distinguisherMethod.type) : '<none>';
    let badPLRef = '?';
    for (const c of objs(status(o).conditions)) {
      if (c.type === 'Dangling') {
        badPLRef = str(c.status);
        break;
      }
    }
    return [nameOf(o), str(obj(sp.priorityLevelConfiguration).name), num(sp.matchingPrecedence), distinguisherMethod, age(o, now), badPLRef];
  },
};

export const priorityLevelConfigurationPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Type', 'string', doc('flowcontrol/v1.PriorityLevelConfigurationSpec.type')),
    col('NominalConcurrencyShares', 'string', doc('flowcontrol/v1.LimitedPriorityLevelConfiguration.nominalConcurrencyShares')),
    col('Queues', 'string', doc('flowcontrol/v1.QueuingConfiguration.queues')),
    col('HandSize', 'string', doc('flowcontrol/v1.QueuingConfiguration.handSize')),
    col('QueueLengthLimit', 'string', doc('flowcontrol/v1.QueuingConfiguration.queueLengthLimit')),
    ageCol(),
  ],
  cells(o, now) {
    const sp = spec(o);
    let ncs: unknown = '<none>';
    let queues: unknown = '<none>';
    let handSize: unknown = '<none>';
    let queueLengthLimit: unknown = '<none>';
    if (isObj(sp.limited)) {
      ncs = num(sp.limited.nominalConcurrencyShares);
      const qc = obj(sp.limited.limitResponse).queuing;
      if (isObj(qc)) {
        queues = num(qc.queues);
        handSize = num(qc.handSize);
        queueLengthLimit = num(qc.queueLengthLimit);
      }
    }
    return [nameOf(o), str(sp.type), ncs, queues, handSize, queueLengthLimit, age(o, now)];
  },
};

// ---------------------------------------------------------------- internal.apiserver.k8s.io, storagemigration.k8s.io

export const storageVersionPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('CommonEncodingVersion', 'string', doc('apiserverinternal/v1alpha1.StorageVersionStatus.commonEncodingVersion')),
    col('StorageVersions', 'string', doc('apiserverinternal/v1alpha1.StorageVersionStatus.storageVersions')),
    ageCol(),
  ],
  cells(o, now) {
    const st = status(o);
    const commonEncodingVersion = typeof st.commonEncodingVersion === 'string' ? st.commonEncodingVersion : '<unset>';
    const max = 3;
    const list: string[] = [];
    let more = false;
    let count = 0;
    for (const sv of objs(st.storageVersions)) {
      if (list.length < max) list.push(`${str(sv.apiServerID)}=${str(sv.encodingVersion)}`);
      else if (list.length === max) more = true;
      count++;
    }
    return [nameOf(o), commonEncodingVersion, listWithMoreString(list, more, count, max), age(o, now)];
  },
};

export const storageVersionMigrationPrinter: TablePrinter = {
  columns: [col('Name', 'string', doc('meta/v1.ObjectMeta.name')), col('Resource', 'string', 'Fully qualified resource to migrate')],
  cells(o) {
    const r = obj(spec(o).resource);
    return [nameOf(o), `${str(r.resource)}.${str(r.version)}.${str(r.group)}`];
  },
};

// ---------------------------------------------------------------- resource.k8s.io

export const deviceClassPrinter: TablePrinter = {
  columns: [nameCol(), ageCol()],
  cells(o, now) {
    return [nameOf(o), age(o, now)];
  },
};

export const resourceClaimPrinter: TablePrinter = {
  columns: [nameCol(), col('State', 'string', 'A summary of the current state (allocated, pending, reserved, etc.).'), ageCol()],
  cells(o, now) {
    const states: string[] = [];
    const deleted = metadata(o).deletionTimestamp !== undefined && metadata(o).deletionTimestamp !== null;
    const st = status(o);
    if (deleted) states.push('deleted');
    if (!isObj(st.allocation)) {
      if (!deleted) states.push('pending');
    } else {
      states.push('allocated');
      if (arr(st.reservedFor).length > 0) states.push('reserved');
    }
    return [nameOf(o), states.join(','), age(o, now)];
  },
};

export const resourceClaimTemplatePrinter: TablePrinter = {
  columns: [nameCol(), ageCol()],
  cells(o, now) {
    return [nameOf(o), age(o, now)];
  },
};

export const resourceSlicePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Node', 'string', doc('resource/v1beta1.ResourceSliceSpec.nodeName')),
    col('Driver', 'string', doc('resource/v1beta1.ResourceSliceSpec.driver')),
    col('Pool', 'string', doc('resource/v1beta1.ResourcePool.name')),
    ageCol(),
  ],
  cells(o, now) {
    const sp = spec(o);
    return [nameOf(o), str(sp.nodeName), str(sp.driver), str(obj(sp.pool).name), age(o, now)];
  },
};

// ---------------------------------------------------------------- apiregistration.k8s.io (kube-aggregator)

export const apiServicePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
    col('Available', 'string', 'Whether this service is available.'),
    ageCol(),
  ],
  cells(o, now) {
    const sp = spec(o);
    let service = 'Local';
    if (isObj(sp.service)) service = `${str(sp.service.namespace)}/${str(sp.service.name)}`;
    let available = 'Unknown';
    const condition = objs(status(o).conditions).find((c) => c.type === 'Available');
    if (condition) {
      if (condition.status === 'True') available = str(condition.status);
      else if (str(condition.reason).length > 0) available = `${str(condition.status)} (${str(condition.reason)})`;
      else available = str(condition.status);
    }
    return [nameOf(o), service, available, age(o, now)];
  },
};
