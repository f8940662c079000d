import type { Position } from './types.ts';

/**
 * Finds the position of a JSON pointer in a block-style YAML document by reading its lines, without
 * building the `yaml` package's node tree (four to five times the cost of reading the document).
 *
 * Why: every invalid resource needs the position of its findings, and parsing its document with `yaml`
 * for that was a fifth of validate's time. This only answers for what it reads exactly the way `yaml`
 * places nodes: plain keys in block mappings and sequences and in one-line flow collections, values on
 * the key's line or a nested block below it. Anything else (quoted keys, a missing segment, an empty
 * value) answers undefined, and the caller asks `yaml`. A test compares both over every pointer of the fixtures.
 */

interface Line {
  readonly indent: number;
  /** The line without its indentation. */
  readonly text: string;
  readonly number: number;
}

const PLAIN_KEY_RE = /^([A-Za-z0-9_][A-Za-z0-9_./-]*):(?:\s|$)/;
const isItem = (text: string) => text === '-' || text.startsWith('- ');
const isContent = (text: string) => text !== '' && text[0] !== '#';

/** The lines of `text[start, end)`, numbered from `firstLine`. */
function linesOf(text: string, start: number, end: number, firstLine: number): Line[] {
  const lines: Line[] = [];
  let number = firstLine;
  for (const raw of text.slice(start, end).split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const body = line.trimStart();
    lines.push({ indent: line.length - body.length, text: body.trimEnd(), number });
    number++;
  }
  return lines;
}

/** The first content line at or after `i`, if any. */
function nextContent(lines: readonly Line[], i: number): number {
  while (i < lines.length && !isContent(lines[i]!.text)) i++;
  return i;
}

/** Where the value after `prefix` characters of a line starts: on the line, or the nested block below. */
function valueStart(
  lines: Line[],
  i: number,
  prefix: number,
  parentIndent: number,
  sameIndentItems: boolean,
): { at: number; inline: boolean } | undefined {
  const line = lines[i]!;
  const rest = line.text.slice(prefix).trimStart();
  if (isContent(rest)) {
    const column = line.indent + (line.text.length - rest.length);
    lines[i] = { indent: column, text: rest, number: line.number };
    return { at: i, inline: true };
  }
  const next = nextContent(lines, i + 1);
  const below = lines[next];
  if (!below || below.indent < parentIndent || (below.indent === parentIndent && !(sameIndentItems && isItem(below.text))))
    return undefined;
  return { at: next, inline: false };
}

/**
 * The position of `segments` inside the document `text[start, end)` whose first line is `firstLine`;
 * with `key`, of the key holding the last segment. Undefined when only `yaml` can tell.
 */
export function locateByLines(
  text: string,
  start: number,
  end: number,
  firstLine: number,
  segments: readonly string[],
  key: boolean,
): Position | undefined {
  const lines = linesOf(text, start, end, firstLine);
  let i = nextContent(lines, 0);
  if (i >= lines.length) return undefined;
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s]!;
    const last = s === segments.length - 1;
    const indent = lines[i]!.indent;
    let found = -1;
    if (isItem(lines[i]!.text)) {
      const index = Number(segment);
      if (!Number.isInteger(index) || index < 0) return undefined;
      for (let n = 0, j = i; j < lines.length; j = nextContent(lines, j + 1)) {
        const line = lines[j]!;
        if (line.indent < indent || (line.indent === indent && !isItem(line.text))) break;
        if (line.indent === indent && n++ === index) {
          found = j;
          break;
        }
      }
      if (found < 0) return undefined;
      const value = valueStart(lines, found, 1, indent, false);
      if (!value) return undefined;
      i = value.at;
      if (last) return key ? undefined : { line: lines[i]!.number, column: lines[i]!.indent + 1 };
      if (value.inline && isFlow(lines[i]!.text)) return inFlow(lines[i]!, segments.slice(s + 1), key);
      if (value.inline && !PLAIN_KEY_RE.test(lines[i]!.text) && !isItem(lines[i]!.text)) return undefined;
      continue;
    }
    for (let j = i; j < lines.length; j = nextContent(lines, j + 1)) {
      const line = lines[j]!;
      if (line.indent < indent) break;
      if (line.indent > indent) continue;
      const match = PLAIN_KEY_RE.exec(line.text);
      if (!match) return undefined;
      if (match[1] === segment) {
        found = j;
        break;
      }
    }
    if (found < 0) return undefined;
    const keyLine = lines[found]!;
    if (last && key) return { line: keyLine.number, column: keyLine.indent + 1 };
    const value = valueStart(lines, found, segment.length + 1, indent, true);
    if (!value) return undefined;
    i = value.at;
    const head = lines[i]!.text;
    if (last) return '&!*|>'.includes(head[0]!) ? undefined : { line: lines[i]!.number, column: lines[i]!.indent + 1 };
    if (value.inline) return isFlow(head) ? inFlow(lines[i]!, segments.slice(s + 1), key) : undefined;
  }
  return undefined;
}

