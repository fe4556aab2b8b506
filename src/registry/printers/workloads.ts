// Printers for pods and the workload controllers (kubernetes pkg/printers/internalversion/printers.go:
// printPod, printPodTemplate, printPodDisruptionBudget, printReplicationController, printReplicaSet,
// printDaemonSet, printJob, printCronJob, printStatefulSet, printDeployment, printHorizontalPodAutoscaler,
// printControllerRevision, printScale), reading the external v1 JSON shapes.

import type { KObject } from '../../api/types.js';
import { doc } from './descriptions.js';
import { humanDuration, parseTime, translateTimestampSince } from './duration.js';
import {
  type JObj,
  CONTAINERS_DESC,
  IMAGES_DESC,
  ageCol,
  arr,
  col,
  formatLabelSelector,
  formatLabels,
  hasDeletionTimestamp,
  intOrString,
  isObj,
  labelSelectorString,
  layoutContainerCells,
  metadata,
  nameCol,
  nameOf,
  num,
  obj,
  objs,
  printBoolPtr,
  quantityPtr,
  spec,
  status,
  str,
} from './helpers.js';
import type { TablePrinter, TableRowCondition } from './types.js';

const age = (o: KObject, now: Date): string => translateTimestampSince(metadata(o).creationTimestamp, now);

// ---------------------------------------------------------------- pods

const podSuccessConditions: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const podFailedConditions: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

/** podutil.IsRestartableInitContainer: restartPolicy Always on an init container (sidecar). */
function isRestartableInitContainer(c: JObj | undefined): boolean {
  return c !== undefined && c.restartPolicy === 'Always';
}

/** FinishedAt of lastState.terminated, as ms; -Infinity stands for Go's zero time. */
function terminatedAt(cs: JObj): number | undefined {
  const terminated = obj(cs.lastState).terminated;
  if (!isObj(terminated)) return undefined;
  return parseTime(terminated.finishedAt) ?? -Infinity;
}

