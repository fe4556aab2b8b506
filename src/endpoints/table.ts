// meta/v1 Table and PartialObjectMetadata responses (server-side printing for kubectl get).
import type { KObject, ListMeta } from '../api/types.js';
import { printerFor, defaultPrinter, type TablePrinter } from '../registry/printers/index.js';
import type { ResourceInfo } from '../registry/catalog.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialObject(obj: KObject, version: string): KObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata ?? {} };
}

export function partialList(items: KObject[], meta: ListMeta, version: string): KObject {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: meta as Record<string, unknown>,
    items: items.map((o) => partialObject(o, version)),
  };
}

export function printerForResource(r: ResourceInfo): TablePrinter {
  return printerFor(r.group, r.name) ?? defaultPrinter;
}

export function toTable(
  printer: TablePrinter,
  items: KObject[],
  meta: ListMeta,
  opts: { version: string; includeObject: IncludeObject; noHeaders?: boolean },
): KObject {
  const now = new Date();
  const rows = items.map((o) => {
    const row: Record<string, unknown> = { cells: printer.cells(o, now) };
    const conds = printer.conditions?.(o);
    if (conds && conds.length) row.conditions = conds;
    if (opts.includeObject === 'Object') row.object = o;
    else if (opts.includeObject === 'Metadata') row.object = partialObject(o, opts.version);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: meta as Record<string, unknown>,
    columnDefinitions: opts.noHeaders ? null : printer.columns,
    rows,
  };
}
