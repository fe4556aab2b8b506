// Printers for core/v1 resources other than pods and controllers (kubernetes
// pkg/printers/internalversion/printers.go: printService, printEndpoints, printNode, printEvent,
// printNamespace, printSecret, printServiceAccount, printPersistentVolume(Claim), printComponentStatus,
// printConfigMap, printResourceQuota), reading the external v1 JSON shapes.

import type { KObject } from '../../api/types.js';
import { doc } from './descriptions.js';
import { parseTime, translateTimestampSince } from './duration.js';
import {
  type JObj,
  ageCol,
  arr,
  col,
  formatLabels,
  goCompare,
  hasDeletionTimestamp,
  isObj,
  mapLen,
  metadata,
  nameCol,
  nameOf,
  num,
  obj,
  objs,
  quantity,
  sortedSet,
  spec,
  status,
  str,
  strMap,
} from './helpers.js';
import type { TablePrinter } from './types.js';

const age = (o: KObject, now: Date): string => translateTimestampSince(metadata(o).creationTimestamp, now);

// ---------------------------------------------------------------- services

const loadBalancerWidth = 16;

/** loadBalancerStatusStringer (also used for ingresses): unique sorted IPs/hostnames; clipped unless wide. */
export function loadBalancerStatusStringer(lb: unknown, wide: boolean): string {
  const result: string[] = [];
  for (const ing of objs(obj(lb).ingress)) {
    if (str(ing.ip) !== '') result.push(str(ing.ip));
    else if (str(ing.hostname) !== '') result.push(str(ing.hostname));
  }
  let r = sortedSet(result).join(',');
  if (!wide && r.length > loadBalancerWidth) r = r.slice(0, loadBalancerWidth - 3) + '...';
  return r;
}

function getServiceExternalIP(svc: KObject, wide: boolean): string {
  const sp = spec(svc);
  const externalIPs = arr(sp.externalIPs).map(str);
  switch (sp.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lbIps = loadBalancerStatusStringer(status(svc).loadBalancer, wide);
      if (externalIPs.length > 0) {
        const results: string[] = [];
        if (lbIps.length > 0) results.push(...lbIps.split(','));
        results.push(...externalIPs);
        return results.join(',');
      }
      if (lbIps.length > 0) return lbIps;
      return '<pending>';
    }
    case 'ExternalName':
      return str(sp.externalName);
  }
  return '<unknown>';
}

function makePortString(ports: JObj[]): string {
  return ports
    .map((p) => {
      const nodePort = num(p.nodePort);
      if (nodePort > 0) return `${num(p.port)}:${nodePort}/${str(p.protocol)}`;
      return `${num(p.port)}/${str(p.protocol)}`;
    })
    .join(',');
}

export const servicePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Type', 'string', doc('core/v1.ServiceSpec.type')),
    col('Cluster-IP', 'string', doc('core/v1.ServiceSpec.clusterIP')),
    col('External-IP', 'string', doc('core/v1.ServiceSpec.externalIPs')),
    col('Port(s)', 'string', doc('core/v1.ServiceSpec.ports')),
    ageCol(),
    col('Selector', 'string', doc('core/v1.ServiceSpec.selector'), 1),
  ],
  cells(o, now) {
    const sp = spec(o);
    // v1 -> internal: clusterIPs is filled from clusterIP when empty.
    const clusterIPs = arr(sp.clusterIPs).map(str);
    let internalIP = '<none>';
    if (clusterIPs.length > 0) internalIP = clusterIPs[0] ?? '';
    else if (str(sp.clusterIP) !== '') internalIP = str(sp.clusterIP);
    // kube-apiserver generates tables with Wide: true, so the load-balancer list is never clipped.
    const externalIP = getServiceExternalIP(o, true);
    let svcPorts = makePortString(objs(sp.ports));
    if (svcPorts.length === 0) svcPorts = '<none>';
    return [nameOf(o), str(sp.type), internalIP, externalIP, svcPorts, age(o, now), formatLabels(sp.selector)];
  },
};

// ---------------------------------------------------------------- endpoints

/** net.JoinHostPort. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** formatEndpoints(endpoints, nil). */
export function formatEndpoints(subsets: JObj[]): string {
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = objs(ss.addresses);
    const ports = objs(ss.ports);
    if (ports.length === 0) {
      // It's possible to have headless services with no ports.
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(addr.ip));
      }
      continue;
    }
    // "Normal" services with ports defined.
    for (const port of ports) {
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(str(addr.ip), num(port.port)));
      }
    }
  }
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret;
}

