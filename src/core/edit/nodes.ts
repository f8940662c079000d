import { type Alias, isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ParsedDoc, Path } from './parse.ts';

/** A scalar value Baton may read and rewrite, and how it was reached. */
export interface Slot {
  /** The key the value sits under (`newTag`, `image`, …); for a marked sequence entry, what the marker says it is. */
  readonly key: string;
  /** The scalar that holds the value: the anchored scalar when the value is an alias to one. */
  readonly node: Scalar;
  /** The alias the value was reached through, if any: edits go to the anchor, see {@link Slot.node}. */
  readonly alias?: Alias;
  /** The value as text: strings as parsed, plain numbers as written (`1.10` stays `1.10`), null as ''. */
  readonly text: string;
  /** Where the scalar (not the alias) sits, for the after-edit check. */
  readonly docIndex: number;
  readonly path: Path;
  /** True inside a flow collection (`{…}`/`[…]`), where `,[]{}` would need quoting. */
  readonly flow: boolean;
}

/** Scalar styles Baton edits; block scalars (`|`, `>`) are never image sites. */
const EDITABLE = new Set(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE']);

/** The text of a scalar: see {@link Slot.text}. */
export function scalarText(node: Scalar): string {
  if (node.value === null || node.value === undefined) return '';
  if (typeof node.value === 'string') return node.value;
  // `newTag: 1.10` parses as the number 1.1; the tag the author means is the source text.
  return typeof node.source === 'string' ? node.source : String(node.value);
}

/** True for values written as a template (`{{ .Values.x }}`, `${VAR}`): Baton neither reads nor edits them. */
export function isTemplated(text: string): boolean {
  return text.includes('{{') || text.includes('${');
}

/** The key of a pair as text, when it is a scalar key. */
export function pairKey(pair: unknown): string | undefined {
  if (!isPair(pair) || !isScalar(pair.key)) return undefined;
  const value = pair.key.value;
  return typeof value === 'string' ? value : undefined;
}

/** The pair under `key` in a map. */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => pairKey(pair) === key);
}

/** The value node under `key` in a map. */
export function getValue(map: YAMLMap, key: string): unknown {
  return findPair(map, key)?.value ?? undefined;
}

/** The value at a path of map keys (`valueAt(root, 'spec', 'images')`), or undefined. */
export function valueAt(node: unknown, ...keys: string[]): unknown {
  let current = node;
  for (const key of keys) current = isMap(current) ? getValue(current, key) : undefined;
  return current;
}

/** The string under `key` in a map, for reading structure (`kind`, `apiVersion`). */
export function getString(map: unknown, key: string): string | undefined {
  if (!isMap(map)) return undefined;
  const value = getValue(map, key);
  return isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
}

/**
 * A slot for a value node: an editable scalar, or an alias to one. Templated values and anything
 * else (maps, block scalars, aliases to collections) give undefined.
 */
export function slotOf(doc: ParsedDoc, value: unknown, key: string, flow: boolean): Slot | undefined {
  let node: unknown = value;
  let alias: Alias | undefined;
  if (isAlias(value)) {
    alias = value;
    node = value.resolve(doc.doc);
  }
  if (!isScalar(node) || !EDITABLE.has(String(node.type))) return undefined;
  const text = scalarText(node);
  const path = doc.paths.get(node);
  if (isTemplated(text) || path === undefined) return undefined;
  return { key, node, text, docIndex: doc.index, path, flow, ...(alias === undefined ? {} : { alias }) };
}

/** The slot of the value under `key` in a map. */
export function fieldSlot(doc: ParsedDoc, map: YAMLMap, key: string): Slot | undefined {
  const pair = findPair(map, key);
  return pair === undefined ? undefined : slotOf(doc, pair.value, key, map.flow === true);
}

/** Calls `visit` for every map and sequence under `root` (aliases are not followed), with its parent key. */
export function forEachCollection(
  root: unknown,
  visit: (node: YAMLMap | YAMLSeq, parentKey: string | undefined) => void,
  parentKey?: string,
): void {
  if (isMap(root)) {
    visit(root, parentKey);
    for (const pair of root.items) forEachCollection(pair.value, visit, pairKey(pair));
  } else if (isSeq(root)) {
    visit(root, parentKey);
    for (const item of root.items) forEachCollection(item, visit, parentKey);
  }
}

/**
 * The node a slot is written at (the alias itself when reached through one), so one written value is
 * never claimed by two sites. Two aliases of one anchor are two claims; the shared anchor is checked
 * when planning.
 */
export function claimOf(slot: Slot | undefined): Node[] {
  if (slot === undefined) return [];
  return [slot.alias ?? slot.node];
}
