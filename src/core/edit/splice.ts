import { isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Slot } from './nodes.ts';
import type { ParsedFile } from './parse.ts';
import { renderScalar, type ScalarStyle } from './scalar-write.ts';

/** Replace `text.slice(start, end)` with `text`. Every edit Baton makes is a list of these. */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Rewrites a scalar's value in place, in the scalar's own style (quotes, plain). */
export function replaceValue(source: string, slot: Slot, value: string): Splice {
  const [start, end] = slot.node.range ?? [0, 0];
  const style = slot.node.type as ScalarStyle;
  let text = renderScalar(value, style, slot.flow, slot.node.tag === 'tag:yaml.org,2002:str');
  if (start === end) {
    // An empty value (`tag:` or `tag: # note`) has no bytes: keep `key: value # note` spacing.
    if (source[start - 1] === ':') text = ` ${text}`;
    if (source[start] === '#') text = `${text} `;
  }
  return { start, end, text };
}

/**
 * Adds `key: value` fields to a map right after the pair `after`. In a block map that is one new
 * line per field with the sibling's indentation and the line ending of the line it follows; in a
 * flow map it is `, key: value` (on a new line when the map spreads over lines, as pretty JSON does).
 * Keys and values take the style of `after`'s key and value.
 */
export function insertFields(parsed: ParsedFile, map: YAMLMap, after: Pair, fields: ReadonlyArray<readonly [string, string]>): Splice {
  const { text } = parsed;
  const keyNode = after.key as Node;
  const valueNode = after.value as Node;
  const keyStart = keyNode.range![0];
  const valueEnd = valueNode.range![1];
  const indent = indentOf(text, keyStart);
  const flow = map.flow === true;
  // Compact JSON (`{"a":"b"}`) keeps its spacing: reuse the sibling's `:` and `,` separators in flow maps.
  const colon = flow ? reuse(text.slice(keyNode.range![1], valueNode.range![0]), /^[ \t]*:[ \t]*$/, ': ') : ': ';
  const written = fields.map(([key, value]) => styled(key, keyNode, flow) + colon + styled(value, valueNode, flow));
  if (flow) {
    const spread = lineStart(text, keyStart) > (map.range?.[0] ?? 0);
    const separator = spread
      ? `,${lineEnding(text, keyStart, parsed.eol)}${indent}`
      : reuse(commaNear(text, map, after), /^[ \t]*,[ \t]*$/, ', ');
    return { start: valueEnd, end: valueEnd, text: written.map((field) => separator + field).join('') };
  }
  const newline = text.indexOf('\n', valueEnd);
  if (newline < 0) return { start: text.length, end: text.length, text: written.map((field) => parsed.eol + indent + field).join('') };
  const eol = text[newline - 1] === '\r' ? '\r\n' : '\n';
  return { start: newline + 1, end: newline + 1, text: written.map((field) => indent + field + eol).join('') };
}

/**
 * Removes one pair from a map: in a block map exactly its line(s) (with the line ending; at the end
 * of a file without a final newline, the line ending before it), in a flow map the pair and one comma.
 */
export function removePair(text: string, map: YAMLMap, pair: Pair): Splice {
  const index = map.items.indexOf(pair);
  const keyStart = (pair.key as Node).range![0];
  const valueEnd = (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node).range![1];
  const next = map.items[index + 1];
  if (map.flow === true) {
    const previous = map.items[index - 1];
    if (previous !== undefined) return { start: endOf(previous), end: valueEnd, text: '' };
    return { start: keyStart, end: next === undefined ? valueEnd : (next.key as Node).range![0], text: '' };
  }
  const start = lineStart(text, keyStart);
  const newline = text.indexOf('\n', valueEnd);
  if (/^[ \t]*$/.test(text.slice(start, keyStart))) {
    if (newline >= 0) return { start, end: newline + 1, text: '' };
    const before = start > 0 && text[start - 2] === '\r' ? 2 : start > 0 ? 1 : 0;
    return { start: start - before, end: text.length, text: '' };
  }
  // `- digest: …` opens a sequence entry: remove up to the next key so that key takes its place.
  if (next === undefined) throw new Error(`cannot remove the only field of the entry at offset ${keyStart}`);
  return { start: keyStart, end: (next.key as Node).range![0], text: '' };
}

/** Applies non-overlapping splices to a text. Throws when two overlap (a bug, never user input). */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const sorted = sortSplices(splices);
  let out = '';
  let at = 0;
  for (const splice of sorted) {
    if (splice.start < at) throw new Error(`overlapping edits at offset ${splice.start}`);
    out += text.slice(at, splice.start) + splice.text;
    at = splice.end;
  }
  return out + text.slice(at);
}

/**
 * Where an offset of the original text lands after the splices. For an inserted text pass the index
 * of its splice in `splices` (sorted as {@link sortSplices} does): the offset is then where that text starts.
 */
export function mapOffset(splices: readonly Splice[], offset: number, self?: number): number {
  let shift = 0;
  splices.forEach((splice, index) => {
    if (index === self) return;
    const before = splice.end < offset || (splice.end === offset && (self === undefined || index < self));
    if (before) shift += splice.text.length - (splice.end - splice.start);
  });
  return offset + shift;
}

/** Splices in text order; insertions at one offset keep their order. */
export function sortSplices(splices: readonly Splice[]): Splice[] {
  return [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
}

function endOf(pair: Pair): number {
  return ((pair.value as Node | null) ?? (pair.key as Node)).range![1];
}

/** Offset of the first character of the line holding `offset` (after a BOM on the first line). */
export function lineStart(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return start === 0 && text.startsWith('\uFEFF') ? 1 : start;
}

function indentOf(text: string, keyStart: number): string {
  // `- name: x` indents the next key by the width of `- `; tabs are kept as tabs.
  return text.slice(lineStart(text, keyStart), keyStart).replace(/[^\t]/g, ' ');
}

function lineEnding(text: string, offset: number, fallback: string): string {
  const newline = text.indexOf('\n', offset);
  if (newline < 0) return fallback;
  return text[newline - 1] === '\r' ? '\r\n' : '\n';
}

function reuse(found: string, shape: RegExp, fallback: string): string {
  return shape.test(found) ? found : fallback;
}

/** The text between `pair` and a neighbour in a flow map (`, ` or `,`), for a new pair to match. */
function commaNear(text: string, map: YAMLMap, pair: Pair): string {
  const index = map.items.indexOf(pair);
  const previous = map.items[index - 1];
  if (previous !== undefined) return text.slice(endOf(previous), (pair.key as Node).range![0]);
  const next = map.items[index + 1];
  return next === undefined ? '' : text.slice(endOf(pair), (next.key as Node).range![0]);
}

function styled(value: string, like: Node, inFlow: boolean): string {
  const style = isScalar(like) ? (like.type as ScalarStyle) : 'PLAIN';
  return renderScalar(value, style, inFlow);
}
