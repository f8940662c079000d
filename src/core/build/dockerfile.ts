/**
 * A Dockerfile split into instructions and stages (Dockerfile reference: parser directives, escape
 * character, line continuations, comments, heredocs). Enough to check a `target` and for the layer
 * builder's subset; the real builders parse the file themselves.
 */
import { UserError } from '../errors.ts';

/** One instruction, its continuation lines joined. */
export interface Instruction {
  /** Upper case: `FROM`, `COPY`. */
  readonly keyword: string;
  /** `--name=value` flags before the arguments (`--from`, `--chown`, `--platform`). */
  readonly flags: Readonly<Record<string, string>>;
  /** The arguments after the flags, as written (heredoc bodies appended after a newline). */
  readonly args: string;
  /** 1-based line of the keyword. */
  readonly line: number;
}

/** A build stage: `FROM <base> [AS <name>]` and what follows. */
export interface Stage {
  readonly base: string;
  readonly name?: string;
  readonly from: Instruction;
  readonly instructions: readonly Instruction[];
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  /** The file as named in messages. */
  readonly file: string;
  readonly escape: string;
  /** `ARG`s before the first `FROM` (usable in `FROM` lines). */
  readonly globalArgs: readonly Instruction[];
  readonly stages: readonly Stage[];
}

const DIRECTIVE_RE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC_RE = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/** A UserError about a Dockerfile line, naming the `file` input. */
export function dockerfileError(file: string, line: number, message: string): UserError {
  return new UserError(`file: ${file}:${line}: ${message}`, { input: 'file' });
}

function readDirectives(lines: readonly string[]): { escapeChar: string; start: number } {
  let escapeChar = '\\';
  let start = 0;
  for (; start < lines.length; start++) {
    const match = DIRECTIVE_RE.exec(lines[start]!.trim());
    if (!match) break;
    if (match[1]!.toLowerCase() === 'escape') escapeChar = match[2]!;
  }
  return { escapeChar, start };
}

/** Splits leading `--flag[=value]` words off the arguments. */
function splitFlags(text: string): { flags: Record<string, string>; args: string } {
  const flags: Record<string, string> = {};
  let rest = text.trimStart();
  for (let match = /^--([a-z-]+)(?:=(\S*))?(?:\s+|$)/.exec(rest); match; match = /^--([a-z-]+)(?:=(\S*))?(?:\s+|$)/.exec(rest)) {
    flags[match[1]!] = match[2] ?? 'true';
    rest = rest.slice(match[0].length);
  }
  return { flags, args: rest.trim() };
}

/** Joins continuation lines; comment and blank lines inside a continuation are dropped, as Docker does. */
function logicalLines(lines: readonly string[], start: number, escapeChar: string): { text: string; line: number; next: number }[] {
  const out: { text: string; line: number; next: number }[] = [];
  let i = start;
  while (i < lines.length) {
    const first = lines[i]!;
    if (first.trim() === '' || first.trimStart().startsWith('#')) {
      i++;
      continue;
    }
    const line = i + 1;
    let text = '';
    let current = first;
    for (;;) {
      const trimmed = current.replace(/\s+$/, '');
      i++;
      if (!trimmed.endsWith(escapeChar)) {
        text += trimmed;
        break;
      }
      text += trimmed.slice(0, -escapeChar.length);
      while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.trimStart().startsWith('#'))) i++;
      if (i >= lines.length) break;
      current = lines[i]!;
    }
    out.push({ text, line, next: i });
    const heredocs = [...text.matchAll(HEREDOC_RE)];
    if (heredocs.length > 0) i = skipHeredocs(lines, i, heredocs, out.at(-1)!);
  }
  return out;
}

/** Appends heredoc bodies to the instruction text and returns the line after them. */
function skipHeredocs(lines: readonly string[], from: number, heredocs: RegExpMatchArray[], entry: { text: string }): number {
  let i = from;
  for (const heredoc of heredocs) {
    const strip = heredoc[1] === '-';
    const word = heredoc[3]!;
    while (i < lines.length) {
      const body = strip ? lines[i]!.replace(/^\t+/, '') : lines[i]!;
      i++;
      if (body === word) break;
      entry.text += `\n${body}`;
    }
  }
  return i;
}

/** Parses a Dockerfile; `file` names it in messages. */
export function parseDockerfile(text: string, file: string): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { escapeChar, start } = readDirectives(lines);
  const globalArgs: Instruction[] = [];
  const stages: { base: string; name?: string; from: Instruction; instructions: Instruction[] }[] = [];
  for (const logical of logicalLines(lines, start, escapeChar)) {
    const keywordMatch = /^\s*([A-Za-z]+)(?:\s+|$)/.exec(logical.text);
    if (!keywordMatch) throw dockerfileError(file, logical.line, `"${logical.text.trim().slice(0, 40)}" is not an instruction.`);
    const keyword = keywordMatch[1]!.toUpperCase();
    const { flags, args } = splitFlags(logical.text.slice(keywordMatch[0].length));
    const instruction: Instruction = { keyword, flags, args, line: logical.line };
    if (keyword === 'FROM') {
      const words = args.split(/\s+/).filter(Boolean);
      if (words.length !== 1 && !(words.length === 3 && words[1]!.toUpperCase() === 'AS')) {
        throw dockerfileError(file, logical.line, 'FROM takes an image and an optional "AS <name>".');
      }
      stages.push({ base: words[0]!, ...(words[2] ? { name: words[2].toLowerCase() } : {}), from: instruction, instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== 'ARG') throw dockerfileError(file, logical.line, `${keyword} comes before the first FROM; only ARG may.`);
      globalArgs.push(instruction);
    } else stages.at(-1)!.instructions.push(instruction);
  }
  if (stages.length === 0) throw dockerfileError(file, 1, 'there is no FROM instruction.');
  return { file, escape: escapeChar, globalArgs, stages };
}

/** The stage a build produces: the one named `target`, else the last. Throws naming `target` when absent. */
export function targetStage(dockerfile: Dockerfile, target: string | undefined): Stage {
  if (!target) return dockerfile.stages.at(-1)!;
  const stage = dockerfile.stages.find((candidate) => candidate.name === target.toLowerCase());
  if (!stage) {
    const names = dockerfile.stages.map((candidate) => candidate.name).filter(Boolean);
    throw new UserError(`target: "${target}" is not a stage of ${dockerfile.file} (stages: ${names.join(', ') || 'none named'}).`, {
      input: 'target',
    });
  }
  return stage;
}
