import { joinPointer, valueAt } from './pointer.ts';
import type { SchemaIssue } from './schema-types.ts';

/** A schema problem made readable: where it is (pointer, and whether to point at the key) and what it is. */
export interface SchemaProblem {
  readonly rule: 'schema' | 'unknown-field';
  readonly pointer: string;
  /** Point at the key rather than the value (unknown fields, missing fields point at their parent). */
  readonly atKey: boolean;
  readonly message: string;
  readonly fix: string;
}

/**
 * Turns schema issues into one message per problem. A failed `oneOf`/`anyOf` (IntOrString, Quantity)
 * comes back from the validator as one issue per branch; those collapse into the one that says most.
 */
export function describeIssues(issues: readonly SchemaIssue[], object: unknown): SchemaProblem[] {
  const byPath = new Map<string, SchemaIssue[]>();
  for (const issue of issues) {
    const group = byPath.get(issue.instancePath) ?? [];
    group.push(issue);
    byPath.set(issue.instancePath, group);
  }
  const problems: SchemaProblem[] = [];
  for (const [path, group] of byPath) {
    const alternatives = group.some((i) => i.keyword === 'oneOf' || i.keyword === 'anyOf');
    const kept = alternatives ? collapseAlternatives(group) : group;
    for (const issue of kept) problems.push(describe(issue, path, object));
  }
  return dedupe(problems);
}

function collapseAlternatives(group: readonly SchemaIssue[]): SchemaIssue[] {
  const format = group.find((i) => i.keyword === 'format');
  if (format) return [format];
  const types = group.filter((i) => i.keyword === 'type').map((i) => String(i.params['type']));
  if (types.length > 0)
    return [{ keyword: 'type', instancePath: group[0]!.instancePath, params: { type: [...new Set(types)].join(' or ') } }];
  return group.filter((i) => i.keyword !== 'oneOf' && i.keyword !== 'anyOf').slice(0, 1);
}

function dedupe(problems: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `string "3"`, `number 3`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function field(path: string): string {
  return path === '' ? 'the object' : path;
}

function describe(issue: SchemaIssue, path: string, object: unknown): SchemaProblem {
  const value = valueAt(object, path);
  const p = issue.params;
  const base = { rule: 'schema' as const, pointer: path, atKey: false };
  switch (issue.keyword) {
    case 'type':
      return {
        ...base,
        message: `${field(path)}: expected ${String(p['type'])}, got ${describeValue(value)}`,
        fix: `Write ${field(path)} as ${String(p['type'])}.`,
      };
    case 'required':
      return {
        ...base,
        atKey: true,
        message: `${field(path)}: missing required field "${String(p['missingProperty'])}"`,
        fix: `Add ${String(p['missingProperty'])}.`,
      };
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      const pointer = `${path}${joinPointer(name)}`;
      return {
        rule: 'unknown-field',
        pointer,
        atKey: true,
        message: `${pointer}: unknown field "${name}"`,
        fix: 'Check the spelling and the indentation; the API server would reject or drop this field.',
      };
    }
    case 'enum':
      return {
        ...base,
        message:
          `${field(path)}: ${describeValue(value)} is not one of ` +
          `${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        fix: 'Use one of the allowed values.',
      };
    case 'format':
      return { ...base, ...formatProblem(path, String(p['format']), value) };
    default:
      return {
        ...base,
        message: `${field(path)}: ${issue.message ?? `fails ${issue.keyword} ${JSON.stringify(p)}`}`,
        fix: 'Make the value match the schema.',
      };
  }
}

function formatProblem(path: string, format: string, value: unknown): { message: string; fix: string } {
  if (format === 'quantity') {
    return {
      message: `${field(path)}: ${describeValue(value)} is not a Kubernetes quantity`,
      fix: 'Write a quantity such as 500m, 2, 128Mi or 1Gi.',
    };
  }
  if (format === 'int32' || format === 'int64') {
    return {
      message: `${field(path)}: ${describeValue(value)} does not fit in ${format}`,
      fix: `Use a whole number within the ${format} range.`,
    };
  }
  return { message: `${field(path)}: ${describeValue(value)} is not a valid ${format}`, fix: `Write a valid ${format}.` };
}
