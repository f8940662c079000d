/** `KEY=VALUE` lists (build args, labels) as inputs give them. */
import { UserError } from '../errors.ts';

/** One `KEY=VALUE` pair, in input order. */
export type KeyValue = readonly [key: string, value: string];

const BUILD_ARG_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/**
 * Parses `KEY=VALUE` items; a later item with the same key wins (as repeated `--build-arg` flags do).
 * `kind` checks the key: build args are shell-like names, label keys reverse-DNS-like.
 */
export function parseKeyValues(items: readonly string[], input: string, kind: 'build-arg' | 'label'): KeyValue[] {
  const pairs = new Map<string, string>();
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UserError(`${input}: "${item}" is not KEY=VALUE.`, { input });
    const key = item.slice(0, eq).trim();
    const pattern = kind === 'build-arg' ? BUILD_ARG_RE : LABEL_KEY_RE;
    if (!pattern.test(key)) {
      const rule = kind === 'build-arg' ? 'letters, digits and "_", not starting with a digit' : 'letters, digits, ".", "_", "/" and "-"';
      throw new UserError(`${input}: "${key}" is not a valid ${kind === 'build-arg' ? 'build argument name' : 'label key'} (${rule}).`, {
        input,
      });
    }
    pairs.delete(key);
    pairs.set(key, item.slice(eq + 1));
  }
  return [...pairs];
}

/** Pairs sorted by key, for keys and hashes that must not depend on input order. */
export function sortedPairs(pairs: readonly KeyValue[]): KeyValue[] {
  return [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
