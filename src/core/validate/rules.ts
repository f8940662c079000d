import { POLICIES } from './policies/index.ts';
import type { LevelSetting } from './types.ts';

/** What reports say about a rule: its title, default level and how to fix what it finds. */
export interface RuleInfo {
  readonly id: string;
  readonly title: string;
  readonly defaultLevel: LevelSetting;
  readonly help: string;
}

const CHECKS: readonly RuleInfo[] = [
  { id: 'yaml-syntax', title: 'YAML syntax error', defaultLevel: 'error', help: 'The file is not valid YAML; fix it at the place named.' },
  {
    id: 'duplicate-key',
    title: 'Duplicate key',
    defaultLevel: 'error',
    help: 'A mapping holds the same key twice; Kubernetes keeps only the last.',
  },
  { id: 'not-an-object', title: 'Document is not an object', defaultLevel: 'error', help: 'Each document must be one Kubernetes object.' },
  { id: 'missing-kind', title: 'Missing apiVersion or kind', defaultLevel: 'error', help: 'Every object needs apiVersion and kind.' },
  {
    id: 'not-kubernetes',
    title: 'Not a Kubernetes manifest',
    defaultLevel: 'notice',
    help:
      'The YAML document has neither apiVersion nor kind, so it is not a Kubernetes object (a config or values file); it was not ' +
      'checked. Set this rule to error to fail on such files, as kubeconform does.',
  },
  {
    id: 'symlink-outside',
    title: 'Symbolic link leading outside',
    defaultLevel: 'error',
    help: 'A symbolic link under a path leads outside it; validate does not follow it (pull requests are untrusted).',
  },
  {
    id: 'too-deep',
    title: 'Nesting too deep',
    defaultLevel: 'error',
    help: 'The file nests values deeper than validate (and the API server) reads; it was not checked.',
  },
  {
    id: 'no-objects',
    title: 'No objects',
    defaultLevel: 'error',
    help: 'The inputs held no Kubernetes object; a renderer that printed nothing must not pass.',
  },
  {
    id: 'render',
    title: 'Rendering failed',
    defaultLevel: 'error',
    help: 'kustomize or helm could not render the directory; its own message says why.',
  },
  {
    id: 'schema',
    title: 'Schema violation',
    defaultLevel: 'error',
    help: 'The object does not match the schema of its kind in the target Kubernetes version.',
  },
  {
    id: 'unknown-field',
    title: 'Unknown field',
    defaultLevel: 'error',
    help: 'The field is not in the schema (strict mode); it is misspelt or misplaced.',
  },
  {
    id: 'missing-schema',
    title: 'No schema',
    defaultLevel: 'error',
    help: 'No schema for the kind: add its CRD, a schema-location, or ignore-missing-schemas.',
  },
  {
    id: 'removed-api',
    title: 'API not served by the target version',
    defaultLevel: 'error',
    help: 'The apiVersion is removed in (or not yet served by) the target Kubernetes version.',
  },
  { id: 'rejected-kind', title: 'Rejected kind', defaultLevel: 'error', help: 'The kind is on reject-kinds.' },
  {
    id: 'image-missing',
    title: 'Image not found in its registry',
    defaultLevel: 'error',
    help: 'The image reference does not resolve in its registry (check-images).',
  },
];

/** Every rule validate knows: the checks, then the policies. */
export const RULES: readonly RuleInfo[] = [
  ...CHECKS,
  ...POLICIES.map((p) => ({ id: p.id, title: p.title, defaultLevel: p.defaultLevel, help: p.fix })),
];

/** The rule with this id, if any. */
export function ruleInfo(id: string): RuleInfo | undefined {
  return RULES.find((rule) => rule.id === id);
}