function hasPodReadyCondition(conditions: JObj[]): boolean {
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function isPodInitializedConditionTrue(conditions: JObj[]): boolean {
  for (const c of conditions) {
    if (c.type !== 'Initialized') continue;
    return c.status === 'True';
  }
  return false;
}

function podCells(pod: KObject, now: Date): unknown[] {
  const sp = spec(pod);
  const st = status(pod);
  const containers = objs(sp.containers);
  const initContainerSpecs = objs(sp.initContainers);
  const conditions = objs(st.conditions);

  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  let totalContainers = containers.length;
  let readyContainers = 0;
  let lastRestartDate = -Infinity;
  let lastRestartableInitContainerRestartDate = -Infinity;

  const podPhase = str(st.phase);
  let reason = podPhase;
  if (str(st.reason) !== '') reason = str(st.reason);

  // If the Pod carries {type:PodScheduled, reason:SchedulingGated}, set reason to 'SchedulingGated'.
  for (const c of conditions) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initContainers = new Map<string, JObj>();
  for (const c of initContainerSpecs) {
    initContainers.set(str(c.name), c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = objs(st.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i] as JObj;
    const restartCount = num(container.restartCount);
    restarts += restartCount;
    const finished = terminatedAt(container);
    if (finished !== undefined && lastRestartDate < finished) lastRestartDate = finished;
    const restartable = isRestartableInitContainer(initContainers.get(str(container.name)));
    if (restartable) {
      restartableInitContainerRestarts += restartCount;
      if (finished !== undefined && lastRestartableInitContainerRestartDate < finished) {
        lastRestartableInitContainerRestartDate = finished;
      }
    }
    const state = obj(container.state);
    const terminated = isObj(state.terminated) ? state.terminated : undefined;
    const waiting = isObj(state.waiting) ? state.waiting : undefined;
    if (terminated && num(terminated.exitCode) === 0) {
      continue;
    } else if (restartable && container.started === true) {
      if (container.ready === true) readyContainers++;
      continue;
    } else if (terminated) {
      // initialization is failed
      if (str(terminated.reason).length === 0) {
        if (num(terminated.signal) !== 0) reason = `Init:Signal:${num(terminated.signal)}`;
        else reason = `Init:ExitCode:${num(terminated.exitCode)}`;
      } else {
        reason = 'Init:' + str(terminated.reason);
      }
      initializing = true;
    } else if (waiting && str(waiting.reason).length > 0 && waiting.reason !== 'PodInitializing') {
      reason = 'Init:' + str(waiting.reason);
      initializing = true;
    } else {
      reason = `Init:${i}/${initContainerSpecs.length}`;
      initializing = true;
    }
    break;
  }

  if (!initializing || isPodInitializedConditionTrue(conditions)) {
    restarts = restartableInitContainerRestarts;
    lastRestartDate = lastRestartableInitContainerRestartDate;
    let hasRunning = false;
    const statuses = objs(st.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i] as JObj;
      restarts += num(container.restartCount);
      const finished = terminatedAt(container);
      if (finished !== undefined && lastRestartDate < finished) lastRestartDate = finished;
      const state = obj(container.state);
      const terminated = isObj(state.terminated) ? state.terminated : undefined;
      const waiting = isObj(state.waiting) ? state.waiting : undefined;
      if (waiting && str(waiting.reason) !== '') {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason) !== '') {
        reason = str(terminated.reason);
      } else if (terminated && str(terminated.reason) === '') {
        if (num(terminated.signal) !== 0) reason = `Signal:${num(terminated.signal)}`;
        else reason = `ExitCode:${num(terminated.exitCode)}`;
      } else if (container.ready === true && isObj(state.running)) {
        hasRunning = true;
        readyContainers++;
      }
    }

    // change pod status back to "Running" if there is at least one container still reporting as "Running" status
    if (reason === 'Completed' && hasRunning) {
      reason = hasPodReadyCondition(conditions) ? 'Running' : 'NotReady';
    }
  }

  if (hasDeletionTimestamp(pod) && st.reason === 'NodeLost') {
    reason = 'Unknown';
  } else if (hasDeletionTimestamp(pod) && podPhase !== 'Succeeded' && podPhase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsStr = String(restarts);
  if (restarts !== 0 && Number.isFinite(lastRestartDate)) {
    restartsStr = `${restarts} (${humanDuration(now.getTime() - lastRestartDate)} ago)`;
  }

  // Wide columns (kube-apiserver always generates them).
  let nodeName = str(sp.nodeName);
  let nominatedNodeName = str(st.nominatedNodeName);
  // v1 -> internal conversion fills podIPs from podIP when podIPs is empty.
  const podIPs = objs(st.podIPs);
  let podIP = podIPs.length > 0 ? str(podIPs[0]?.ip) : str(st.podIP);
  if (podIP === '') podIP = '<none>';
  if (nodeName === '') nodeName = '<none>';
  if (nominatedNodeName === '') nominatedNodeName = '<none>';

  let readinessGates = '<none>';
  const gates = objs(sp.readinessGates);
  if (gates.length > 0) {
    let trueConditions = 0;
    for (const gate of gates) {
      for (const c of conditions) {
        if (c.type === gate.conditionType) {
          if (c.status === 'True') trueConditions++;
          break;
        }
      }
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }

  return [
    nameOf(pod),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsStr,
    age(pod, now),
    podIP,
    nodeName,
    nominatedNodeName,
    readinessGates,
  ];
}

export const podPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageCol(),
    col('IP', 'string', doc('core/v1.PodStatus.podIP'), 1),
    col('Node', 'string', doc('core/v1.PodSpec.nodeName'), 1),
    col('Nominated Node', 'string', doc('core/v1.PodStatus.nominatedNodeName'), 1),
    col('Readiness Gates', 'string', doc('core/v1.PodSpec.readinessGates'), 1),
  ],
  cells: podCells,
  conditions(pod: KObject): TableRowCondition[] {
    switch (status(pod).phase) {
      case 'Succeeded':
        return podSuccessConditions.map((c) => ({ ...c }));
      case 'Failed':
        return podFailedConditions.map((c) => ({ ...c }));
      default:
        return [];
    }
  },
};

