/**
 * From desired objects and what the cluster served to a drift report: objects missing from the cluster,
 * objects that differ (field by field), objects the environment owns that Git no longer has, and kinds
 * that could not be read (reported, never taken as in sync).
 */
import { compareObject } from './compare.ts';
import type { IgnoreRule } from './ignore.ts';
import { type DriftReport, type KubeDoc, keyId, keyLabel, keyOf, type ObjectDrift, type ObjectKey } from './types.ts';

/** A kind in a namespace that could not be listed (RBAC 403, a kind the cluster does not serve). */
export interface Unreadable {
  readonly group: string;
  readonly kind: string;
  /** Empty for a cluster-scoped kind. */
  readonly namespace: string;
  readonly message: string;
}

/** What the cluster served for the desired objects. */
export interface LiveState {
  /** Live objects by {@link keyId}. */
  readonly objects: ReadonlyMap<string, KubeDoc>;
  /** Live objects the environment owns (by its ownership label or inventory), whether or not Git has them. */
  readonly owned: readonly KubeDoc[];
  readonly unreadable: readonly Unreadable[];
}

function unreadableFor(key: ObjectKey, unreadable: readonly Unreadable[]): Unreadable | undefined {
  return unreadable.find((u) => u.group === key.group && u.kind === key.kind && u.namespace === key.namespace);
}

/** Orders drifts: image drift first, then missing, changed, extra, unreadable; by label within each. */
export function orderDrifts(drifts: readonly ObjectDrift[]): ObjectDrift[] {
  const rank = (d: ObjectDrift) =>
    d.diffs.some((f) => f.image) ? 0 : { missing: 1, changed: 2, 'out-of-sync': 2, extra: 3, unreadable: 4 }[d.kind];
  return [...drifts].sort((a, b) => rank(a) - rank(b) || keyLabel(a.key).localeCompare(keyLabel(b.key)));
}

/** Compares every desired object with its live copy. `namespace` is where objects that name none go. */
export function assessDrift(
  desired: readonly KubeDoc[],
  live: LiveState,
  rules: readonly IgnoreRule[],
  namespace: string,
  source: string,
): DriftReport {
  const drifts: ObjectDrift[] = [];
  const wanted = new Set<string>();
  const reported = new Set<string>();
  for (const doc of desired) {
    const key = keyOf(doc, namespace);
    wanted.add(keyId(key));
    const found = live.objects.get(keyId(key));
    if (found) {
      const diffs = compareObject(key, doc, found, rules);
      if (diffs.length)
        drifts.push({
          key,
          kind: 'changed',
          diffs,
          message: `${diffs.length} field${diffs.length === 1 ? '' : 's'} differ${diffs.length === 1 ? 's' : ''} from Git`,
        });
      continue;
    }
    const denied = unreadableFor(key, live.unreadable);
    if (denied) {
      const group = `${denied.group}|${denied.kind}|${denied.namespace}`;
      if (!reported.has(group)) drifts.push({ key: { ...key, name: '*' }, kind: 'unreadable', diffs: [], message: denied.message });
      reported.add(group);
      continue;
    }
    drifts.push({ key, kind: 'missing', diffs: [], message: 'in Git but not in the cluster' });
  }
  for (const doc of live.owned) {
    const key = keyOf(doc);
    if (!wanted.has(keyId(key))) drifts.push({ key, kind: 'extra', diffs: [], message: 'owned by the environment but no longer in Git' });
  }
  const ordered = orderDrifts(drifts);
  return { verdict: ordered.length ? 'drifted' : 'in-sync', checked: desired.length, drifts: ordered, source };
}