export const endpointsPrinter: TablePrinter = {
  columns: [nameCol(), col('Endpoints', 'string', doc('core/v1.Endpoints.subsets')), ageCol()],
  cells(o, now) {
    return [nameOf(o), formatEndpoints(objs(o.subsets)), age(o, now)];
  },
};

// ---------------------------------------------------------------- nodes

const labelNodeRolePrefix = 'node-role.kubernetes.io/';
const nodeLabelRole = 'kubernetes.io/role';

/** findNodeRoles: node-role.kubernetes.io/<role> label keys and kubernetes.io/role values, sorted. */
export function findNodeRoles(node: KObject): string[] {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(strMap(metadata(node).labels))) {
    if (k.startsWith(labelNodeRolePrefix)) {
      const role = k.slice(labelNodeRolePrefix.length);
      if (role.length > 0) roles.push(role);
    } else if (k === nodeLabelRole && v !== '') {
      roles.push(v);
    }
  }
  return sortedSet(roles);
}

function nodeAddress(node: KObject, type: string): string {
  for (const a of objs(status(node).addresses)) {
    if (a.type === type) return str(a.address);
  }
  return '<none>';
}

export const nodePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageCol(),
    col('Version', 'string', doc('core/v1.NodeSystemInfo.kubeletVersion')),
    col('Internal-IP', 'string', doc('core/v1.NodeStatus.addresses'), 1),
    col('External-IP', 'string', doc('core/v1.NodeStatus.addresses'), 1),
    col('OS-Image', 'string', doc('core/v1.NodeSystemInfo.osImage'), 1),
    col('Kernel-Version', 'string', doc('core/v1.NodeSystemInfo.kernelVersion'), 1),
    col('Container-Runtime', 'string', doc('core/v1.NodeSystemInfo.containerRuntimeVersion'), 1),
  ],
  cells(o, now) {
    const st = status(o);
    // conditionMap: the last condition of each type wins; only Ready is reported.
    let ready: JObj | undefined;
    for (const c of objs(st.conditions)) if (c.type === 'Ready') ready = c;
    const statuses: string[] = [];
    if (ready) statuses.push(ready.status === 'True' ? 'Ready' : 'NotReady');
    if (statuses.length === 0) statuses.push('Unknown');
    if (spec(o).unschedulable === true) statuses.push('SchedulingDisabled');
    let roles = findNodeRoles(o).join(',');
    if (roles.length === 0) roles = '<none>';
    const info = obj(st.nodeInfo);
    const orUnknown = (s: string): string => (s === '' ? '<unknown>' : s);
    return [
      nameOf(o),
      statuses.join(','),
      roles,
      age(o, now),
      str(info.kubeletVersion),
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      orUnknown(str(info.osImage)),
      orUnknown(str(info.kernelVersion)),
      orUnknown(str(info.containerRuntimeVersion)),
    ];
  },
};

// ---------------------------------------------------------------- events (core/v1 and events.k8s.io/v1)

interface InternalEvent {
  name: string;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  count: number;
  series: JObj | undefined;
  involvedKind: string;
  involvedName: string;
  involvedFieldPath: string;
  type: string;
  reason: string;
  message: string;
  sourceComponent: string;
  sourceHost: string;
  reportingController: string;
  reportingInstance: string;
}

/** Both event APIs share one storage in kube (internal core.Event); map either JSON shape onto it. */
function toInternalEvent(o: KObject): InternalEvent {
  const isEventsV1 = typeof o.apiVersion === 'string' ? o.apiVersion.startsWith('events.k8s.io/') : 'regarding' in o || 'note' in o;
  const series = isObj(o.series) ? o.series : undefined;
  if (isEventsV1) {
    const regarding = obj(o.regarding);
    const source = obj(o.deprecatedSource);
    return {
      name: nameOf(o),
      firstTimestamp: o.deprecatedFirstTimestamp,
      lastTimestamp: o.deprecatedLastTimestamp,
      eventTime: o.eventTime,
      count: num(o.deprecatedCount),
      series,
      involvedKind: str(regarding.kind),
      involvedName: str(regarding.name),
      involvedFieldPath: str(regarding.fieldPath),
      type: str(o.type),
      reason: str(o.reason),
      message: str(o.note),
      sourceComponent: str(source.component),
      sourceHost: str(source.host),
      reportingController: str(o.reportingController),
      reportingInstance: str(o.reportingInstance),
    };
  }
  const involved = obj(o.involvedObject);
  const source = obj(o.source);
  return {
    name: nameOf(o),
    firstTimestamp: o.firstTimestamp,
    lastTimestamp: o.lastTimestamp,
    eventTime: o.eventTime,
    count: num(o.count),
    series,
    involvedKind: str(involved.kind),
    involvedName: str(involved.name),
    involvedFieldPath: str(involved.fieldPath),
    type: str(o.type),
    reason: str(o.reason),
    message: str(o.message),
    sourceComponent: str(source.component),
    sourceHost: str(source.host),
    // core/v1 serializes ReportingController as "reportingComponent".
    reportingController: str(o.reportingComponent),
    reportingInstance: str(o.reportingInstance),
  };
}

