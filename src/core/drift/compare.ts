/**
 * Compares one object as Git renders it with the object the cluster serves, field by field, walking only
 * what Git sets: a field Git leaves out is the server's or a controller's to fill and is never drift.
 */
import { type Ignorer, ignorerFor, type IgnoreRule } from './ignore.ts';
import { keyString, keyText, listKeyOf } from './lists.ts';
import type { FieldDiff, KubeDoc, ObjectKey, PathSegment } from './types.ts';
import { type FieldContext, sameScalar } from './values.ts';

/** Metadata the API server writes; Git's copy (often `creationTimestamp: null` from renderers) is not compared. */
const SERVER_METADATA = new Set([
  'resourceVersion',
  'uid',
  'managedFields',
  'creationTimestamp',
  'generation',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
  'finalizers',
]);
/** Annotations tools and controllers write. */
const SERVER_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'kubectl.kubernetes.io/restartedAt',
]);
const SECRET_KINDS = new Set(['Secret']);
const HIDDEN = '(hidden)';
/**
 * Names that suggest a credential. Why: a value set by hand (`kubectl set env … API_TOKEN=…`) would
 * otherwise reach the summary and a possibly public issue; such values are shown only as differing.
 */
const SENSITIVE_NAME = /pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential|auth/i;

interface Walk {
  readonly kind: string;
  readonly ignore: Ignorer;
  readonly diffs: FieldDiff[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `spec.template.spec.containers[name=web].image` */
export function pathText(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment !== 'string') text += segment.key ? `[${keyText(segment.key)}]` : `[${segment.index}]`;
    else text += /^[A-Za-z_][\w-]*$/.test(segment) ? `${text ? '.' : ''}${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return text;
}

function fieldContext(path: readonly PathSegment[], kind: string): FieldContext {
  const names = path.filter((s): s is string => typeof s === 'string');
  return { field: names.at(-1) ?? '', parent: names.at(-2) ?? '', kind };
}

function isImage(path: readonly PathSegment[]): boolean {
  const names = path.filter((s): s is string => typeof s === 'string');
  return names.at(-1) === 'image' && ['containers', 'initContainers', 'ephemeralContainers'].includes(names.at(-2) ?? '');
}

/** True when the path goes through an env var, a data key or an annotation whose name suggests a credential. */
function sensitive(path: readonly PathSegment[]): boolean {
  return path.some((segment, i) => {
    if (typeof segment !== 'string')
      return path[i - 1] === 'env' && typeof segment.key?.['name'] === 'string' && SENSITIVE_NAME.test(segment.key['name']);
    return i > 0 && ['data', 'stringData', 'binaryData', 'annotations'].includes(String(path[i - 1])) && SENSITIVE_NAME.test(segment);
  });
}

function hidden(value: unknown): unknown {
  return value === undefined ? undefined : HIDDEN;
}

function record(walk: Walk, path: readonly PathSegment[], want: unknown, got: unknown): void {
  if (walk.ignore(path)) return;
  const image = isImage(path);
  const hide = sensitive(path);
  walk.diffs.push({ path: pathText(path), want: hide ? hidden(want) : want, got: hide ? hidden(got) : got, ...(image ? { image } : {}) });
}

function compareList(walk: Walk, path: readonly PathSegment[], want: readonly unknown[], got: unknown): void {
  if (!Array.isArray(got)) {
    record(walk, path, want, got);
    return;
  }
  const field = path.filter((s): s is string => typeof s === 'string').at(-1) ?? '';
  const keyFn = listKeyOf(field);
  const wantKeys = keyFn ? want.map((item) => (isObject(item) ? keyFn(item) : undefined)) : [];
  const unique = new Set(wantKeys.map((k) => (k ? keyString(k) : '')));
  if (!keyFn || wantKeys.some((k) => k === undefined) || unique.size !== want.length) {
    if (want.length !== got.length) record(walk, path, want, got);
    else for (const [index, item] of want.entries()) compareValue(walk, [...path, { index }], item, got[index]);
    return;
  }
  const live = new Map<string, unknown>();
  for (const item of got) {
    const key = isObject(item) ? keyFn(item) : undefined;
    if (key) live.set(keyString(key), item);
  }
  want.forEach((item, index) => {
    const key = wantKeys[index]!;
    compareValue(walk, [...path, { index, key }], item, live.get(keyString(key)));
    live.delete(keyString(key));
  });
  // Items that run but are not in Git (a container added by hand) are drift too; injected ones can be ignored by rule.
  let index = want.length;
  for (const [, item] of live) {
    const key = keyFn(item as Record<string, unknown>)!;
    record(walk, [...path, { index: index++, key }], undefined, item);
  }
}

function compareValue(walk: Walk, path: readonly PathSegment[], want: unknown, got: unknown): void {
  if (want === undefined || want === null) return;
  if (walk.ignore(path)) return;
  if (isObject(want)) {
    if (!isObject(got)) record(walk, path, want, got);
    else for (const [field, value] of Object.entries(want)) compareValue(walk, [...path, field], value, got[field]);
  } else if (Array.isArray(want)) compareList(walk, path, want, got);
  else if (!sameScalar(want, got, fieldContext(path, walk.kind))) record(walk, path, want, got);
}

/** Git's object without what the server owns: server metadata, server annotations and status. */
export function desiredFields(desired: KubeDoc): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = desired as Record<string, unknown> & { metadata?: Record<string, unknown> };
  const meta: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(metadata ?? {})) if (!SERVER_METADATA.has(field)) meta[field] = value;
  if (isObject(meta['annotations'])) {
    meta['annotations'] = Object.fromEntries(Object.entries(meta['annotations']).filter(([name]) => !SERVER_ANNOTATIONS.has(name)));
  }
  // Why: the API server turns a Secret's stringData into base64 data and drops stringData.
  if (desired.kind === 'Secret' && isObject(rest['stringData'])) {
    const encoded = Object.fromEntries(Object.entries(rest['stringData']).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]));
    const { stringData: _s, ...others } = rest;
    return { ...others, data: { ...(isObject(rest['data']) ? rest['data'] : {}), ...encoded }, metadata: meta };
  }
  return { ...rest, metadata: meta };
}

function hideSecrets(diffs: FieldDiff[]): FieldDiff[] {
  return diffs.map((d) => ({ ...d, want: hidden(d.want), got: hidden(d.got) }));
}

/**
 * The fields where the live object differs from Git's, images first. Secret values, and values under
 * names that suggest a credential, are never shown (only that they differ); the rules say which
 * differences to ignore.
 */
export function compareObject(key: ObjectKey, desired: KubeDoc, live: KubeDoc, rules: readonly IgnoreRule[] = []): FieldDiff[] {
  const walk: Walk = { kind: key.kind, ignore: ignorerFor(rules, key, live), diffs: [] };
  const { apiVersion: _a, kind: _k, ...fields } = desiredFields(desired);
  for (const [field, value] of Object.entries(fields)) compareValue(walk, [field], value, (live as Record<string, unknown>)[field]);
  const sorted = [...walk.diffs.filter((d) => d.image), ...walk.diffs.filter((d) => !d.image)];
  return SECRET_KINDS.has(key.kind) ? hideSecrets(sorted) : sorted;
}