// ---------------------------------------------------------------- pod templates, PDBs

export const podTemplatePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Containers', 'string', CONTAINERS_DESC),
    col('Images', 'string', IMAGES_DESC),
    col('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  cells(o) {
    const template = obj(o.template);
    const [names, images] = layoutContainerCells(obj(template.spec).containers);
    return [nameOf(o), names, images, formatLabels(obj(template.metadata).labels)];
  },
};

export const podDisruptionBudgetPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageCol(),
  ],
  cells(o, now) {
    const sp = spec(o);
    const minAvailable = sp.minAvailable !== undefined && sp.minAvailable !== null ? intOrString(sp.minAvailable) : 'N/A';
    const maxUnavailable = sp.maxUnavailable !== undefined && sp.maxUnavailable !== null ? intOrString(sp.maxUnavailable) : 'N/A';
    return [nameOf(o), minAvailable, maxUnavailable, num(status(o).disruptionsAllowed), age(o, now)];
  },
};

// ---------------------------------------------------------------- replication controllers, replica sets

export const replicationControllerPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Desired', 'integer', doc('core/v1.ReplicationControllerSpec.replicas')),
    col('Current', 'integer', doc('core/v1.ReplicationControllerStatus.replicas')),
    col('Ready', 'integer', doc('core/v1.ReplicationControllerStatus.readyReplicas')),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DESC, 1),
    col('Images', 'string', IMAGES_DESC, 1),
    col('Selector', 'string', doc('core/v1.ReplicationControllerSpec.selector'), 1),
  ],
  cells(o, now) {
    const sp = spec(o);
    const st = status(o);
    const [names, images] = layoutContainerCells(obj(obj(sp.template).spec).containers);
    return [nameOf(o), num(sp.replicas), num(st.replicas), num(st.readyReplicas), age(o, now), names, images, formatLabels(sp.selector)];
  },
};

export const replicaSetPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Desired', 'integer', doc('extensions/v1beta1.ReplicaSetSpec.replicas')),
    col('Current', 'integer', doc('extensions/v1beta1.ReplicaSetStatus.replicas')),
    col('Ready', 'integer', doc('extensions/v1beta1.ReplicaSetStatus.readyReplicas')),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DESC, 1),
    col('Images', 'string', IMAGES_DESC, 1),
    col('Selector', 'string', doc('extensions/v1beta1.ReplicaSetSpec.selector'), 1),
  ],
  cells(o, now) {
    const sp = spec(o);
    const st = status(o);
    const [names, images] = layoutContainerCells(obj(obj(sp.template).spec).containers);
    return [nameOf(o), num(sp.replicas), num(st.replicas), num(st.readyReplicas), age(o, now), names, images, formatLabelSelector(sp.selector)];
  },
};

// ---------------------------------------------------------------- daemon sets, stateful sets, deployments

export const daemonSetPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Desired', 'integer', doc('extensions/v1beta1.DaemonSetStatus.desiredNumberScheduled')),
    col('Current', 'integer', doc('extensions/v1beta1.DaemonSetStatus.currentNumberScheduled')),
    col('Ready', 'integer', doc('extensions/v1beta1.DaemonSetStatus.numberReady')),
    col('Up-to-date', 'integer', doc('extensions/v1beta1.DaemonSetStatus.updatedNumberScheduled')),
    col('Available', 'integer', doc('extensions/v1beta1.DaemonSetStatus.numberAvailable')),
    col('Node Selector', 'string', doc('core/v1.PodSpec.nodeSelector')),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DESC, 1),
    col('Images', 'string', IMAGES_DESC, 1),
    col('Selector', 'string', doc('extensions/v1beta1.DaemonSetSpec.selector'), 1),
  ],
  cells(o, now) {
    const sp = spec(o);
    const st = status(o);
    const podSpec = obj(obj(sp.template).spec);
    const [names, images] = layoutContainerCells(podSpec.containers);
    return [
      nameOf(o),
      num(st.desiredNumberScheduled),
      num(st.currentNumberScheduled),
      num(st.numberReady),
      num(st.updatedNumberScheduled),
      num(st.numberAvailable),
      formatLabels(podSpec.nodeSelector),
      age(o, now),
      names,
      images,
      formatLabelSelector(sp.selector),
    ];
  },
};

