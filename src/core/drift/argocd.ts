/**
 * Drift as Argo CD sees it: the Application's sync status and, per OutOfSync resource, a field-level
 * diff of its target state against its (normalized) live state, compared with the same rules as the
 * kubernetes provider. A resource Argo CD would prune is an extra object; one with no live state is missing.
 */
import { orderDrifts } from './assess.ts';
import { compareObject } from './compare.ts';
import type { IgnoreRule } from './ignore.ts';
import type { DriftReport, KubeDoc, ObjectDrift, ObjectKey } from './types.ts';

/** A managed resource's states as Argo CD serves them (JSON text, "null" when absent). */
export interface ArgoResourceState {
  readonly group?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly targetState?: string;
  readonly liveState?: string;
  readonly normalizedLiveState?: string;
}

interface ResourceStatus {
  readonly group?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly status?: string;
  readonly requiresPruning?: boolean;
}

function state(text: string | undefined): KubeDoc | undefined {
  if (!text || text === 'null') return undefined;
  try {
    return (JSON.parse(text) as KubeDoc | null) ?? undefined;
  } catch {
    return undefined;
  }
}

function keyOfStatus(r: ResourceStatus): ObjectKey {
  return { group: r.group ?? '', kind: r.kind ?? '', namespace: r.namespace ?? '', name: r.name ?? '' };
}

function same(a: ObjectKey, b: ArgoResourceState): boolean {
  return a.group === (b.group ?? '') && a.kind === (b.kind ?? '') && a.namespace === (b.namespace ?? '') && a.name === (b.name ?? '');
}

function resourceDrift(
  status: ResourceStatus,
  managed: readonly ArgoResourceState[],
  rules: readonly IgnoreRule[],
): ObjectDrift | undefined {
  const key = keyOfStatus(status);
  const found = managed.find((m) => same(key, m));
  const target = state(found?.targetState);
  const live = state(found?.normalizedLiveState) ?? state(found?.liveState);
  if (status.requiresPruning || (!target && live))
    return { key, kind: 'extra', diffs: [], message: 'Argo CD would prune it: no longer in Git' };
  if (target && !live) return { key, kind: 'missing', diffs: [], message: 'in Git but not in the cluster' };
  if (target && live) {
    const diffs = compareObject(key, target, live, rules);
    // Argo CD's own normalisation may see differences these rules ignore; the rules have the last word.
    if (diffs.length === 0) return undefined;
    return { key, kind: 'changed', diffs, message: `${diffs.length} field(s) differ from Git (Argo CD: OutOfSync)` };
  }
  return { key, kind: 'out-of-sync', diffs: [], message: 'Argo CD reports OutOfSync' };
}

/** The drift of one Application from its status and managed resources. */
export function assessArgoApplication(
  label: string,
  app: KubeDoc,
  managed: readonly ArgoResourceState[],
  rules: readonly IgnoreRule[],
): { drifts: ObjectDrift[]; checked: number; sync: string } {
  const status = (app['status'] ?? {}) as { sync?: { status?: string; revision?: string }; resources?: ResourceStatus[] };
  const sync = status.sync?.status ?? 'Unknown';
  const resources = status.resources ?? [];
  const drifts: ObjectDrift[] = [];
  for (const resource of resources) {
    if (resource.status !== 'OutOfSync' && !resource.requiresPruning) continue;
    const drift = resourceDrift(resource, managed, rules);
    if (drift) drifts.push(drift);
  }
  if (sync !== 'Synced' && drifts.length === 0 && !resources.some((r) => r.status === 'OutOfSync')) {
    drifts.push({
      key: { group: 'argoproj.io', kind: 'Application', namespace: '', name: label },
      kind: 'out-of-sync',
      diffs: [],
      message: `sync status ${sync}`,
    });
  }
  return { drifts, checked: resources.length, sync };
}

/** A report over several applications. */
export function argoReport(results: readonly { drifts: readonly ObjectDrift[]; checked: number }[], source: string): DriftReport {
  const drifts = orderDrifts(results.flatMap((r) => r.drifts));
  return { verdict: drifts.length ? 'drifted' : 'in-sync', checked: results.reduce((n, r) => n + r.checked, 0), drifts, source };
}
