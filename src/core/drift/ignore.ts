/**
 * Ignore rules in the shape of Argo CD's `ignoreDifferences`: per group and kind (optionally one name or
 * namespace), JSON pointers (RFC 6901) to fields that may differ, and field managers (an autoscaler, a
 * mutating controller) whose fields may differ, read from the live object's `managedFields` (FieldsV1).
 */
import { parse } from 'yaml';
import { UserError } from '../errors.ts';
import { keyString } from './lists.ts';
import type { KubeDoc, ObjectKey, PathSegment } from './types.ts';

/** One rule. */
export interface IgnoreRule {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  /** Parsed pointers: each a list of reference tokens. */
  readonly pointers: readonly (readonly string[])[];
  readonly managers: readonly string[];
}

const INPUT = 'ignore-differences';

/**
 * Parses one JSON pointer (RFC 6901): empty (the whole object) or `/`-separated tokens with `~1` for `/`
 * and `~0` for `~`. Anything else is a UserError naming the input.
 */
export function parsePointer(text: string, input = INPUT): string[] {
  if (text === '') return [];
  if (!text.startsWith('/'))
    throw new UserError(`${input}: "${text}" is not a JSON pointer; it must start with "/" (e.g. /spec/replicas).`, { input });
  return text
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token))
        throw new UserError(`${input}: "${text}" is not a JSON pointer: "~" must be followed by 0 or 1 (~1 for "/", ~0 for "~").`, {
          input,
        });
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new UserError(`${INPUT}: ${where} must be a list of strings.`, { input: INPUT });
  return value as string[];
}

function rule(value: unknown, index: number): IgnoreRule {
  const where = `rule ${index + 1}`;
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UserError(`${INPUT}: ${where} is not a mapping with kind and jsonPointers.`, { input: INPUT });
  const item = value as Record<string, unknown>;
  const known = new Set(['group', 'kind', 'name', 'namespace', 'jsonPointers', 'managedFieldsManagers']);
  const unknown = Object.keys(item).filter((k) => !known.has(k));
  if (unknown.length)
    throw new UserError(`${INPUT}: ${where} has ${unknown.map((k) => `"${k}"`).join(', ')}; known fields are ${[...known].join(', ')}.`, {
      input: INPUT,
    });
  if (typeof item['kind'] !== 'string' || !item['kind'])
    throw new UserError(`${INPUT}: ${where} names no kind (e.g. kind: Deployment).`, { input: INPUT });
  const pointers = strings(item['jsonPointers'], `${where} jsonPointers`).map((p) => parsePointer(p));
  const managers = strings(item['managedFieldsManagers'], `${where} managedFieldsManagers`);
  if (pointers.length === 0 && managers.length === 0)
    throw new UserError(`${INPUT}: ${where} ignores nothing; give jsonPointers or managedFieldsManagers.`, { input: INPUT });
  return {
    group: typeof item['group'] === 'string' ? item['group'] : '',
    kind: item['kind'],
    ...(typeof item['name'] === 'string' ? { name: item['name'] } : {}),
    ...(typeof item['namespace'] === 'string' ? { namespace: item['namespace'] } : {}),
    pointers,
    managers,
  };
}

/** Parses the rules from YAML or JSON (a list of rules); a UserError names the bad rule. */
export function parseIgnoreRules(text: string | undefined): IgnoreRule[] {
  if (!text || text.trim() === '') return [];
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new UserError(`${INPUT}: not YAML: ${(error as Error).message.split('\n')[0]}`, { input: INPUT });
  }
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value))
    throw new UserError(`${INPUT}: must be a list of rules (- kind: Deployment\\n  jsonPointers: [/spec/replicas]).`, { input: INPUT });
  return value.map(rule);
}

/** The rules that apply to an object. */
export function rulesFor(rules: readonly IgnoreRule[], key: ObjectKey): IgnoreRule[] {
  return rules.filter(
    (r) =>
      r.kind === key.kind &&
      (r.group === key.group || r.group === '*') &&
      (r.name === undefined || r.name === key.name) &&
      (r.namespace === undefined || r.namespace === key.namespace),
  );
}

function segmentMatches(token: string, segment: PathSegment): boolean {
  return typeof segment === 'string' ? token === segment : token === String(segment.index);
}

/** True when a pointer covers the path (it is the path or one of its parents). */
export function pointerCovers(pointer: readonly string[], path: readonly PathSegment[]): boolean {
  return pointer.length <= path.length && pointer.every((token, i) => segmentMatches(token, path[i]!));
}

function sameKey(text: string, key: Readonly<Record<string, unknown>>): boolean {
  try {
    return keyString(JSON.parse(text) as Record<string, unknown>) === keyString(key);
  } catch {
    return false;
  }
}

/** True when a FieldsV1 tree owns the value at the path (the field itself or a parent set as a whole). */
export function fieldsOwn(fields: Readonly<Record<string, unknown>> | undefined, path: readonly PathSegment[]): boolean {
  let node: Readonly<Record<string, unknown>> | undefined = fields;
  for (const segment of path) {
    if (!node) return false;
    if (Object.keys(node).length === 0) return true;
    let next: unknown;
    if (typeof segment === 'string') next = node[`f:${segment}`];
    else if (segment.key) next = Object.entries(node).find(([k]) => k.startsWith('k:') && sameKey(k.slice(2), segment.key!))?.[1];
    else next = node[`i:${segment.index}`];
    node = next && typeof next === 'object' ? (next as Record<string, unknown>) : undefined;
  }
  // A node with children owns only those children; an empty one (or one marked ".") owns the whole value.
  return node !== undefined && (Object.keys(node).length === 0 || '.' in node);
}

/** Decides, for one object, whether a differing path is to be ignored. */
export type Ignorer = (path: readonly PathSegment[]) => boolean;

/** The ignorer of an object under the rules, reading field owners from the live object. */
export function ignorerFor(rules: readonly IgnoreRule[], key: ObjectKey, live: KubeDoc | undefined): Ignorer {
  const applying = rulesFor(rules, key);
  if (applying.length === 0) return () => false;
  const pointers = applying.flatMap((r) => r.pointers);
  const managers = new Set(applying.flatMap((r) => r.managers));
  const owned = (live?.metadata?.managedFields ?? []).filter(
    (entry) => entry.manager !== undefined && managers.has(entry.manager) && entry.subresource !== 'status',
  );
  return (path) => pointers.some((p) => pointerCovers(p, path)) || owned.some((entry) => fieldsOwn(entry.fieldsV1, path));
}
