/**
 * Tag filters as the peers write them: Flux's `filterTags` (a pattern and an `extract` template over
 * its named groups) and Argo CD Image Updater's allow and ignore lists (`regexp:<re>`, globs, `any`).
 * Go regular expressions spell named groups `(?P<name>…)`; JavaScript wants `(?<name>…)`.
 */
import picomatch from 'picomatch';
import { UserError } from '../errors.ts';
import type { TagFilter } from './types.ts';

/** Turns Go's `(?P<name>` into JavaScript's `(?<name>`; everything else is shared syntax for tag patterns. */
export function goPattern(pattern: string): string {
  return pattern.replace(/\(\?P</g, '(?<');
}

/** Compiles a pattern, naming the policy and field when it is not a valid regular expression. */
export function compilePattern(pattern: string, where: string): RegExp {
  try {
    return new RegExp(goPattern(pattern));
  } catch (error) {
    throw new UserError(`${where}: "${pattern}" is not a valid regular expression (${(error as Error).message}).`, {
      input: where,
      cause: error,
    });
  }
}

/** The group names an `extract` template refers to: `$ts`, `${ts}`, `$1`. */
export function extractNames(extract: string): string[] {
  return [...extract.matchAll(/\$(?:\{(\w+)\}|(\w+))/g)].map((m) => (m[1] ?? m[2])!);
}

/** A compiled Flux tag filter: a tag either matches and yields the value to compare, or is left out. */
export interface CompiledFilter {
  /** The value compared for `tag`, or undefined when the tag does not match. */
  apply(tag: string): string | undefined;
}

/**
 * Compiles a {@link TagFilter}; an `extract` that names a group the pattern lacks is an error here,
 * before any registry is asked (Flux reports the same at reconcile time).
 */
export function compileFilter(filter: TagFilter, where: string): CompiledFilter {
  const re = compilePattern(filter.pattern, `${where}.pattern`);
  const groupCount = new RegExp(`${re.source}|`).exec('')!.length - 1;
  const named = new Set(Object.keys(new RegExp(`${re.source}|`).exec('')?.groups ?? {}));
  const extract = filter.extract;
  if (extract !== undefined) {
    for (const name of extractNames(extract)) {
      const ok = /^\d+$/.test(name) ? Number(name) <= groupCount : named.has(name);
      if (!ok) {
        throw new UserError(
          `${where}.extract: "${extract}" refers to group "${name}", which the pattern "${filter.pattern}" does not have.`,
          { input: where },
        );
      }
    }
  }
  return {
    apply(tag) {
      const match = re.exec(tag);
      if (!match) return undefined;
      if (extract === undefined) return tag;
      return extract.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_all, braced: string | undefined, bare: string | undefined) => {
        const name = (braced ?? bare)!;
        return (/^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name]) ?? '';
      });
    },
  };
}

/** One allow or ignore entry: `regexp:<re>` is a regular expression, `any` matches all, else a glob. */
export function compileTagMatcher(entry: string, where: string): (tag: string) => boolean {
  const text = entry.trim();
  if (text === 'any') return () => true;
  if (text.startsWith('regexp:')) {
    const re = compilePattern(text.slice('regexp:'.length), where);
    return (tag) => re.test(tag);
  }
  if (text === '') throw new UserError(`${where}: an empty pattern matches nothing; remove it.`, { input: where });
  return picomatch(text, { dot: true });
}

/** Allow and ignore lists together: a tag passes when some allow entry matches (or there is none) and no ignore entry does. */
export function compileAllowIgnore(allow: readonly string[], ignore: readonly string[], where: string): (tag: string) => boolean {
  const allowed = allow.map((entry, i) => compileTagMatcher(entry, `${where}.allow[${i}]`));
  const ignored = ignore.map((entry, i) => compileTagMatcher(entry, `${where}.ignore[${i}]`));
  return (tag) => (allowed.length === 0 || allowed.some((m) => m(tag))) && !ignored.some((m) => m(tag));
}
