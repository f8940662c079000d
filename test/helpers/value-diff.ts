/**
 * An independent check that an edit touched only value bytes. It does not use the editor's node
 * ranges: both texts go through the `yaml` lexer, the token streams are diffed, and what differs must
 * be (a) scalar values replaced one for one, at value (not key) positions, and (b) whole
 * `tag`/`newTag`/`digest` fields added or removed, with at most the separators such a field needs.
 * Comments, indentation, anchors, aliases, tags, flow brackets, document markers, the BOM and the
 * line-ending style may not change.
 */
import { CST, Lexer } from 'yaml';

interface Token {
  readonly kind: string;
  readonly text: string;
}

const FIELDS = new Set(['tag', 'newTag', 'digest']);
const STRUCTURAL = new Set(['space', 'newline', 'comma', 'map-value-ind']);

/** The lexer's tokens with the scalar marker folded into the scalar that follows it. */
export function tokens(text: string): Token[] {
  const out: Token[] = [];
  let scalarNext = false;
  let blockNext = false;
  for (const token of new Lexer().lex(text)) {
    if (token === '\u001f') {
      scalarNext = true;
      continue;
    }
    if (token.length === 1 && token < ' ' && token !== '\n' && token !== '\t') continue;
    const type = CST.tokenType(token);
    let kind: string = type ?? 'scalar';
    if (scalarNext) kind = blockNext ? 'block-scalar' : 'scalar';
    else if (type === 'double-quoted-scalar' || type === 'single-quoted-scalar') kind = 'scalar';
    if (type === 'block-scalar-header') blockNext = true;
    else if (scalarNext) blockNext = false;
    scalarNext = false;
    out.push({ kind, text: token });
  }
  if (out.map((t) => t.text).join('') !== text) throw new Error('the lexer does not round-trip this text');
  return out;
}

interface Edit {
  readonly removed: number[];
  readonly added: number[];
}

/** Indices of removed (in `a`) and added (in `b`) tokens by a longest-common-subsequence diff. */
export function diffTokens(a: readonly Token[], b: readonly Token[]): Edit {
  const same = (x: Token, y: Token): boolean => x.kind === y.kind && x.text === y.text;
  let start = 0;
  while (start < a.length && start < b.length && same(a[start]!, b[start]!)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && same(a[endA - 1]!, b[endB - 1]!)) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i]![j] = same(a[start + i]!, b[start + j]!) ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const removed: number[] = [];
  const added: number[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && same(a[start + i]!, b[start + j]!)) {
      i++;
      j++;
    } else if (j < m && (i === n || table[i]![j + 1]! >= table[i + 1]![j]!)) {
      added.push(start + j++);
    } else {
      removed.push(start + i++);
    }
  }
  return { removed, added };
}

function isKey(stream: readonly Token[], index: number): boolean {
  for (let k = index + 1; k < stream.length; k++) {
    const kind = stream[k]!.kind;
    if (kind === 'space') continue;
    return kind === 'map-value-ind';
  }
  return false;
}

function unquote(text: string): string {
  return /^["'].*["']$/.test(text) ? text.slice(1, -1) : text;
}

/** Scalars of one side: fields (key + value) added/removed, and the remaining values. */
function fieldsAndValues(
  stream: readonly Token[],
  indices: readonly number[],
  problems: string[],
  side: string,
): { fields: number; values: Token[] } {
  const scalars = indices.filter((i) => stream[i]!.kind === 'scalar');
  let fields = 0;
  const values: Token[] = [];
  for (let k = 0; k < scalars.length; k++) {
    const index = scalars[k]!;
    const token = stream[index]!;
    if (!isKey(stream, index)) {
      values.push(token);
      continue;
    }
    const value = scalars[k + 1];
    if (!FIELDS.has(unquote(token.text)) || value === undefined || isKey(stream, value)) {
      problems.push(`${side} key ${token.text} is not a whole tag/newTag/digest field`);
    }
    fields++;
    k++;
  }
  return { fields, values };
}

/** Problems with the edit from `before` to `after`; empty when only value bytes changed. */
export function valueDiffProblems(before: string, after: string): string[] {
  const a = tokens(before);
  const b = tokens(after);
  const { removed, added } = diffTokens(a, b);
  const problems: string[] = [];
  for (const [stream, indices, side] of [
    [a, removed, 'removed'],
    [b, added, 'added'],
  ] as const) {
    for (const i of indices) {
      const token = stream[i]!;
      if (token.kind !== 'scalar' && !STRUCTURAL.has(token.kind))
        problems.push(`${side} ${token.kind} token ${JSON.stringify(token.text)}`);
    }
  }
  const gone = fieldsAndValues(a, removed, problems, 'removed');
  const come = fieldsAndValues(b, added, problems, 'added');
  // An empty value (`tag:`) has no token: filling it adds a value and the space before it.
  const filled = come.values.length - gone.values.length;
  if (filled < 0) problems.push(`${gone.values.length} values removed but ${come.values.length} values added`);
  checkStructure(a, removed, gone.fields, 0, 'removed', problems);
  checkStructure(b, added, come.fields, Math.max(0, filled), 'added', problems);
  const eols = new Set(a.filter((t) => t.kind === 'newline').map((t) => t.text));
  for (const i of added) {
    const token = b[i]!;
    if (token.kind === 'newline' && eols.size > 0 && !eols.has(token.text))
      problems.push(`added line ending ${JSON.stringify(token.text)}`);
  }
  return problems;
}

/** Separators may change only as much as the added/removed fields need. */
function checkStructure(
  stream: readonly Token[],
  indices: readonly number[],
  fields: number,
  filled: number,
  side: string,
  problems: string[],
): void {
  const count = (kind: string): number => indices.filter((i) => stream[i]!.kind === kind).length;
  if (count('map-value-ind') !== fields) problems.push(`${side} ${count('map-value-ind')} ':' for ${fields} fields`);
  if (count('comma') > fields) problems.push(`${side} ${count('comma')} commas for ${fields} fields`);
  if (count('newline') > fields) problems.push(`${side} ${count('newline')} line breaks for ${fields} fields`);
  if (count('space') > 3 * fields + filled) problems.push(`${side} ${count('space')} runs of white space for ${fields} fields`);
}