function formatEventSource(component: string, host: string, reportingController: string, reportingInstance: string): string {
  const c = component.length > 0 ? component : reportingController;
  const i = host.length > 0 ? host : reportingInstance;
  if (i.length === 0) return c;
  return c + ', ' + i;
}

export const eventPrinter: TablePrinter = {
  columns: [
    col('Last Seen', 'string', doc('core/v1.Event.lastTimestamp')),
    col('Type', 'string', doc('core/v1.Event.type')),
    col('Reason', 'string', doc('core/v1.Event.reason')),
    col('Object', 'string', doc('core/v1.Event.involvedObject')),
    col('Subobject', 'string', doc('core/v1.ObjectReference.fieldPath'), 1),
    col('Source', 'string', doc('core/v1.Event.source'), 1),
    col('Message', 'string', doc('core/v1.Event.message')),
    col('First Seen', 'string', doc('core/v1.Event.firstTimestamp'), 1),
    col('Count', 'string', doc('core/v1.Event.count'), 1),
    col('Name', 'string', doc('meta/v1.ObjectMeta.name'), 1, 'name'),
  ],
  cells(o, now) {
    const e = toInternalEvent(o);
    let firstTimestamp = translateTimestampSince(e.firstTimestamp, now);
    if (parseTime(e.firstTimestamp) === null) firstTimestamp = translateTimestampSince(e.eventTime, now);
    let lastTimestamp = translateTimestampSince(e.lastTimestamp, now);
    if (parseTime(e.lastTimestamp) === null) lastTimestamp = firstTimestamp;
    let count = e.count;
    if (e.series) {
      lastTimestamp = translateTimestampSince(e.series.lastObservedTime, now);
      count = num(e.series.count);
    } else if (count === 0) {
      // Singleton events don't have a count set in the new API.
      count = 1;
    }
    const target = e.involvedName.length > 0 ? `${e.involvedKind.toLowerCase()}/${e.involvedName}` : e.involvedKind.toLowerCase();
    return [
      lastTimestamp,
      e.type,
      e.reason,
      target,
      e.involvedFieldPath,
      formatEventSource(e.sourceComponent, e.sourceHost, e.reportingController, e.reportingInstance),
      e.message.trim(),
      firstTimestamp,
      count,
      e.name,
    ];
  },
};

// ---------------------------------------------------------------- namespaces, secrets, service accounts, config maps

export const namespacePrinter: TablePrinter = {
  columns: [nameCol(), col('Status', 'string', 'The status of the namespace'), ageCol()],
  cells(o, now) {
    return [nameOf(o), str(status(o).phase), age(o, now)];
  },
};

export const secretPrinter: TablePrinter = {
  columns: [nameCol(), col('Type', 'string', doc('core/v1.Secret.type')), col('Data', 'string', doc('core/v1.Secret.data')), ageCol()],
  cells(o, now) {
    // v1 -> internal conversion merges stringData into data.
    const keys = new Set<string>([...Object.keys(obj(o.data)), ...Object.keys(obj(o.stringData))]);
    return [nameOf(o), str(o.type), keys.size, age(o, now)];
  },
};

export const serviceAccountPrinter: TablePrinter = {
  columns: [nameCol(), col('Secrets', 'string', doc('core/v1.ServiceAccount.secrets')), ageCol()],
  cells(o, now) {
    return [nameOf(o), arr(o.secrets).length, age(o, now)];
  },
};

export const configMapPrinter: TablePrinter = {
  columns: [nameCol(), col('Data', 'string', doc('core/v1.ConfigMap.data')), ageCol()],
  cells(o, now) {
    return [nameOf(o), mapLen(o.data) + mapLen(o.binaryData), age(o, now)];
  },
};

// ---------------------------------------------------------------- persistent volumes and claims