const isFlow = (text: string) => text[0] === '{' || text[0] === '[';
const FLOW_KEY_RE = /^[A-Za-z0-9_][A-Za-z0-9_./-]*/;

/** Past the value starting at `q` and the comma after it (the next element follows), or -1 when neither is there. */
function afterElement(t: string, q: number): number {
  const end = skipValue(t, q);
  if (end < 0) return -1;
  const next = skipSpaces(t, end);
  return t[next] === ',' ? next + 1 : -1;
}

function skipSpaces(t: string, q: number): number {
  while (t[q] === ' ') q++;
  return q;
}

/** The index just after the flow value starting at `q` (a collection, a quoted or a plain scalar); -1 when unsure. */
function skipValue(t: string, q: number): number {
  const c = t[q];
  if (c === '"' || c === "'") {
    for (let i = q + 1; i < t.length; i++) {
      if (c === '"' && t[i] === '\\') i++;
      else if (t[i] === c) {
        if (c === "'" && t[i + 1] === "'") i++;
        else return i + 1;
      }
    }
    return -1;
  }
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let i = q; i < t.length; i++) {
      const d = t[i];
      if (d === '"' || d === "'") {
        i = skipValue(t, i) - 1;
        if (i < 0) return -1;
      } else if (d === '{' || d === '[') depth++;
      else if ((d === '}' || d === ']') && --depth === 0) return i + 1;
    }
    return -1;
  }
  let i = q;
  while (i < t.length && t[i] !== ',' && t[i] !== '}' && t[i] !== ']') i++;
  return i;
}

/** Finds `segments` inside the one-line flow collection that starts `line.text`. */
function inFlow(line: Line, segments: readonly string[], key: boolean): Position | undefined {
  const t = line.text;
  const at = (q: number): Position => ({ line: line.number, column: line.indent + q + 1 });
  let p = 0;
  for (let s = 0; s < segments.length; s++) {
    const last = s === segments.length - 1;
    let q = p + 1;
    let found = -1;
    if (t[p] === '{') {
      for (;;) {
        q = skipSpaces(t, q);
        const name = FLOW_KEY_RE.exec(t.slice(q))?.[0];
        if (!name) return undefined;
        const keyAt = q;
        q = skipSpaces(t, q + name.length);
        if (t[q] !== ':' || !' ,}]'.includes(t[q + 1] ?? '')) return undefined;
        q = skipSpaces(t, q + 1);
        if (name === segments[s]) {
          if (last && key) return at(keyAt);
          found = q;
          break;
        }
        q = afterElement(t, q);
        if (q < 0) return undefined;
      }
    } else if (t[p] === '[') {
      const index = Number(segments[s]);
      if (!Number.isInteger(index) || index < 0 || (last && key)) return undefined;
      for (let n = 0; ; n++) {
        q = skipSpaces(t, q);
        if (t[q] === ']') return undefined;
        if (n === index) {
          found = q;
          break;
        }
        q = afterElement(t, q);
        if (q < 0) return undefined;
      }
    } else return undefined;
    if (',}]'.includes(t[found] ?? ',')) return undefined;
    if (last) return at(found);
    p = found;
  }
  return undefined;
}
