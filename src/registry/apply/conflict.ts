// Apply conflicts and the 409 Status kube returns for them
// (managedfields/internal/conflict.go over structured-merge-diff's merge.Conflicts).
import { StatusError, type StatusCause } from '../../api/errors.js';
import { goQuote, pathString, type Path } from './fieldpath.js';
import { parseManagerIdentifier } from './managed.js';

export interface Conflict {
  /** the manager identifier (JSON, see managerIdentifier) */
  manager: string;
  path: Path;
}

/** printManager: `"name"`, `"name" with subresource "status"`, `"name" using apps/v1` for Update managers. */
export function printManager(id: string): string {
  const info = parseManagerIdentifier(id);
  if (!info) return goQuote(id);
  let s = goQuote(info.manager);
  if (info.subresource) s = `${s} with subresource ${goQuote(info.subresource)}`;
  if (info.operation === 'Update') return `${s} using ${info.apiVersion ?? ''}`;
  return s;
}

export function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  }
  const byManager = new Map<string, Path[]>();
  for (const c of conflicts) {
    const l = byManager.get(c.manager);
    if (l) l.push(c.path);
    else byManager.set(c.manager, [c.path]);
  }
  const managers = [...byManager.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines: string[] = [];
  for (const m of managers) {
    lines.push(`conflicts with ${printManager(m)}:`);
    for (const p of byManager.get(m)!) lines.push(`- ${pathString(p)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** NewConflictError: 409 Conflict with one FieldManagerConflict cause per conflicting field. */
export function conflictError(conflicts: readonly Conflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  return new StatusError(409, 'Conflict', conflictMessage(conflicts), { causes });
}

/** An apply conflict before it becomes a Status (the last-applied migration inspects them). */
export class ApplyConflicts extends Error {
  constructor(public readonly conflicts: Conflict[]) {
    super(conflictMessage(conflicts));
  }
}
