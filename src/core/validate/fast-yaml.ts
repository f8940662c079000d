import { type DocumentOptions, type ParseOptions, parse, type SchemaOptions } from 'yaml';
import { MAX_DEPTH, TooDeepError } from './depth.ts';

/**
 * A fast reader for the YAML that manifests are made of: block mappings and sequences, plain and
 * quoted scalars, one-line flow collections, literal block scalars and comments.
 *
 * Why: the `yaml` package builds a node tree with source ranges for every value, which is most of the
 * cost of validating (it caps a run at a few thousand resources per second). Positions are only needed
 * for the few values that have findings, so the common case is read here without them, and a document
 * is handed back (undefined) at the first construct this reader does not handle exactly like `yaml`
 * does (anchors, aliases, tags, merge keys, folded scalars, multi-line plain or quoted scalars,
 * duplicate keys, anything malformed): the caller then parses the stream with `yaml`, which also
 * reports errors with their positions. Plain scalars other than plain words and decimal integers are
 * resolved by `yaml` itself (YAML 1.1, as the API server reads them), so values always come out the
 * same; a test compares both readers over every fixture and the benchmark corpus.
 */

/** One document read by the fast reader. */
export interface FastDocument {
  /** The document as plain data; null when empty. */
  readonly value: unknown;
  /** Offset in the stream where the document's lines start (after `---`), and where they end. */
  readonly start: number;
  readonly end: number;
  /** 1-based line and column of the first content character. */
  readonly line: number;
  readonly column: number;
  /** The comment lines before the content, without `#` (Helm writes `Source: …` there). */
  readonly comment?: string;
  /** Where each item of a root `items:` block sequence (a `List`) starts, for locating inside one item. */
  readonly items?: readonly ItemStart[];
}

/** Where a sequence item starts: the offset of its `- ` line, its 1-based line, and the column of its content. */
export interface ItemStart {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

interface Line {
  readonly indent: number;
  /** The line without its indentation. */
  readonly text: string;
  /** Offset of the line's start in the stream, and 1-based line number. */
  readonly offset: number;
  readonly number: number;
}

/** Thrown inside the reader when a construct is outside what it handles; never escapes. */
class Unsupported extends Error {}

const fail = (): never => {
  throw new Unsupported();
};

/** The `yaml` options the reader must agree with (see documents.ts). */
export const YAML_READ_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  // Why: yaml reports odd shapes (a mapping as a key) through process.emitWarning, which Node prints raw
  // on stderr; validate reports what matters as findings instead.
  logLevel: 'error',
  // Why: the API server's decoder leaves timestamps as strings; YAML 1.1's timestamp tag makes Dates.
  customTags: (tags) => tags.filter((tag) => (typeof tag === 'string' ? tag !== 'timestamp' : tag.tag !== 'tag:yaml.org,2002:timestamp')),
};

// Why the first character decides: YAML 1.1 gives a non-string type only to words in SPECIAL_WORDS and
// to numbers, which start with a digit, a sign or a dot (or, for `yaml`, an exponent: `e10` is a float
// there); image references and names need no parse.
const WORD_RE = /^(?![eE][-+]?[0-9])[A-Za-z_/]/;
const INT_RE = /^-?[1-9][0-9]{0,14}$|^0$/;
const SPECIAL_WORDS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
  'null',
  'Null',
  'NULL',
]);
const resolved = new Map<string, unknown>();

/** Resolves a plain scalar exactly as `yaml` does (YAML 1.1 without timestamps), with a cache. */
function plainValue(text: string): unknown {
  if (WORD_RE.test(text) && !SPECIAL_WORDS.has(text)) return text;
  if (INT_RE.test(text)) return Number(text);
  if (resolved.has(text)) return resolved.get(text);
  const value = parse(text, YAML_READ_OPTIONS) as unknown;
  if (value !== null && typeof value === 'object') fail();
  if (resolved.size < 10_000) resolved.set(text, value);
  return value;
}

