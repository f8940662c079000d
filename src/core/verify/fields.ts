import type { Condition, KubeObject } from './types.ts';

/** The value at a dotted path (`spec.updateStrategy.type`) of a JSON object, or undefined. */
export function field(source: unknown, path: string): unknown {
  let value: unknown = source;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A number at `path`, or `fallback` when it is absent or not a number (the API omits zero values). */
export function numberAt(source: unknown, path: string, fallback = 0): number {
  const value = field(source, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** A number at `path`, or undefined when absent (for fields where absent and zero differ). */
export function numberAtIfAny(source: unknown, path: string): number | undefined {
  const value = field(source, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A string at `path`, or `fallback`. */
export function stringAt(source: unknown, path: string, fallback = ''): string {
  const value = field(source, path);
  return typeof value === 'string' ? value : fallback;
}

/** An array at `path`, or an empty one. */
export function arrayAt<T = unknown>(source: unknown, path: string): readonly T[] {
  const value = field(source, path);
  return Array.isArray(value) ? (value as T[]) : [];
}

/** `status.conditions` of an object. */
export function conditionsOf(object: KubeObject): readonly Condition[] {
  return arrayAt<Condition>(object, 'status.conditions').filter((c) => c && typeof c.type === 'string');
}

/** The condition of `type`, if the object reports it. */
export function findCondition(object: KubeObject, type: string): Condition | undefined {
  return conditionsOf(object).find((condition) => condition.type === type);
}

/** True when the object reports `type` with status `True`. */
export function isTrue(object: KubeObject, type: string): boolean {
  return findCondition(object, type)?.status === 'True';
}

/** `metadata.generation`, treating an absent one as 0 (as client-go's typed objects do). */
export function generationOf(object: KubeObject): number {
  return typeof object.metadata.generation === 'number' ? object.metadata.generation : 0;
}

/** Parses an RFC 3339 time; undefined when absent or unreadable. */
export function timeOf(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `90s`, `2m5s`, `1h2m`: a duration for messages. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m ? `${m}m` : ''}`;
  if (m > 0) return `${m}m${s ? `${s}s` : ''}`;
  return `${s}s`;
}
