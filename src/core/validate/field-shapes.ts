import { joinPointer } from './pointer.ts';
import type { ObjectValidator, SchemaIssue } from './schema-types.ts';

/**
 * Strict mode for compiled validators that do not forbid unknown fields.
 *
 * Why: the built-in schemas are ajv validators compiled ahead of time from the Kubernetes OpenAPI
 * spec, which carries no `additionalProperties: false` (kubeconform adds it in its `-strict`
 * schemas). A compiled validator reads every property its schema declares and nothing else; maps
 * (`additionalProperties: {...}`) enumerate their keys. So one run over an object wrapped in
 * recording proxies tells, for each object it visited, the declared fields ("closed"), or that it is a
 * map ("open"), or that the schema says nothing about it ("free": preserve-unknown-fields, RawExtension).
 * Shapes are learned per path pattern (`/spec/template/spec/containers[]`) and cached per validator,
 * so later objects of the same kind are checked with a plain walk and no proxies.
 */
type Shape = ReadonlySet<string> | 'open' | 'free';

/** What a recording run saw of one object. */
interface Seen {
  readonly reads: Set<string>;
  enumerated: boolean;
}

/** Wraps a validator so that it also reports fields its schema does not declare (except those `known` accepts). */
export function withUnknownFields(validate: ObjectValidator, known: (key: string) => boolean = () => false): ObjectValidator {
  const shapes = new Map<string, Shape>();
  return (object) => {
    const issues = validate(object);
    const broken = brokenPaths(issues);
    const unknown: SchemaIssue[] = [];
    if (!checkShapes(object, '', '', shapes, broken, unknown, false)) {
      learnShapes(validate, object, shapes, broken);
      unknown.length = 0;
      checkShapes(object, '', '', shapes, broken, unknown, true);
    }
    const reported = unknown.filter((issue) => !known(String(issue.params['additionalProperty'])));
    return reported.length === 0 ? issues : [...issues, ...reported];
  };
}

/** Paths where the validator found the wrong type: it did not look inside them. */
function brokenPaths(issues: readonly SchemaIssue[]): Set<string> {
  return new Set(issues.filter((i) => i.keyword === 'type' || i.keyword === 'oneOf' || i.keyword === 'anyOf').map((i) => i.instancePath));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Walks `value` against learned shapes, collecting unknown fields. Returns false when it met a path
 * pattern not learned yet (unless `final`, after learning, when such places are left alone).
 */
function checkShapes(value: unknown, path: string, pattern: string, shapes: Map<string, Shape>, broken: Set<string>, out: SchemaIssue[], final: boolean): boolean {
  if (broken.has(path)) return true;
  if (Array.isArray(value)) {
    return value.every((item, i) => checkShapes(item, `${path}/${i}`, `${pattern}[]`, shapes, broken, out, final));
  }
  if (!isObject(value)) return true;
  const shape = shapes.get(pattern);
  if (shape === undefined) return final;
  if (shape === 'free') return true;
  let complete = true;
  for (const key of Object.keys(value)) {
    const child = `${path}${joinPointer(key)}`;
    if (shape === 'open') {
      complete = checkShapes(value[key], child, `${pattern}{}`, shapes, broken, out, final) && complete;
    } else if (!shape.has(key)) {
      out.push({ keyword: 'additionalProperties', instancePath: path, params: { additionalProperty: key } });
    } else {
      complete = checkShapes(value[key], child, `${pattern}${joinPointer(key)}`, shapes, broken, out, final) && complete;
    }
  }
  return complete;
}

/** Runs the validator once over recording proxies and stores the shapes of every object it visited. */
function learnShapes(validate: ObjectValidator, object: unknown, shapes: Map<string, Shape>, broken: Set<string>): void {
  const seen = new Map<object, Seen>();
  validate(record(object, seen, new Map()));
  storeShapes(object, '', '', seen, shapes, broken);
}

function record(value: unknown, seen: Map<object, Seen>, proxies: Map<object, object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const cached = proxies.get(value);
  if (cached) return cached;
  const entry: Seen = seen.get(value) ?? { reads: new Set(), enumerated: false };
  seen.set(value, entry);
  const proxy = new Proxy(value, {
    get(target, key) {
      if (typeof key === 'string') entry.reads.add(key);
      return record((target as Record<string | symbol, unknown>)[key], seen, proxies);
    },
    has(target, key) {
      if (typeof key === 'string') entry.reads.add(key);
      return key in target;
    },
    ownKeys(target) {
      entry.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
  proxies.set(value, proxy);
  return proxy;
}

function storeShapes(value: unknown, path: string, pattern: string, seen: Map<object, Seen>, shapes: Map<string, Shape>, broken: Set<string>): void {
  if (broken.has(path) || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      storeShapes(item, `${path}/${i}`, `${pattern}[]`, seen, shapes, broken);
    });
    return;
  }
  const entry = seen.get(value);
  if (!entry) return;
  const shape: Shape = entry.enumerated ? 'open' : entry.reads.size === 0 ? 'free' : entry.reads;
  if (!shapes.has(pattern)) shapes.set(pattern, shape);
  if (shape === 'free') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPattern = shape === 'open' ? `${pattern}{}` : `${pattern}${joinPointer(key)}`;
    if (shape === 'open' || shape.has(key)) storeShapes(child, `${path}${joinPointer(key)}`, childPattern, seen, shapes, broken);
  }
}
