import { checkApiAvailability } from './api-lifecycle.ts';
import { type KindMatcher, matchesKind } from './gvk.ts';
import type { KubeVersion } from './kube-version.ts';
import { describeIssues } from './schema-messages.ts';
import type { SchemaSource } from './schema-types.ts';
import type { RawFinding, Resource } from './types.ts';

/** How resources are checked against schemas. */
export interface SchemaCheckOptions {
  readonly kubernetesVersion: KubeVersion;
  readonly skipKinds: readonly KindMatcher[];
  readonly rejectKinds: readonly KindMatcher[];
  /** A resource without a schema is skipped instead of failing (kubeconform's -ignore-missing-schemas). */
  readonly ignoreMissingSchemas: boolean;
}

/** What checking one resource gave: findings, or why it was skipped. */
export interface ResourceCheck {
  readonly findings: RawFinding[];
  readonly skipped?: string;
}

/**
 * Checks one resource: skipped and rejected kinds first, then whether the target release serves its
 * API, then its schema (built-in, CRD, or a schema location).
 */
export function checkResource(resource: Resource, schemas: SchemaSource, options: SchemaCheckOptions): ResourceCheck {
  const { apiVersion, kind } = resource.id;
  const at = (message: string, rule: string, fix: string): RawFinding => ({
    rule,
    message,
    fix,
    location: resource.location,
    resource: resource.id,
  });
  // Why skip first: kubeconform does (validator.go), so a kind on both lists is skipped there and here.
  if (matchesKind(options.skipKinds, apiVersion, kind)) return { findings: [], skipped: 'skip-kinds' };
  if (matchesKind(options.rejectKinds, apiVersion, kind)) {
    return {
      findings: [
        at(`${apiVersion} ${kind} is not allowed here (reject-kinds)`, 'rejected-kind', `Remove the ${kind} or take it off reject-kinds.`),
      ],
    };
  }
  const availability = checkApiAvailability(apiVersion, kind, options.kubernetesVersion);
  if (availability) return { findings: [at(availability.message, 'removed-api', availability.fix)] };
  const schema = schemas.lookup(apiVersion, kind);
  if (!schema) {
    if (options.ignoreMissingSchemas) return { findings: [], skipped: 'no schema' };
    return {
      findings: [
        at(
          `no schema for ${apiVersion} ${kind}`,
          'missing-schema',
          'Add its CustomResourceDefinition to the inputs or crd-dir, give a schema-location, or set ignore-missing-schemas.',
        ),
      ],
    };
  }
  const problems = describeIssues(schema.validate(resource.object), resource.object);
  return {
    findings: problems.map((problem) => ({
      rule: problem.rule,
      message: problem.message,
      fix: problem.fix,
      location: resource.locate(problem.pointer, problem.atKey),
      resource: resource.id,
    })),
  };
}