/** Where a plain scalar on a block line ends: at ` #` or the end. */
function stripComment(text: string): string {
  const hash = text.search(/\s#/);
  return (hash < 0 ? text : text.slice(0, hash)).trimEnd();
}

function checkPlain(text: string, flow: boolean): void {
  if (text === '' || /^[&*!|>%@`'"{}[\],#]/.test(text) || /^[?:-](\s|$)/.test(text)) fail();
  if (/:(\s|$)/.test(text) || (flow && /[,[\]{}]/.test(text))) fail();
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  '"': '"',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  ' ': ' ',
  b: '\b',
  f: '\f',
};

/** Reads a quoted scalar at `text[0]`; returns the value and the rest of the text after the quote. */
function quoted(text: string): [string, string] {
  const quote = text[0]!;
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'" && c === "'") {
      if (text[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      return [out, text.slice(i + 1)];
    }
    if (quote === '"' && c === '"') return [out, text.slice(i + 1)];
    if (quote === '"' && c === '\\') {
      const next = text[++i] ?? fail();
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
        out += String.fromCharCode(Number.parseInt(text.slice(i + 1, i + 5), 16));
        i += 4;
      } else {
        out += ESCAPES[next] ?? fail();
      }
      continue;
    }
    out += c;
  }
  return fail();
}

/** Reads a one-line flow collection or scalar; returns the value and the rest of the text. */
function flowValue(text: string): [unknown, string] {
  const s = text.trimStart();
  if (s[0] === '{' || s[0] === '[') return flowCollection(s);
  if (s[0] === '"' || s[0] === "'") return quoted(s);
  const end = s.search(/[,\]}]|:\s|\s#/);
  const raw = (end < 0 ? s : s.slice(0, end)).trimEnd();
  checkPlain(raw, true);
  return [plainValue(raw), end < 0 ? '' : s.slice(end)];
}

/** How deep the flow collection being read nests (flowCollection recurses through flowValue). */
let flowDepth = 0;

function flowCollection(text: string): [unknown, string] {
  if (++flowDepth > MAX_DEPTH) {
    flowDepth = 0;
    throw new TooDeepError();
  }
  try {
    return flowCollectionBody(text);
  } finally {
    flowDepth = Math.max(0, flowDepth - 1);
  }
}

function flowCollectionBody(text: string): [unknown, string] {
  const mapping = text[0] === '{';
  const close = mapping ? '}' : ']';
  const out: unknown = mapping ? {} : [];
  let rest = text.slice(1).trimStart();
  while (rest[0] !== close) {
    if (rest === '' || rest[0] === ',') fail();
    if (mapping) {
      const [key, afterKey] = flowValue(rest);
      if (!afterKey.startsWith(':')) fail();
      const [value, afterValue] = flowValue(afterKey.slice(1));
      setKey(out as Record<string, unknown>, String(key), value);
      rest = afterValue.trimStart();
    } else {
      const [value, after] = flowValue(rest);
      (out as unknown[]).push(value);
      rest = after.trimStart();
    }
    if (rest[0] === ',') rest = rest.slice(1).trimStart();
    else if (rest[0] !== close) fail();
  }
  return [out, rest.slice(1)];
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '<<' || key === '__proto__' || Object.hasOwn(target, key)) fail();
  target[key] = value;
}

/** Reads the rest of a line as a value that ends there (scalar or flow collection). */
function inlineValue(text: string): unknown {
  if (text[0] === '{' || text[0] === '[' || text[0] === '"' || text[0] === "'") {
    const [value, rest] = text[0] === '{' || text[0] === '[' ? flowCollection(text) : quoted(text);
    if (!/^\s*(#.*)?$/.test(rest)) fail();
    return value;
  }
  const raw = stripComment(text);
  checkPlain(raw, false);
  return plainValue(raw);
}

/** The reader over the lines of one document. */
class Reader {
  readonly lines: Line[];
  i = 0;
  /** Mapping depth, to know the root mapping's `items:` key. */
  depth = 0;
  /** Set while reading the value of the root `items:` key; the first sequence there records its items. */
  recordItems = false;
  items: ItemStart[] | undefined;
  constructor(lines: Line[]) {
    this.lines = lines;
  }

  /** Skips blank and comment-only lines. */
  skip(): Line | undefined {
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.text !== '' && line.text[0] !== '#') return line;
      this.i++;
    }
    return undefined;
  }

  /** Block nodes open around the current line. */
  level = 0;

  /** Runs `read` one block level deeper, refusing documents that nest beyond MAX_DEPTH. */
  deeper<T>(read: () => T): T {
    if (++this.level > MAX_DEPTH) throw new TooDeepError();
    try {
      return read();
    } finally {
      this.level--;
    }
  }

  /** A block node starting at the current line, at exactly `indent`. */
  block(indent: number): unknown {
    const line = this.skip();
    if (!line || line.indent !== indent) return fail();
    if (line.text === '-' || line.text.startsWith('- ')) return this.sequence(indent);
    if (line.text[0] === '{' || line.text[0] === '[') {
      this.i++;
      return this.scalarOrBlockScalar(line.text, indent - 1);
    }
    return this.mapping(indent);
  }

  /** A value after `key:` (or `-`) with nothing more on the line: a nested block, or null. */
  nested(parentIndent: number, allowSameIndentSequence: boolean): unknown {
    const next = this.skip();
    if (!next || next.indent < parentIndent) return null;
    if (next.indent > parentIndent) return this.block(next.indent);
    if (allowSameIndentSequence && (next.text === '-' || next.text.startsWith('- '))) return this.sequence(parentIndent);
    return null;
  }

  sequence(indent: number): unknown[] {
    return this.deeper(() => this.sequenceBody(indent));
  }

  sequenceBody(indent: number): unknown[] {
    const out: unknown[] = [];
    const record: ItemStart[] | undefined = this.recordItems ? [] : undefined;
    this.recordItems = false;
    if (record) this.items = record;
    for (let line = this.skip(); line && line.indent === indent && (line.text === '-' || line.text.startsWith('- ')); line = this.skip()) {
      const rest = line.text.slice(1).trimStart();
      record?.push({
        offset: line.offset,
        line: line.number,
        column: indent + 1 + (rest === '' || rest[0] === '#' ? 0 : line.text.length - rest.length),
      });
      if (rest === '' || rest[0] === '#') {
        this.i++;
        out.push(this.nested(indent, false));
        continue;
      }
      const inner = indent + (line.text.length - rest.length);
      this.lines[this.i] = { ...line, indent: inner, text: rest };
      out.push(this.itemValue(inner, indent));
    }
    return out;
  }

  /** The value of a sequence item written on the `- ` line: a compact mapping, a nested `- `, or a scalar. */
  itemValue(indent: number, dashIndent: number): unknown {
    const line = this.lines[this.i]!;
    if (line.text.startsWith('- ') || line.text === '-') return this.sequence(indent);
    if (keyEnd(line.text) >= 0) return this.mapping(indent);
    this.i++;
    return this.scalarOrBlockScalar(line.text, dashIndent);
  }

  mapping(indent: number): Record<string, unknown> {
    return this.deeper(() => this.mappingBody(indent));
  }

  mappingBody(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.depth++;
    for (let line = this.skip(); line && line.indent === indent; line = this.skip()) {
      if (line.text === '-' || line.text.startsWith('- ')) fail();
      const colon = keyEnd(line.text);
      if (colon < 0) fail();
      const key = blockKey(line.text.slice(0, colon).trimEnd());
      const rest = line.text.slice(colon + 1).trimStart();
      this.i++;
      const block = rest === '' || rest[0] === '#';
      this.recordItems = block && this.depth === 1 && key === 'items';
      setKey(out, key, block ? this.nested(indent, true) : this.scalarOrBlockScalar(rest, indent));
      this.recordItems = false;
    }
    this.depth--;
    const after = this.skip();
    if (after && after.indent > indent) fail();
    return out;
  }

  /** A value on the line (already consumed), or a literal block scalar whose lines follow. */
  scalarOrBlockScalar(text: string, parentIndent: number): unknown {
    if (text[0] === '|') return this.literal(text, parentIndent);
    const value = inlineValue(text);
    const next = this.skip();
    // Why: a more indented line after a scalar would be a multi-line plain scalar (or an error).
    if (next && next.indent > parentIndent) fail();
    return value;
  }

  /** A literal block scalar (`|`, `|-`, `|+`) whose content is indented more than `parentIndent`. */
  literal(header: string, parentIndent: number): string {
    const match = /^\|([+-]?)\s*(#.*)?$/.exec(header);
    if (!match) return fail();
    const body: string[] = [];
    let contentIndent = -1;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      const blank = line.text === '';
      if (!blank && line.indent <= parentIndent) break;
      if (!blank && contentIndent < 0) contentIndent = line.indent;
      if (!blank && line.indent < contentIndent) fail();
      body.push(
        blank
          ? line.indent > contentIndent && contentIndent >= 0
            ? ' '.repeat(line.indent - contentIndent)
            : ''
          : ' '.repeat(line.indent - contentIndent) + line.text,
      );
      this.i++;
    }
    const text = body.join('\n');
    const content = text.replace(/\n+$/, '');
    if (match[1] === '-') return content;
    if (match[1] === '+') return `${text}\n`;
    return content === '' ? '' : `${content}\n`;
  }
}

/** The index of the `:` that ends a block mapping key on the line, or -1. */
function keyEnd(text: string): number {
  if (text[0] === '"' || text[0] === "'") {
    const [, rest] = quoted(text);
    const at = text.length - rest.length;
    return /^\s*:(\s|$)/.test(rest) ? text.indexOf(':', at) : -1;
  }
  if (text[0] === '{' || text[0] === '[' || text[0] === '#') return -1;
  const match = /:(\s|$)/.exec(text);
  if (!match) return -1;
  const hash = text.search(/\s#/);
  return hash >= 0 && hash < match.index ? -1 : match.index;
}

function blockKey(text: string): string {
  if (text[0] === '"' || text[0] === "'") return quotedKey(text);
  checkPlain(text, false);
  return String(plainValue(text));
}

function quotedKey(text: string): string {
  const [key, rest] = quoted(text);
  if (rest.trim() !== '') fail();
  return key;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  let number = 1;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const body = line.trimStart();
    const indent = line.length - body.length;
    if (line.slice(0, indent).includes('\t')) fail();
    lines.push({ indent, text: body.trimEnd(), offset, number });
    offset += raw.length + 1;
    number++;
  }
  return lines;
}

function documentOf(lines: Line[], start: number, end: number): FastDocument {
  const comments: string[] = [];
  let first: Line | undefined;
  for (const line of lines) {
    if (line.text === '') continue;
    if (line.text[0] !== '#') {
      first = line;
      break;
    }
    comments.push(line.text.slice(1));
  }
  const reader = new Reader(lines);
  const value = first ? reader.block(first.indent) : null;
  if (reader.skip()) fail();
  return {
    value,
    start,
    end,
    line: first?.number ?? lines[0]?.number ?? 1,
    column: (first?.indent ?? 0) + 1,
    ...(comments.length > 0 ? { comment: comments.join('\n') } : {}),
    ...(reader.items ? { items: reader.items } : {}),
  };
}

/** Reads a stream of documents, or returns undefined when any of them needs the full parser. */
export function fastReadStream(text: string): FastDocument[] | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    const lines = splitLines(text);
    const docs: FastDocument[] = [];
    let current: Line[] = [];
    let start = 0;
    let explicit = false;
    const flush = (end: number) => {
      if (explicit || current.some((l) => l.text !== '' && l.text[0] !== '#')) docs.push(documentOf(current, start, end));
    };
    for (const line of lines) {
      if (line.indent === 0 && (line.text === '---' || line.text.startsWith('--- #') || line.text === '...')) {
        if (line.text === '...') fail();
        flush(line.offset);
        current = [];
        start = line.offset + line.text.length + 1;
        explicit = true;
        continue;
      }
      if (line.indent === 0 && (line.text.startsWith('---') || line.text.startsWith('%'))) fail();
      current.push(line);
    }
    flush(text.length);
    return docs;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
