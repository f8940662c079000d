/**
 * Words and variables in Dockerfile arguments (Dockerfile reference, "Environment replacement"):
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alternative}`; quotes group words, single quotes stop
 * replacement, the escape character escapes the next one.
 */
import { UserError } from '../errors.ts';

/** Variables in scope: build args and environment. */
export type Variables = ReadonlyMap<string, string>;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*/;

function expandBraced(text: string, at: number, vars: Variables): { value: string; end: number } {
  const close = text.indexOf('}', at);
  if (close < 0) throw new UserError(`"${text}" has an unclosed \${.`);
  const body = text.slice(at + 2, close);
  const name = NAME_RE.exec(body)?.[0];
  if (!name) throw new UserError(`"\${${body}}" is not a variable.`);
  const rest = body.slice(name.length);
  const value = vars.get(name);
  if (rest === '') return { value: value ?? '', end: close + 1 };
  const word = rest.slice(2);
  if (rest.startsWith(':-')) return { value: value ? value : word, end: close + 1 };
  if (rest.startsWith(':+')) return { value: value ? word : '', end: close + 1 };
  throw new UserError(`"\${${body}}" uses a modifier Baton does not know; use \${VAR}, \${VAR:-default} or \${VAR:+alternative}.`);
}

/** Expands the variable at `text[at] === '$'`; a `$` not followed by a name stays. */
function expandAt(text: string, at: number, vars: Variables): { value: string; end: number } {
  if (text[at + 1] === '{') return expandBraced(text, at, vars);
  const name = NAME_RE.exec(text.slice(at + 1))?.[0];
  if (!name) return { value: '$', end: at + 1 };
  return { value: vars.get(name) ?? '', end: at + 1 + name.length };
}

/**
 * Splits `text` into words with variables replaced and quotes removed. With `split: false` the whole
 * text is one word (as `WORKDIR` and `USER` take it).
 */
export function expandWords(text: string, vars: Variables, escapeChar = '\\', split = true): string[] {
  const words: string[] = [];
  let word = '';
  let started = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === escapeChar && quote !== "'" && i + 1 < text.length) {
      word += text[i + 1];
      started = true;
      i += 2;
    } else if (quote && c === quote) {
      quote = undefined;
      i++;
    } else if (!quote && (c === '"' || c === "'")) {
      quote = c;
      started = true;
      i++;
    } else if (c === '$' && quote !== "'") {
      const { value, end } = expandAt(text, i, vars);
      word += value;
      // As in the shell, an unquoted expansion to nothing makes no word.
      if (value) started = true;
      i = end;
    } else if (split && !quote && /\s/.test(c)) {
      if (started) words.push(word);
      word = '';
      started = false;
      i++;
    } else {
      word += c;
      started = true;
      i++;
    }
  }
  if (quote) throw new UserError(`"${text}" has an unclosed ${quote}.`);
  if (started) words.push(word);
  return words;
}

/** Parses `["a", "b"]` (the exec form), or undefined when the text is not a JSON array of strings. */
export function execForm(text: string): string[] | undefined {
  if (!text.trimStart().startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  } catch {
    // Docker falls back to the shell form when the JSON does not parse.
  }
  return undefined;
}

/**
 * `KEY=VALUE` pairs as `ENV`, `LABEL` and `ARG` take them; also the old `ENV KEY some value` form
 * when `legacy` is true and the first word has no `=`.
 */
export function expandPairs(text: string, vars: Variables, escapeChar: string, legacy: boolean): [string, string][] {
  const words = expandWords(text, vars, escapeChar);
  if (legacy && words.length > 0 && !words[0]!.includes('=')) {
    const key = words[0]!;
    const value = expandWords(text.trimStart().slice(text.trimStart().search(/\s|$/)).trim(), vars, escapeChar, false)[0] ?? '';
    return [[key, value]];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new UserError(`"${word}" is not KEY=VALUE.`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}
