/**
 * `.dockerignore` matching as the Docker CLI does it (moby/patternmatcher): patterns relative to the
 * context root, `*`, `?`, `[…]`, `**` for any number of directories, `!` exceptions where the last
 * matching pattern wins, and a pattern that matches a directory matches everything below it.
 */

/** One compiled pattern. */
interface Pattern {
  readonly regex: RegExp;
  readonly exclusion: boolean;
}

/** Cleans a pattern as filepath.Clean does: no leading `/` or `./`, no `//`, no trailing `/`. */
function clean(pattern: string): string {
  const parts: string[] = [];
  for (const part of pattern.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function compile(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` matches everything.
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        out += '(?:.*/)?';
      } else out += '.*';
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) out += `\\${pattern[++i]}`;
    else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** A compiled `.dockerignore`. */
export class DockerIgnore {
  readonly #patterns: readonly Pattern[];

  constructor(text: string) {
    const patterns: Pattern[] = [];
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const exclusion = line.startsWith('!');
      const body = clean((exclusion ? line.slice(1) : line).trim());
      if (body === '') continue;
      patterns.push({ regex: compile(body), exclusion });
    }
    this.#patterns = patterns;
  }

  /** True when some `!` pattern may bring back paths below an ignored directory. */
  get hasExceptions(): boolean {
    return this.#patterns.some((pattern) => pattern.exclusion);
  }

  /** True when `path` (relative, `/`-separated) is ignored. */
  ignores(path: string): boolean {
    const parents: string[] = [];
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) parents.push(parts.slice(0, i).join('/'));
    let ignored = false;
    for (const pattern of this.#patterns) {
      if (parents.some((candidate) => pattern.regex.test(candidate))) ignored = !pattern.exclusion;
    }
    return ignored;
  }
}
