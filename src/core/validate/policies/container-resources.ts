import { containerName, containersOf } from './pod-spec.ts';
import { finding, type PolicyRule } from './types.ts';

const WANTED: ReadonlyArray<readonly [string, string]> = [
  ['requests', 'cpu'],
  ['requests', 'memory'],
  ['limits', 'memory'],
];

function get(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * `resources`: every container requests CPU and memory and caps memory. A CPU limit is not asked for:
 * it throttles a pod that could use idle CPU, and requests already decide scheduling.
 */
export const resourcesRule: PolicyRule = {
  id: 'resources',
  title: 'Missing resource requests/limits',
  defaultLevel: 'warning',
  fix: 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container.',
  check(resource) {
    return containersOf(resource)
      .filter((at) => at.kind !== 'ephemeralContainers')
      .flatMap((at) => {
        const resources = at.container['resources'];
        const missing = WANTED.filter(([group, name]) => get(get(resources, group), name) === undefined).map(([g, n]) => `${g}.${n}`);
        if (missing.length === 0) return [];
        const pointer = resources === undefined ? at.pointer : `${at.pointer}/resources`;
        return [
          finding(
            resourcesRule,
            resource,
            pointer,
            `${containerName(at)} has no resources.${missing.join(', resources.')}`,
            resources !== undefined,
          ),
        ];
      });
  },
};