export const statefulSetPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DESC, 1),
    col('Images', 'string', IMAGES_DESC, 1),
  ],
  cells(o, now) {
    const sp = spec(o);
    const [names, images] = layoutContainerCells(obj(obj(sp.template).spec).containers);
    return [nameOf(o), `${num(status(o).readyReplicas)}/${num(sp.replicas)}`, age(o, now), names, images];
  },
};

export const deploymentPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', doc('extensions/v1beta1.DeploymentStatus.updatedReplicas')),
    col('Available', 'string', doc('extensions/v1beta1.DeploymentStatus.availableReplicas')),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DESC, 1),
    col('Images', 'string', IMAGES_DESC, 1),
    col('Selector', 'string', doc('extensions/v1beta1.DeploymentSpec.selector'), 1),
  ],
  cells(o, now) {
    const sp = spec(o);
    const st = status(o);
    const selector = labelSelectorString(sp.selector);
    const [names, images] = layoutContainerCells(obj(obj(sp.template).spec).containers);
    return [
      nameOf(o),
      `${num(st.readyReplicas)}/${num(sp.replicas)}`,
      num(st.updatedReplicas),
      num(st.availableReplicas),
      age(o, now),
      names,
      images,
      selector === null ? '<invalid>' : selector,
    ];
  },
};

// ---------------------------------------------------------------- jobs, cron jobs

/** hasJobCondition: the status of the first condition of that type is True. */
function hasJobCondition(conditions: JObj[], type: string): boolean {
  for (const c of conditions) {
    if (c.type === type) return c.status === 'True';
  }
  return false;
}

export const jobPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', doc('batch/v1.JobStatus.succeeded')),
    col('Duration', 'string', 'Time required to complete the job.'),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DESC, 1),
    col('Images', 'string', IMAGES_DESC, 1),
    col('Selector', 'string', doc('batch/v1.JobSpec.selector'), 1),
  ],
  cells(o, now) {
    const sp = spec(o);
    const st = status(o);
    const succeeded = num(st.succeeded);
    let completions: string;
    if (typeof sp.completions === 'number') {
      completions = `${succeeded}/${sp.completions}`;
    } else {
      const parallelism = typeof sp.parallelism === 'number' ? sp.parallelism : 0;
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    let jobDuration = '';
    const start = st.startTime !== undefined && st.startTime !== null ? (parseTime(st.startTime) ?? -62135596800000) : undefined;
    const completion = st.completionTime !== undefined && st.completionTime !== null ? (parseTime(st.completionTime) ?? -62135596800000) : undefined;
    if (start === undefined) {
      jobDuration = '';
    } else if (completion === undefined) {
      jobDuration = humanDuration(now.getTime() - start);
    } else {
      jobDuration = humanDuration(completion - start);
    }
    const conditions = objs(st.conditions);
    let jobStatus: string;
    if (hasJobCondition(conditions, 'Complete')) jobStatus = 'Complete';
    else if (hasJobCondition(conditions, 'Failed')) jobStatus = 'Failed';
    else if (hasDeletionTimestamp(o)) jobStatus = 'Terminating';
    else if (hasJobCondition(conditions, 'Suspended')) jobStatus = 'Suspended';
    else if (hasJobCondition(conditions, 'FailureTarget')) jobStatus = 'FailureTarget';
    else jobStatus = 'Running';
    const [names, images] = layoutContainerCells(obj(obj(sp.template).spec).containers);
    return [nameOf(o), jobStatus, completions, jobDuration, age(o, now), names, images, formatLabelSelector(sp.selector)];
  },
};

