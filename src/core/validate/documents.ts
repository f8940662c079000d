import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, parseDocument } from 'yaml';
import { exceedsDepth, TooDeepError } from './depth.ts';
import { locateByLines } from './locate-lines.ts';
import { type FastDocument, fastReadStream, YAML_READ_OPTIONS } from './fast-yaml.ts';
import { pointerSegments } from './pointer.ts';
import type { Position, RawFinding } from './types.ts';

/** One YAML document of a file or rendered stream. */
export interface ParsedDocument {
  /** 1-based index in its stream. */
  readonly index: number;
  /** The document as plain data; null for an empty or comment-only document. */
  readonly value: unknown;
  /** Where the document's content starts. */
  readonly start: Position;
  /** The comment before the content (Helm writes `Source: chart/templates/x.yaml` there). */
  readonly comment?: string;
  /** Finds a JSON pointer inside the document: the value, or with `key` the key that holds it. */
  locate(pointer: string, options?: { key?: boolean }): Position;
}

/** A parsed stream: its documents and the syntax problems found on the way. */
export interface ParsedStream {
  readonly documents: readonly ParsedDocument[];
  readonly findings: readonly RawFinding[];
}

/** How to parse a stream. */
export interface ParseOptions {
  /** Duplicate keys are errors (kubeconform's strict mode); otherwise the last one wins, as kubectl does. */
  readonly strict: boolean;
}

const FIX_SYNTAX = 'Fix the YAML syntax at this place; the document was not checked further.';

/**
 * Splits a YAML (or JSON) stream into documents, the way the API server's YAML decoder reads them:
 * YAML 1.1 scalars (`on` is a boolean), merge keys, aliases bounded against alias bombs.
 * Empty and comment-only documents come back with a null value; they are not errors.
 */
export function parseStream(text: string, file: string, options: ParseOptions): ParsedStream {
  const fast = fastReadStream(text);
  if (fast) return { documents: fast.map((doc, i) => fromFast(text, doc, i + 1)), findings: [] };
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...YAML_READ_OPTIONS, lineCounter, uniqueKeys: options.strict, prettyErrors: false });
  const documents: ParsedDocument[] = [];
  const findings: RawFinding[] = [];
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, i) => {
    const index = i + 1;
    // Why: yaml catches its own stack overflow on absurd nesting and reports it as a syntax error at a
    // place that depends on the machine's stack; it is the same verdict as the depth limit.
    if (doc.errors.some((error) => /call stack/i.test(error.message))) throw new TooDeepError();
    const broken = doc.errors.filter((error) => error.code !== 'DUPLICATE_KEY');
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      const duplicate = error.code === 'DUPLICATE_KEY';
      findings.push({
        rule: duplicate ? 'duplicate-key' : 'yaml-syntax',
        message: `document ${index}: ${firstLine(error.message)}`,
        location: { file, line: pos.line, column: pos.col, document: index },
        fix: duplicate ? 'Remove one of the keys: Kubernetes keeps only the last one, so the first is silently lost.' : FIX_SYNTAX,
      });
    }
    if (broken.length > 0) return;
    documents.push(toParsed(doc, index, lineCounter));
  });
  return { documents, findings };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * A document the fast reader read. Positions come from parsing the document's own text with `yaml`,
 * once, the first time a finding needs one (most documents never do). Inside a `List`, only the item's
 * own text is parsed: the node tree of a 100,000-item List would take a gigabyte.
 */
function fromFast(text: string, doc: FastDocument, index: number): ParsedDocument {
  let located: Located | undefined;
  let base: number | undefined;
  let item: { index: number; located: Located } | undefined;
  return {
    index,
    value: doc.value,
    start: { line: doc.line, column: doc.column },
    ...(doc.comment ? { comment: doc.comment } : {}),
    locate(pointer, options) {
      const segments = pointerSegments(pointer);
      const key = options?.key === true;
      const at = doc.items && segments[0] === 'items' ? Number(segments[1]) : Number.NaN;
      const start = Number.isInteger(at) ? doc.items?.[at] : undefined;
      if (start) {
        if (segments.length === 2 && !key) return { line: start.line, column: start.column };
        const end = doc.items?.[at + 1]?.offset ?? doc.end;
        const inItem = ['0', ...segments.slice(2)];
        const quick = locateByLines(text, start.offset, end, start.line, inItem, key);
        if (quick) return quick;
        if (item?.index !== at) item = { index: at, located: locateIn(text, start.offset, end, lineOf(text, start.offset, start.line)) };
        return item.located.find(inItem, key) ?? { line: start.line, column: start.column };
      }
      base ??= lineOf(text, doc.start);
      const quick = locateByLines(text, doc.start, doc.end, base + 1, segments, key);
      if (quick) return quick;
      located ??= locateIn(text, doc.start, doc.end, base);
      return located.find(segments, key) ?? { line: doc.line, column: doc.column };
    },
  };
}

/** A piece of a stream parsed with `yaml` for positions. */
interface Located {
  find(segments: readonly string[], key: boolean): Position | undefined;
}

/** Lines before `offset`: given when known, else counted. */
function lineOf(text: string, offset: number, known?: number): number {
  if (known !== undefined) return known - 1;
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Parses `text[start, end)` (which starts at a line start) and finds pointers in it, in stream lines. */
function locateIn(text: string, start: number, end: number, base: number): Located {
  const lineCounter = new LineCounter();
  const parsed = parseDocument(text.slice(start, end), { ...YAML_READ_OPTIONS, lineCounter });
  return {
    find(segments, key) {
      const offset = offsetOf(parsed.contents, segments, key);
      if (offset === undefined) return undefined;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line + base, column: pos.col };
    },
  };
}

function toParsed(doc: Document.Parsed, index: number, lineCounter: LineCounter): ParsedDocument {
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (exceedsDepth(value)) throw new TooDeepError();
  const startOffset = doc.contents?.range?.[0] ?? doc.range[0];
  const position = (offset: number): Position => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  // Why both: a comment directly above the content belongs to the content node, one set off by a blank line to the document.
  const comment = doc.commentBefore ?? (doc.contents as { commentBefore?: string | null } | null)?.commentBefore ?? undefined;
  return {
    index,
    ...(comment ? { comment } : {}),
    value: value ?? null,
    start: position(startOffset),
    locate: (pointer, options) => position(offsetOf(doc.contents, pointerSegments(pointer), options?.key === true) ?? startOffset),
  };
}

/** The offset of the deepest node on the path; with `key`, of the key of the last segment when it exists. */
function offsetOf(root: unknown, segments: readonly string[], key: boolean): number | undefined {
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === segment);
      if (!pair) return offset;
      if (last && key && isScalar(pair.key)) return pair.key.range?.[0] ?? offset;
      node = pair.value as Node | null;
      offset = node?.range?.[0] ?? (isScalar(pair.key) ? pair.key.range?.[0] : offset) ?? offset;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) return offset;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}
