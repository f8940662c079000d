import { containerName, containersOf, LONG_RUNNING_KINDS } from './pod-spec.ts';
import { finding, type PolicyRule } from './types.ts';

/** `readiness-probe`: a long-running container tells when it can take traffic; rollouts wait for it. */
export const readinessProbeRule: PolicyRule = {
  id: 'readiness-probe',
  title: 'Missing readiness probe',
  defaultLevel: 'warning',
  fix: 'Add a readinessProbe (httpGet, tcpSocket, grpc or exec) so that rollouts and Services wait until the container is ready.',
  check(resource) {
    if (!LONG_RUNNING_KINDS.has(resource.id.kind)) return [];
    return containersOf(resource)
      .filter((at) => at.kind === 'containers' && at.container['readinessProbe'] === undefined)
      .map((at) => finding(readinessProbeRule, resource, at.pointer, `${containerName(at)} has no readinessProbe`));
  },
};