export const cronJobPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Schedule', 'string', doc('batch/v1beta1.CronJobSpec.schedule')),
    col('Timezone', 'string', doc('batch/v1beta1.CronJobSpec.timeZone')),
    col('Suspend', 'boolean', doc('batch/v1beta1.CronJobSpec.suspend')),
    col('Active', 'integer', doc('batch/v1beta1.CronJobStatus.active')),
    col('Last Schedule', 'string', doc('batch/v1beta1.CronJobStatus.lastScheduleTime')),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DESC, 1),
    col('Images', 'string', IMAGES_DESC, 1),
    col('Selector', 'string', doc('batch/v1.JobSpec.selector'), 1),
  ],
  cells(o, now) {
    const sp = spec(o);
    const st = status(o);
    let lastScheduleTime = '<none>';
    if (st.lastScheduleTime !== undefined && st.lastScheduleTime !== null) {
      lastScheduleTime = translateTimestampSince(st.lastScheduleTime, now);
    }
    const timeZone = typeof sp.timeZone === 'string' ? sp.timeZone : '<none>';
    const jobSpec = obj(obj(sp.jobTemplate).spec);
    const [names, images] = layoutContainerCells(obj(obj(jobSpec.template).spec).containers);
    return [
      nameOf(o),
      str(sp.schedule),
      timeZone,
      printBoolPtr(sp.suspend),
      arr(st.active).length,
      lastScheduleTime,
      age(o, now),
      names,
      images,
      formatLabelSelector(jobSpec.selector),
    ];
  },
};

// ---------------------------------------------------------------- horizontal pod autoscalers

interface HPAMetrics {
  specs: JObj[];
  statuses: JObj[];
}

/**
 * The internal (autoscaling/v2-shaped) metrics of an HPA. autoscaling/v1 objects are converted the way
 * kube's v1 -> internal conversion does for targetCPUUtilizationPercentage / currentCPUUtilizationPercentage.
 */
