/**
 * How deep values may nest. Real Kubernetes objects nest a few dozen levels; a file nesting a thousand
 * is hostile or broken, and the recursive parts of validate (the parser, schema validators, policies)
 * would overflow the stack on it at a depth that depends on the machine. A fixed limit makes the
 * verdict the same everywhere.
 */
export const MAX_DEPTH = 1000;

/** Thrown by the readers when a document nests deeper than {@link MAX_DEPTH}. */
export class TooDeepError extends Error {
  override name = 'TooDeepError';
}

/** True when `value` nests deeper than `limit` (walked without recursion). */
export function exceedsDepth(value: unknown, limit = MAX_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