/** helper.GetAccessModesAsString. */
export function accessModesAsString(modes: unknown): string {
  const set = new Set(arr(modes).map(str));
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

export const persistentVolumePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Capacity', 'string', doc('core/v1.PersistentVolumeSpec.capacity')),
    col('Access Modes', 'string', doc('core/v1.PersistentVolumeSpec.accessModes')),
    col('Reclaim Policy', 'string', doc('core/v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy')),
    col('Status', 'string', doc('core/v1.PersistentVolumeStatus.phase')),
    col('Claim', 'string', doc('core/v1.PersistentVolumeSpec.claimRef')),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', doc('core/v1.PersistentVolumeStatus.reason')),
    ageCol(),
    col('VolumeMode', 'string', doc('core/v1.PersistentVolumeSpec.volumeMode'), 1),
  ],
  cells(o, now) {
    const sp = spec(o);
    const st = status(o);
    let claimRefUID = '';
    if (isObj(sp.claimRef)) claimRefUID = `${str(sp.claimRef.namespace)}/${str(sp.claimRef.name)}`;
    const phase = hasDeletionTimestamp(o) ? 'Terminating' : str(st.phase);
    const volumeMode = typeof sp.volumeMode === 'string' ? sp.volumeMode : '<unset>';
    const vac = typeof sp.volumeAttributesClassName === 'string' ? sp.volumeAttributesClassName : '<unset>';
    const annotations = strMap(metadata(o).annotations);
    const storageClass = betaStorageClassAnnotation in annotations ? (annotations[betaStorageClassAnnotation] ?? '') : str(sp.storageClassName);
    return [
      nameOf(o),
      quantity(obj(sp.capacity).storage),
      accessModesAsString(sp.accessModes),
      str(sp.persistentVolumeReclaimPolicy),
      phase,
      claimRefUID,
      storageClass,
      vac,
      str(st.reason),
      age(o, now),
      volumeMode,
    ];
  },
};

export const persistentVolumeClaimPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Status', 'string', doc('core/v1.PersistentVolumeClaimStatus.phase')),
    col('Volume', 'string', doc('core/v1.PersistentVolumeClaimSpec.volumeName')),
    col('Capacity', 'string', doc('core/v1.PersistentVolumeClaimStatus.capacity')),
    col('Access Modes', 'string', doc('core/v1.PersistentVolumeClaimStatus.accessModes')),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageCol(),
    col('VolumeMode', 'string', doc('core/v1.PersistentVolumeClaimSpec.volumeMode'), 1),
  ],
  cells(o, now) {
    const sp = spec(o);
    const st = status(o);
    const phase = hasDeletionTimestamp(o) ? 'Terminating' : str(st.phase);
    const vac = typeof sp.volumeAttributesClassName === 'string' ? sp.volumeAttributesClassName : '<unset>';
    let capacity = '';
    let accessModes = '';
    const volumeName = str(sp.volumeName);
    if (volumeName !== '') {
      accessModes = accessModesAsString(st.accessModes);
      capacity = quantity(obj(st.capacity).storage);
    }
    const volumeMode = typeof sp.volumeMode === 'string' ? sp.volumeMode : '<unset>';
    const annotations = strMap(metadata(o).annotations);
    let storageClass = '';
    if (betaStorageClassAnnotation in annotations) storageClass = annotations[betaStorageClassAnnotation] ?? '';
    else if (typeof sp.storageClassName === 'string') storageClass = sp.storageClassName;
    return [nameOf(o), phase, volumeName, capacity, accessModes, storageClass, vac, age(o, now), volumeMode];
  },
};

// ---------------------------------------------------------------- component statuses, resource quotas

export const componentStatusPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Status', 'string', 'Status of the component conditions'),
    col('Message', 'string', 'Message of the component conditions'),
    col('Error', 'string', 'Error of the component conditions'),
  ],
  cells(o) {
    let st = 'Unknown';
    let message = '';
    let error = '';
    for (const c of objs(o.conditions)) {
      if (c.type === 'Healthy') {
        st = c.status === 'True' ? 'Healthy' : 'Unhealthy';
        message = str(c.message);
        error = str(c.error);
        break;
      }
    }
    return [nameOf(o), st, message, error];
  },
};

export const resourceQuotaPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ageCol(),
  ],
  cells(o, now) {
    const st = status(o);
    const hard = obj(st.hard);
    const used = obj(st.used);
    const resources = Object.keys(hard).sort(goCompare);
    let requestColumn = '';
    let limitColumn = '';
    for (const resource of resources) {
      const entry = `${resource}: ${quantity(used[resource])}/${quantity(hard[resource])}, `;
      const pieces = resource.split('.');
      if (pieces.length > 1 && pieces[0] === 'limits') limitColumn += entry;
      else requestColumn += entry;
    }
    const trimSuffix = (s: string): string => (s.endsWith(', ') ? s.slice(0, -2) : s);
    return [nameOf(o), trimSuffix(requestColumn), trimSuffix(limitColumn), age(o, now)];
  },
};