function hpaMetrics(o: KObject): HPAMetrics {
  const sp = spec(o);
  const st = status(o);
  const isV1 = o.apiVersion === 'autoscaling/v1' || (!('metrics' in sp) && 'targetCPUUtilizationPercentage' in sp);
  if (!isV1) return { specs: objs(sp.metrics), statuses: objs(st.currentMetrics) };
  const specs: JObj[] = [];
  if (typeof sp.targetCPUUtilizationPercentage === 'number') {
    specs.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: sp.targetCPUUtilizationPercentage } } });
  }
  const statuses: JObj[] = [];
  if (typeof st.currentCPUUtilizationPercentage === 'number') {
    statuses.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: st.currentCPUUtilizationPercentage } } });
  }
  return { specs, statuses };
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function formatHPAMetrics(specs: JObj[], statuses: JObj[]): string {
  if (specs.length === 0) return '<none>';
  let list: string[] = [];
  const max = 2;
  let more = false;
  let count = 0;
  specs.forEach((s, i) => {
    const stat: JObj | undefined = statuses.length > i ? statuses[i] : undefined;
    switch (s.type) {
      case 'External': {
        const target = obj(obj(s.external).target);
        const cur = stat && isObj(stat.external) ? obj(stat.external.current) : undefined;
        if (present(target.averageValue)) {
          const current = cur && present(cur.averageValue) ? quantityPtr(cur.averageValue) : '<unknown>';
          list.push(`${current}/${quantityPtr(target.averageValue)} (avg)`);
        } else {
          const current = cur ? quantityPtr(cur.value) : '<unknown>';
          list.push(`${current}/${quantityPtr(target.value)}`);
        }
        break;
      }
      case 'Pods': {
        const target = obj(obj(s.pods).target);
        const current = stat && isObj(stat.pods) ? quantityPtr(obj(stat.pods.current).averageValue) : '<unknown>';
        list.push(`${current}/${quantityPtr(target.averageValue)}`);
        break;
      }
      case 'Object': {
        const target = obj(obj(s.object).target);
        const cur = stat && isObj(stat.object) ? obj(stat.object.current) : undefined;
        if (present(target.averageValue)) {
          const current = cur && present(cur.averageValue) ? quantityPtr(cur.averageValue) : '<unknown>';
          list.push(`${current}/${quantityPtr(target.averageValue)} (avg)`);
        } else {
          const current = cur ? quantityPtr(cur.value) : '<unknown>';
          list.push(`${current}/${quantityPtr(target.value)}`);
        }
        break;
      }
      case 'Resource':
      case 'ContainerResource': {
        const key = s.type === 'Resource' ? 'resource' : 'containerResource';
        const src = obj(s[key]);
        const target = obj(src.target);
        const cur = stat && isObj(stat[key]) ? obj(obj(stat[key]).current) : undefined;
        if (present(target.averageValue)) {
          const current = cur ? quantityPtr(cur.averageValue) : '<unknown>';
          list.push(`${str(src.name)}: ${current}/${quantityPtr(target.averageValue)}`);
        } else {
          const current = cur && typeof cur.averageUtilization === 'number' ? `${cur.averageUtilization}%` : '<unknown>';
          const tgt = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
          list.push(`${str(src.name)}: ${current}/${tgt}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
    count++;
  });
  if (count > max) {
    list = list.slice(0, max);
    more = true;
  }
  const ret = list.join(', ');
  if (more) return `${ret} + ${count - max} more...`;
  return ret;
}

export const horizontalPodAutoscalerPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Reference', 'string', doc('autoscaling/v2beta1.HorizontalPodAutoscalerSpec.scaleTargetRef')),
    col('Targets', 'string', doc('autoscaling/v2beta1.HorizontalPodAutoscalerSpec.metrics')),
    col('MinPods', 'string', doc('autoscaling/v2beta1.HorizontalPodAutoscalerSpec.minReplicas')),
    col('MaxPods', 'string', doc('autoscaling/v2beta1.HorizontalPodAutoscalerSpec.maxReplicas')),
    col('Replicas', 'string', doc('autoscaling/v2beta1.HorizontalPodAutoscalerStatus.currentReplicas')),
    ageCol(),
  ],
  cells(o, now) {
    const sp = spec(o);
    const ref = obj(sp.scaleTargetRef);
    const reference = `${str(ref.kind)}/${str(ref.name)}`;
    const { specs, statuses } = hpaMetrics(o);
    const metrics = formatHPAMetrics(specs, statuses);
    const minPods = typeof sp.minReplicas === 'number' ? String(sp.minReplicas) : '<unset>';
    return [nameOf(o), reference, metrics, minPods, num(sp.maxReplicas), num(status(o).currentReplicas), age(o, now)];
  },
};

// ---------------------------------------------------------------- controller revisions, scale

/** schema.ParseGroupVersion(...).Group; throws like Go returns an error for more than one "/". */
function parseGroup(apiVersion: string): string {
  if (apiVersion.length === 0 || apiVersion === '/') return '';
  const parts = apiVersion.split('/');
  if (parts.length === 1) return '';
  if (parts.length === 2) return parts[0] ?? '';
  throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
}

export const controllerRevisionPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Controller', 'string', 'Controller of the object'),
    col('Revision', 'string', doc('apps/v1beta1.ControllerRevision.revision')),
    ageCol(),
  ],
  cells(o, now) {
    const ref = objs(metadata(o).ownerReferences).find((r) => r.controller === true);
    let controllerName = '<none>';
    if (ref) {
      const group = parseGroup(str(ref.apiVersion));
      const kind = str(ref.kind);
      const name = str(ref.name);
      if (group === '' && kind === '') controllerName = name;
      else controllerName = (group === '' ? kind : `${kind}.${group}`).toLowerCase() + '/' + name;
    }
    return [nameOf(o), controllerName, num(o.revision), age(o, now)];
  },
};

export const scalePrinter: TablePrinter = {
  columns: [
    col('Name', 'string', doc('meta/v1.ObjectMeta.name')),
    col('Desired', 'integer', doc('autoscaling/v1.ScaleSpec.replicas')),
    col('Available', 'integer', doc('autoscaling/v1.ScaleStatus.replicas')),
    ageCol(),
  ],
  cells(o, now) {
    return [nameOf(o), num(spec(o).replicas), num(status(o).replicas), age(o, now)];
  },
};
