import { parseApiVersion } from '../gvk.ts';
import type { Resource } from '../types.ts';
import { finding, type PolicyRule } from './types.ts';

/** Where a resource is, as the duplicate message names the first one. */
export function whereOf(resource: Resource): string {
  const l = resource.location;
  const r = l.rendered;
  return r ? `${l.file} (${r.by}, document ${r.document})` : `${l.file}:${l.line ?? 1}`;
}

/** What makes two objects the same object: group, kind, namespace and name; undefined for generated names. */
export function duplicateKey(resource: Resource): string | undefined {
  const { apiVersion, kind, name, namespace } = resource.id;
  if (!name || name.endsWith('*')) return undefined;
  return `duplicate:${parseApiVersion(apiVersion).group}/${kind}/${namespace ?? ''}/${name}`;
}

/**
 * `duplicate-resource`: two objects with the same kind, namespace and name; one silently replaces the
 * other when applied. The API group counts, the version does not (apps/v1 and extensions/v1beta1
 * Deployments are the same object).
 */
export const duplicateResourceRule: PolicyRule = {
  id: 'duplicate-resource',
  title: 'Duplicate kind/namespace/name',
  defaultLevel: 'error',
  fix: 'Keep one definition of the object, or give the copies different names or namespaces.',
  check(resource, state) {
    const { kind, name, namespace } = resource.id;
    const key = duplicateKey(resource);
    if (key === undefined) return [];
    const earlier = state.seen.get(key);
    if (earlier === undefined) {
      state.seen.set(key, whereOf(resource));
      return [];
    }
    const ns = namespace ? ` in namespace ${namespace}` : '';
    return [
      finding(duplicateResourceRule, resource, '/metadata/name', `${kind} "${name}"${ns} is defined twice; the first is at ${earlier}`),
    ];
  },
};
