import { containerName, containersOf } from './pod-spec.ts';
import { finding, type PolicyRule } from './types.ts';

/** `privileged`: a privileged container has the host's devices and capabilities. */
export const privilegedRule: PolicyRule = {
  id: 'privileged',
  title: 'Privileged container',
  defaultLevel: 'error',
  fix: 'Remove securityContext.privileged; add only the capabilities the container needs (securityContext.capabilities.add).',
  check(resource) {
    return containersOf(resource)
      .filter((at) => (at.container['securityContext'] as Record<string, unknown> | undefined)?.['privileged'] === true)
      .map((at) =>
        finding(privilegedRule, resource, `${at.pointer}/securityContext/privileged`, `${containerName(at)} is privileged`, true),
      );
  },
};
