// Typed views of the CustomResourceDefinition fields the server acts on.
import { isObject, type KObject } from '../api/types.js';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface CRDVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: unknown;
  subresources?: { status?: unknown; scale?: ScaleSpec };
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: { jsonPath: string }[];
}

export interface CRDNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface WebhookClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  caBundle?: string;
}

export interface CRDSpec {
  group: string;
  names: CRDNames;
  scope: 'Namespaced' | 'Cluster';
  versions: CRDVersion[];
  conversion?: { strategy: 'None' | 'Webhook'; webhook?: { clientConfig?: WebhookClientConfig; conversionReviewVersions?: string[] } };
  preserveUnknownFields?: boolean;
}

export function crdSpec(crd: KObject): CRDSpec {
  return (isObject(crd.spec) ? crd.spec : {}) as unknown as CRDSpec;
}

export function storageVersionName(crd: KObject): string | undefined {
  return crdSpec(crd).versions?.find((v) => v.storage)?.name;
}

/** kube orders versions by "kube-like" priority: GA > beta > alpha, higher numbers first, others alphabetical last. */
export function versionPriorityCompare(a: string, b: string): number {
  const pa = parseKubeVersion(a);
  const pb = parseKubeVersion(b);
  if (pa && pb) {
    if (pa.level !== pb.level) return pb.level - pa.level;
    if (pa.major !== pb.major) return pb.major - pa.major;
    return pb.minor - pa.minor;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseKubeVersion(v: string): { level: number; major: number; minor: number } | undefined {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return undefined;
  return { level: m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, major: Number(m[1]), minor: m[3] ? Number(m[3]) : 0 };
}

export function conditionTrue(crd: KObject, type: string): boolean {
  const st = isObject(crd.status) ? crd.status : {};
  const conds = Array.isArray(st.conditions) ? st.conditions : [];
  return conds.some((c) => isObject(c) && c.type === type && c.status === 'True');
}
