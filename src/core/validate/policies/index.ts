import type { RawFinding, Resource } from '../types.ts';
import { resourcesRule } from './container-resources.ts';
import { duplicateResourceRule } from './duplicate-resource.ts';
import { imageDigestRule } from './image-digest.ts';
import { imageTagRule } from './image-tag.ts';
import { plaintextSecretRule } from './plaintext-secret.ts';
import { privilegedRule } from './privileged.ts';
import { readinessProbeRule } from './readiness-probe.ts';
import { runAsNonRootRule } from './run-as-non-root.ts';
import { selectorMismatchRule } from './selector-mismatch.ts';
import type { PolicyRule, PolicyState } from './types.ts';

export type { PolicyRule, PolicyState } from './types.ts';

/** Every policy, in the order reports list them. */
export const POLICIES: readonly PolicyRule[] = [
  imageTagRule,
  imageDigestRule,
  plaintextSecretRule,
  duplicateResourceRule,
  selectorMismatchRule,
  resourcesRule,
  readinessProbeRule,
  runAsNonRootRule,
  privilegedRule,
];

/** Runs the given policies over one resource. */
export function runPolicies(resource: Resource, rules: readonly PolicyRule[], state: PolicyState): RawFinding[] {
  const out: RawFinding[] = [];
  for (const rule of rules) out.push(...rule.check(resource, state));
  return out;
}
