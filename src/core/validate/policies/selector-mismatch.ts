import { finding, type PolicyRule } from './types.ts';

const SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout']);

type Labels = Readonly<Record<string, unknown>>;

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Why a label selector does not select these labels, or undefined when it does. */
export function selectorMismatch(selector: Record<string, unknown>, labels: Labels): string | undefined {
  for (const [key, value] of Object.entries(asObject(selector['matchLabels']) ?? {})) {
    if (labels[key] !== value)
      return labels[key] === undefined ? `label ${key} is missing` : `${key}=${String(labels[key])} does not match ${key}=${String(value)}`;
  }
  const expressions = Array.isArray(selector['matchExpressions']) ? selector['matchExpressions'] : [];
  for (const raw of expressions) {
    const e = asObject(raw);
    if (!e) continue;
    const key = String(e['key']);
    const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
    const has = key in labels;
    const value = String(labels[key]);
    const ok = { In: has && values.includes(value), NotIn: !has || !values.includes(value), Exists: has, DoesNotExist: !has }[
      String(e['operator'])
    ];
    if (ok === false) return `expression ${key} ${String(e['operator'])}${values.length ? ` (${values.join(', ')})` : ''} does not hold`;
  }
  return undefined;
}

/** `selector-mismatch`: a workload's selector must select its own pod template (the API server refuses it otherwise). */
export const selectorMismatchRule: PolicyRule = {
  id: 'selector-mismatch',
  title: 'Selector does not match the pod template labels',
  defaultLevel: 'error',
  fix:
    'Make spec.selector match spec.template.metadata.labels (selectors are immutable once created: change the labels, not the ' +
    'selector).',
  check(resource) {
    if (!SELECTOR_KINDS.has(resource.id.kind)) return [];
    const spec = asObject(resource.object['spec']);
    const selector = asObject(spec?.['selector']);
    if (!spec || !selector) return [];
    const labels = asObject(asObject(asObject(spec['template'])?.['metadata'])?.['labels']) ?? {};
    const why = selectorMismatch(selector, labels);
    return why
      ? [finding(selectorMismatchRule, resource, '/spec/selector', `the selector does not match the pod template: ${why}`, true)]
      : [];
  },
};
