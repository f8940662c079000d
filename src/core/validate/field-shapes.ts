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

/**
 * Learned shapes as a tree over path patterns: a node per place (`/spec/template/spec/containers[]`),
 * so that checking an object is a walk with one map lookup per field and no strings built.
 */
interface ShapeNode {
  shape?: Shape;
  /** Fields of a closed object. */
  readonly fields: Map<string, ShapeNode>;
  /** The items of an array, and the values of an open object (a map). */
  items?: ShapeNode;
  values?: ShapeNode;
}

const newNode = (): ShapeNode => ({ fields: new Map() });

function fieldNode(node: ShapeNode, key: string): ShapeNode {
  let child = node.fields.get(key);
  if (!child) {
    child = newNode();
    node.fields.set(key, child);
  }
  return child;
}

/** What a recording run saw of one object. */
interface Seen {
  readonly reads: Set<string>;
  enumerated: boolean;
}

/** A walk's context: where the validator found wrong types (it did not look inside), and what was found. */
interface Walk {
  readonly broken: ReadonlySet<string>;
  readonly out: SchemaIssue[];
  readonly final: boolean;
  /** The path to here, as segments; joined only when a path is needed. */
  readonly stack: string[];
}

const pathOf = (stack: readonly string[]) => (stack.length === 0 ? '' : joinPointer(...stack));

/** Wraps a validator so that it also reports fields its schema does not declare (except those `known` accepts). */
export function withUnknownFields(validate: ObjectValidator, known: (key: string) => boolean = () => false): ObjectValidator {
  const root = newNode();
  return (object) => {
    const issues = validate(object);
    const broken = brokenPaths(issues);
    const unknown: SchemaIssue[] = [];
    if (!checkShapes(object, root, { broken, out: unknown, final: false, stack: [] })) {
      learnShapes(validate, object, root, broken);
      unknown.length = 0;
      checkShapes(object, root, { broken, out: unknown, final: true, stack: [] });
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
 * Walks `value` against learned shapes, collecting unknown fields. Returns false when it met a place
 * not learned yet (unless `final`, after learning, when such places are left alone).
 */
function checkShapes(value: unknown, node: ShapeNode | undefined, w: Walk): boolean {
  if (w.broken.size > 0 && w.broken.has(pathOf(w.stack))) return true;
  if (Array.isArray(value)) {
    let complete = true;
    for (let i = 0; i < value.length && complete; i++) {
      w.stack.push(String(i));
      complete = checkShapes(value[i], node?.items, w);
      w.stack.pop();
    }
    return complete;
  }
  if (!isObject(value)) return true;
  const shape = node?.shape;
  if (shape === undefined) return w.final;
  if (shape === 'free') return true;
  let complete = true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (shape !== 'open' && !shape.has(key)) {
      w.out.push({ keyword: 'additionalProperties', instancePath: pathOf(w.stack), params: { additionalProperty: key } });
      continue;
    }
    w.stack.push(key);
    complete = checkShapes(value[key], shape === 'open' ? node?.values : node?.fields.get(key), w) && complete;
    w.stack.pop();
  }
  return complete;
}

/** Runs the validator once over recording proxies and stores the shapes of every object it visited. */
function learnShapes(validate: ObjectValidator, object: unknown, root: ShapeNode, broken: Set<string>): void {
  const seen = new Map<object, Seen>();
  validate(record(object, seen, new Map()));
  storeShapes(object, '', root, seen, broken);
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

function storeShapes(value: unknown, path: string, node: ShapeNode, seen: Map<object, Seen>, broken: Set<string>): void {
  if (broken.has(path) || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    node.items ??= newNode();
    for (const [i, item] of value.entries()) storeShapes(item, `${path}/${i}`, node.items, seen, broken);
    return;
  }
  const entry = seen.get(value);
  if (!entry) return;
  const shape: Shape = entry.enumerated ? 'open' : entry.reads.size === 0 ? 'free' : entry.reads;
  node.shape ??= shape;
  if (shape === 'free') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (shape === 'open') {
      node.values ??= newNode();
      storeShapes(child, `${path}${joinPointer(key)}`, node.values, seen, broken);
    } else if (shape.has(key)) storeShapes(child, `${path}${joinPointer(key)}`, fieldNode(node, key), seen, broken);
  }
}
