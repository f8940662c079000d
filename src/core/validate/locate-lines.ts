import type { Position } from './types.ts';

/**
 * Finds the position of a JSON pointer in a block-style YAML document by reading its lines, without
 * building the `yaml` package's node tree (four to five times the cost of reading the document).
 *
 * Why: every invalid resource needs the position of its findings, and parsing its document with `yaml`
 * for that was a fifth of validate's time. This only answers for what it reads exactly the way `yaml`
 * places nodes: plain keys in block mappings and sequences, values on the key's line or a nested block
 * below it. Anything else (quoted keys, flow collections on the way, a missing segment, an empty value)
 * answers undefined, and the caller asks `yaml`. A test compares both over every pointer of the fixtures.
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
function valueStart(lines: Line[], i: number, prefix: number, parentIndent: number, sameIndentItems: boolean): { at: number; inline: boolean } | undefined {
  const line = lines[i]!;
  const rest = line.text.slice(prefix).trimStart();
  if (isContent(rest)) {
    const column = line.indent + (line.text.length - rest.length);
    lines[i] = { indent: column, text: rest, number: line.number };
    return { at: i, inline: true };
  }
  const next = nextContent(lines, i + 1);
  const below = lines[next];
  if (!below || below.indent < parentIndent || (below.indent === parentIndent && !(sameIndentItems && isItem(below.text)))) return undefined;
  return { at: next, inline: false };
}

/**
 * The position of `segments` inside the document `text[start, end)` whose first line is `firstLine`;
 * with `key`, of the key holding the last segment. Undefined when only `yaml` can tell.
 */
export function locateByLines(text: string, start: number, end: number, firstLine: number, segments: readonly string[], key: boolean): Position | undefined {
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
    if (last) return '{[&!*|>'.includes(head[0]!) ? undefined : { line: lines[i]!.number, column: lines[i]!.indent + 1 };
    if (value.inline) return undefined;
  }
  return undefined;
}
