/** JSON pointers (RFC 6901): the paths findings use to say where in an object they are. */

/** Splits `/spec/containers/0` into `['spec', 'containers', '0']`, undoing `~1` and `~0`. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** One pointer segment, `~` and `/` escaped, with its leading slash. */
function segment(value: string | number): string {
  const text = String(value);
  return text.includes('~') || text.includes('/') ? `/${text.replace(/~/g, '~0').replace(/\//g, '~1')}` : `/${text}`;
}

/** Joins segments into a pointer, escaping `~` and `/`. */
export function joinPointer(...segments: ReadonlyArray<string | number>): string {
  return segments.length === 1 ? segment(segments[0]!) : segments.map(segment).join('');
}

/** The value at a pointer inside `value`, or undefined. */
export function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const segment of pointerSegments(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
