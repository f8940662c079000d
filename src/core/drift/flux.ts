/**
 * Drift as Flux sees it. A Kustomization or HelmRelease that is not Ready has not applied what Git says.
 * A HelmRelease with `spec.driftDetection` tells about drift through events: `DriftDetected` (mode warn:
 * found, left alone), `DriftCorrected` (mode enabled: found and put back), `DriftCorrectionFailed`.
 * A Kustomization's inventory (`status.inventory.entries`, ids `<namespace>_<name>_<group>_<kind>`)
 * names every object it applied, so objects deleted by hand can be found.
 */
import type { KubeDoc, ObjectDrift, ObjectKey } from './types.ts';

/** The Flux event reasons about drift, newest decides. */
export const DRIFT_REASONS = ['DriftDetected', 'DriftCorrected', 'DriftCorrectionFailed'] as const;

/** One object of an inventory. */
export interface InventoryEntry {
  readonly apiVersion: string;
  readonly key: ObjectKey;
}

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

/** Parses an inventory entry id (`shop_web_apps_Deployment`) and version. */
export function parseInventoryEntry(id: string, version: string): InventoryEntry | undefined {
  const parts = id.split('_');
  if (parts.length !== 4) return undefined;
  const [namespace = '', name = '', group = '', kind = ''] = parts;
  return { apiVersion: group ? `${group}/${version}` : version, key: { group, kind, namespace, name } };
}

/** The inventory of a Kustomization (empty for a HelmRelease, or when the controller keeps none). */
export function inventoryOf(object: KubeDoc): InventoryEntry[] {
  const entries = (object['status'] as { inventory?: { entries?: { id?: string; v?: string }[] } } | undefined)?.inventory?.entries ?? [];
  return entries.flatMap((e) => {
    const parsed = e.id ? parseInventoryEntry(e.id, e.v ?? 'v1') : undefined;
    return parsed ? [parsed] : [];
  });
}

function eventTime(event: KubeDoc): number {
  const e = event as Record<string, unknown>;
  const text = (e['eventTime'] ??
    e['lastTimestamp'] ??
    e['firstTimestamp'] ??
    (e['metadata'] as { creationTimestamp?: string } | undefined)?.creationTimestamp) as string | undefined;
  return text ? Date.parse(text) : 0;
}

/** The newest drift event about an object, from events of its namespace. */
export function latestDriftEvent(events: readonly KubeDoc[], kind: string, name: string): KubeDoc | undefined {
  return events
    .filter((e) => {
      const involved = e['involvedObject'] as { kind?: string; name?: string } | undefined;
      return involved?.kind === kind && involved.name === name && (DRIFT_REASONS as readonly string[]).includes(String(e['reason']));
    })
    .sort((a, b) => eventTime(b) - eventTime(a))[0];
}

/** What one Flux object says: drift, and whether Flux corrected drift itself. */
export interface FluxAssessment {
  readonly drifts: ObjectDrift[];
  readonly corrected: boolean;
}

/** Judges one Kustomization or HelmRelease from the object and the events of its namespace. */
export function assessFluxObject(key: ObjectKey, object: KubeDoc | undefined, events: readonly KubeDoc[]): FluxAssessment {
  if (!object)
    return {
      drifts: [{ key, kind: 'unreadable', diffs: [], message: `${key.kind} ${key.namespace}/${key.name} not found` }],
      corrected: false,
    };
  const drifts: ObjectDrift[] = [];
  const conditions = (object['status'] as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const spec = (object['spec'] ?? {}) as { suspend?: boolean };
  if (spec.suspend) drifts.push({ key, kind: 'out-of-sync', diffs: [], message: 'suspended: Flux does not apply Git to it' });
  else if (ready?.status === 'False')
    drifts.push({
      key,
      kind: 'out-of-sync',
      diffs: [],
      message: `not Ready (${ready.reason ?? 'unknown'}): ${ready.message ?? ''}`.trim(),
    });
  const event = latestDriftEvent(events, key.kind, key.name);
  const reason = event ? String(event['reason']) : undefined;
  if (reason === 'DriftDetected' || reason === 'DriftCorrectionFailed') {
    drifts.push({ key, kind: 'changed', diffs: [], message: `${reason}: ${String(event!['message'] ?? '').trim()}` });
  }
  return { drifts, corrected: reason === 'DriftCorrected' };
}
