// structured-merge-diff's merge.Updater: who owns what after an update or an apply, conflicts,
// and the pruning of fields an applier stopped applying. One API version is assumed for all
// managers (the server converts nothing between versions of a kind's field paths).
import { FieldSet, valueEquals } from './fieldpath.js';
import { ApplyConflicts, type Conflict } from './conflict.js';
import type { VersionedSet } from './managed.js';
import type { TypeNode } from './schema.js';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, type Comparison } from './typed.js';

export type ManagedSets = Map<string, VersionedSet>;

export interface UpdaterOptions {
  root: TypeNode;
  /** fields nobody owns through this endpoint (the strategy's reset fields) */
  ignore?: FieldSet;
}

function filter(s: FieldSet, ignore: FieldSet | undefined): FieldSet {
  return ignore ? s.recursiveDifference(ignore) : s;
}

function filterComparison(c: Comparison, ignore: FieldSet | undefined): Comparison {
  if (!ignore) return c;
  return { removed: filter(c.removed, ignore), modified: filter(c.modified, ignore), added: filter(c.added, ignore) };
}

/**
 * Updater.update: the other managers lose the fields that were removed, and (when forced) the
 * fields whose values changed; without force those are conflicts.
 */
function update(
  o: UpdaterOptions,
  oldObj: unknown,
  newObj: unknown,
  managers: ManagedSets,
  workflow: string,
  force: boolean,
): Comparison {
  const cmp = filterComparison(compare(oldObj, newObj, o.root), o.ignore);
  const conflicts = new Map<string, FieldSet>();
  const removed = new Map<string, FieldSet>();
  const changed = cmp.modified.union(cmp.added);
  for (const [manager, vs] of managers) {
    if (manager === workflow) continue;
    const c = vs.set.intersection(changed);
    if (!c.isEmpty()) conflicts.set(manager, c);
    if (!cmp.removed.isEmpty()) removed.set(manager, cmp.removed);
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = [];
    for (const manager of [...conflicts.keys()].sort()) {
      for (const path of conflicts.get(manager)!.paths()) list.push({ manager, path });
    }
    throw new ApplyConflicts(list);
  }
  for (const [manager, c] of conflicts) {
    const vs = managers.get(manager)!;
    managers.set(manager, { ...vs, set: vs.set.difference(c) });
  }
  for (const [manager, r] of removed) {
    const vs = managers.get(manager)!;
    managers.set(manager, { ...vs, set: vs.set.difference(r) });
  }
  for (const [manager, vs] of [...managers]) if (vs.set.isEmpty()) managers.delete(manager);
  return cmp;
}

/** Updater.Update: `manager` gets the fields changed from `liveObj` to `newObj`. */
export function updaterUpdate(o: UpdaterOptions, liveObj: unknown, newObj: unknown, version: string, managers: ManagedSets, manager: string): void {
  const cmp = update(o, liveObj, newObj, managers, manager, true);
  const prev = managers.get(manager)?.set;
  let set = (prev ? prev.difference(cmp.removed) : new FieldSet()).union(cmp.modified).union(cmp.added);
  set = filter(set, o.ignore);
  if (set.isEmpty()) managers.delete(manager);
  else managers.set(manager, { set, apiVersion: version, applied: false });
}

/**
 * Updater.Apply: merges `config` onto `liveObj`, makes `manager` own exactly the fields of
 * `config`, removes the fields it applied before and no longer applies (unless another manager
 * owns them), and checks conflicts. Returns the new object, or undefined when nothing changed.
 * Throws ApplyConflicts.
 */
export function updaterApply(
  o: UpdaterOptions,
  liveObj: unknown,
  config: unknown,
  version: string,
  managers: ManagedSets,
  manager: string,
  force: boolean,
): unknown {
  let newObj = merge(liveObj, config, o.root);
  const lastSet = managers.get(manager);
  const set = filter(toFieldSet(config, o.root), o.ignore);
  managers.set(manager, { set, apiVersion: version, applied: true });
  newObj = prune(o, newObj, managers, lastSet);
  update(o, liveObj, newObj, managers, manager, force);
  if (valueEquals(liveObj, newObj)) return undefined;
  return newObj;
}

function prune(o: UpdaterOptions, merged: unknown, managers: ManagedSets, lastSet: VersionedSet | undefined): unknown {
  if (!lastSet || lastSet.set.isEmpty()) return merged;
  const root = o.root;
  const ensure = (s: FieldSet) => ensureNamedFieldsAreMembers(s, root);
  let pruned = removeItems(merged, ensure(lastSet.set), root);
  // addBackOwnedItems: put back what any manager (the applier included) still owns
  let managed: FieldSet | undefined;
  for (const vs of managers.values()) managed = managed ? managed.union(vs.set) : vs.set;
  const mergedSet = ensure(toFieldSet(merged, root));
  let prunedSet = ensure(toFieldSet(pruned, root));
  if (managed) pruned = removeItems(merged, mergedSet.difference(prunedSet.union(ensure(managed))), root);
  // addBackDanglingItems: put back what was never the applier's to remove
  prunedSet = ensure(toFieldSet(pruned, root));
  const last = ensure(lastSet.set);
  return removeItems(merged, mergedSet.difference(prunedSet).intersection(last), root);
}
