/**
 * Any other resource, judged by the standard conditions (kstatus, sigs.k8s.io/cli-utils): deletion,
 * an unobserved generation, `Stalled=True` (failed), `Reconciling=True` (in progress) and `Ready`.
 * Unlike kstatus, a resource that reports nothing is not taken as ready: silence is not success.
 */
import { conditionsOf, findCondition, generationOf, numberAtIfAny } from './fields.ts';
import { type Assessment, assess, type KubeObject, objectLabel } from './types.ts';

function because(condition: { reason?: string; message?: string }): string {
  return [condition.reason, condition.message].filter(Boolean).join(': ') || 'no reason given';
}

/** A generation the controller has not acted on yet, by `status.observedGeneration` or Ready's own. */
function unobserved(object: KubeObject): number | undefined {
  const generation = generationOf(object);
  const observed = numberAtIfAny(object, 'status.observedGeneration');
  if (observed !== undefined && observed < generation) return observed;
  const ready = findCondition(object, 'Ready');
  if (ready?.observedGeneration !== undefined && ready.observedGeneration < generation) return ready.observedGeneration;
  return undefined;
}

/** The verdict on a resource from its conditions; `object` undefined means not found. */
export function assessConditions(kind: string, object: KubeObject | undefined, name = '?'): Assessment {
  if (!object) return assess('progressing', 'not-found', `${kind.toLowerCase()}/${name} does not exist (yet)`);
  const label = objectLabel(kind, object.metadata);
  if (object.metadata.deletionTimestamp)
    return assess('failed', 'deleting', `${label} is being deleted (since ${object.metadata.deletionTimestamp})`);
  const seen = unobserved(object);
  if (seen !== undefined) {
    return assess('progressing', 'not-observed', `${label}: generation ${generationOf(object)} not observed yet (controller at ${seen})`);
  }
  const stalled = findCondition(object, 'Stalled');
  if (stalled?.status === 'True') return assess('failed', 'stalled', `${label} is stalled: ${because(stalled)}`);
  const reconciling = findCondition(object, 'Reconciling');
  if (reconciling?.status === 'True') return assess('progressing', 'reconciling', `${label} is reconciling: ${because(reconciling)}`);
  const ready = findCondition(object, 'Ready');
  if (ready?.status === 'True') return assess('healthy', 'ready', `${label} is Ready${ready.message ? `: ${ready.message}` : ''}`);
  if (ready) return assess('progressing', 'not-ready', `${label} is not Ready (${ready.status}): ${because(ready)}`);
  const others = conditionsOf(object).map((c) => `${c.type}=${c.status}`);
  const said = others.length ? `only ${others.join(', ')}` : 'no status conditions';
  return assess('progressing', 'no-status', `${label} reports ${said}; waiting for a Ready condition (silence is not success)`);
}
