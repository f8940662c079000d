import { containerName, containersOf, podSpecOf } from './pod-spec.ts';
import { finding, type PolicyRule } from './types.ts';

function context(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** The security context's verdict: true (non-root), false (root asked for), undefined (not said). */
function nonRoot(securityContext: Record<string, unknown>): boolean | undefined {
  if (securityContext['runAsNonRoot'] === true) return true;
  const user = securityContext['runAsUser'];
  if (typeof user === 'number') return user > 0;
  if (securityContext['runAsNonRoot'] === false) return false;
  return undefined;
}

/** `run-as-non-root`: every container runs as a non-root user, by runAsNonRoot or a non-zero runAsUser. */
export const runAsNonRootRule: PolicyRule = {
  id: 'run-as-non-root',
  title: 'runAsNonRoot not set',
  defaultLevel: 'warning',
  fix: 'Set securityContext.runAsNonRoot: true (on the pod or each container) and build the image with a non-root USER.',
  check(resource) {
    const pod = podSpecOf(resource);
    if (!pod) return [];
    const podLevel = nonRoot(context(pod.spec['securityContext']));
    return containersOf(resource)
      .filter((at) => at.kind !== 'ephemeralContainers')
      .filter((at) => (nonRoot(context(at.container['securityContext'])) ?? podLevel) !== true)
      .map((at) => finding(runAsNonRootRule, resource, at.pointer, `${containerName(at)} may run as root: runAsNonRoot is not set`));
  },
};
