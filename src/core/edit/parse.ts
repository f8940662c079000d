import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { UserError } from '../errors.ts';

/** One step of a path from a document's root: a map key (as text) or a sequence index. */
export type PathKey = string | number;
/** Where a node sits in its document. */
export type Path = readonly PathKey[];

/** One parsed YAML document with the path of every node in it. */
export interface ParsedDoc {
  readonly index: number;
  readonly doc: Document.Parsed;
  /** Path of every node reachable without following aliases (keys are not included). */
  readonly paths: ReadonlyMap<Node, Path>;
}

/** A parsed env-repo file: the text, its documents and what is needed to write lines back into it. */
export interface ParsedFile {
  readonly file: string;
  readonly text: string;
  readonly docs: readonly ParsedDoc[];
  readonly lineCounter: LineCounter;
  /** The line ending most lines use, for lines Baton inserts where no neighbour line ends. */
  readonly eol: '\n' | '\r\n';
  readonly bom: boolean;
}

/** A file that is not well-formed YAML: a {@link UserError} the planner may turn into a notice. */
export class MalformedYamlError extends UserError {
  override name = 'MalformedYamlError';
}

/** 1-based line and column of an offset; the BOM is not counted as a column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Parses every document of a YAML or JSON file. Malformed YAML throws a {@link UserError} naming
 * `file:line:column` and the parser's reason. A file that fails to parse and holds `{{` is a Go/Helm
 * template rather than YAML: it yields no documents instead of failing the bump.
 */
export function parseFile(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  // Strict YAML 1.2 (the default); duplicate keys are errors, as kubectl and kustomize treat them.
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const bom = text.startsWith('\uFEFF');
  const base = { file, text, lineCounter, eol: dominantEol(text), bom } as const;
  const error = docs.flatMap((doc) => doc.errors)[0];
  if (error !== undefined) {
    if (text.includes('{{')) return { ...base, docs: [] };
    const { line, column } = positionOf(base, error.pos[0]);
    const where = `${file}:${line}:${column}`;
    throw new MalformedYamlError(`${where}: malformed YAML: ${error.message} (${error.code}). Fix the file; nothing was changed.`, {
      input: where,
    });
  }
  return { ...base, docs: docs.map((doc, index) => ({ index, doc, paths: indexPaths(doc.contents) })) };
}

/** Line and column (1-based) of an offset in the file. */
export function positionOf(parsed: Pick<ParsedFile, 'lineCounter' | 'bom'>, offset: number): Position {
  const { line, col } = parsed.lineCounter.linePos(offset);
  // The BOM is one UTF-16 unit before the first character; editors do not count it as a column.
  return { line, column: parsed.bom && line === 1 ? Math.max(1, col - 1) : col };
}

/** Line and column (1-based) of an offset in any text, counted directly (the BOM is not a column). */
export function textPosition(text: string, offset: number): Position {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  const bom = lineStart === 0 && text.startsWith('\uFEFF') && offset > 0 ? 1 : 0;
  return { line, column: offset - lineStart - bom + 1 };
}

function dominantEol(text: string): '\n' | '\r\n' {
  const lf = text.split('\n').length - 1;
  const crlf = text.split('\r\n').length - 1;
  return crlf > 0 && crlf * 2 >= lf ? '\r\n' : '\n';
}

function indexPaths(root: Node | null): Map<Node, Path> {
  const paths = new Map<Node, Path>();
  const visit = (node: unknown, path: Path): void => {
    if (!isMap(node) && !isSeq(node) && !isScalar(node)) return;
    paths.set(node, path);
    if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) visit(item, [...path, i]);
    }
    if (isMap(node)) {
      for (const pair of node.items) if (isPair(pair)) visit(pair.value, [...path, keyOf(pair.key)]);
    }
  };
  visit(root, []);
  return paths;
}

/** A map key as path text: the scalar's value, or the source of a complex key. */
export function keyOf(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}
