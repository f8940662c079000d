/**
 * The import graph of a source tree and the layer rules of DESIGN §1, for the layer-rule test: every
 * static import and export-from, type-only ones included (a type import is still an arrow between
 * layers), and every dynamic `import('…')`. Specifiers are read by a real TypeScript parser (oxc), so
 * comments and strings that look like imports do not count.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseSync } from 'oxc-parser';

/** One import: from a file to a specifier, with the line it is on. */
export interface ImportEdge {
  /** The importing file, relative to the source root, with `/` separators. */
  readonly from: string;
  readonly specifier: string;
  /** The imported file relative to the root for a relative specifier; undefined for packages and builtins. */
  readonly to: string | undefined;
  readonly line: number;
  readonly dynamic: boolean;
}

/** Every `.ts` file under `root`, relative to it with `/` separators, sorted. */
export async function sourceFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The imports of one file's text; a dynamic import whose specifier is not a string literal is an error. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const { module, errors } = parseSync(file, text, { lang: 'ts', sourceType: 'module' });
  if (errors.length > 0) throw new Error(`${file}: does not parse: ${errors[0]!.message}`);
  const edge = (specifier: string, start: number, dynamic: boolean): ImportEdge => {
    const to = specifier.startsWith('.') ? join(dirname(file), specifier).split(sep).join('/') : undefined;
    return { from: file, specifier, to, line: lineAt(text, start), dynamic };
  };
  const edges: ImportEdge[] = [];
  for (const entry of module.staticImports) edges.push(edge(entry.moduleRequest.value, entry.start, false));
  for (const exported of module.staticExports) {
    for (const entry of exported.entries) if (entry.moduleRequest) edges.push(edge(entry.moduleRequest.value, exported.start, false));
  }
  for (const entry of module.dynamicImports) {
    const source = text.slice(entry.moduleRequest.start, entry.moduleRequest.end);
    const literal = /^(['"])([^'"]*)\1$/.exec(source);
    if (!literal)
      throw new Error(`${file}:${lineAt(text, entry.start)}: import(${source}) is not a string literal; the layer rules cannot check it.`);
    edges.push(edge(literal[2]!, entry.start, true));
  }
  return edges;
}

/** The import graph of every `.ts` file under `root`. */
export async function importGraph(root: string): Promise<ImportEdge[]> {
  const edges: ImportEdge[] = [];
  for (const file of await sourceFiles(root)) edges.push(...importsOf(file, await readFile(resolve(root, file), 'utf8')));
  return edges;
}

/** The folder a source file belongs to for the layer rules: `core`, `adapters`, `steps/<step>`, `steps/shared`, … */
function layerOf(file: string): { layer: string; step?: string } {
  const [top, second] = file.split('/');
  if (top === 'steps' && second !== undefined && file.split('/').length > 2) return { layer: 'steps', step: second };
  return { layer: top ?? '' };
}

/**
 * The arrows against the layers: core imports nothing outside core (packages and builtins are judged
 * elsewhere: only relative imports count here); adapters never import steps, platform, specs or entry;
 * steps never import platform or entry; no step folder imports another step folder (shared/ is open to
 * all, and imports no step folder itself); nothing imports entry, the composition root.
 */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  const found: string[] = [];
  for (const edge of edges) {
    if (edge.to === undefined) continue;
    const from = layerOf(edge.from);
    const to = layerOf(edge.to);
    const say = (rule: string) => found.push(`${edge.from}:${edge.line} imports ${edge.specifier}: ${rule}`);
    // The package manifest is the one file outside src/ that source may read: the version comes from it.
    if (edge.to.startsWith('../') && edge.to !== '../package.json') say('it leads outside the source tree');
    else if (from.layer === 'core' && to.layer !== 'core') say('core imports nothing outside core');
    else if (from.layer === 'adapters' && ['steps', 'platform', 'specs', 'entry'].includes(to.layer))
      say(`adapters never import ${to.layer}`);
    else if (from.layer === 'steps' && ['platform', 'entry'].includes(to.layer)) say(`steps never import ${to.layer}`);
    else if (from.layer === 'steps' && to.layer === 'steps' && to.step !== from.step && to.step !== 'shared') {
      say(`no step folder imports another step folder (steps/${from.step} → steps/${to.step}); shared code goes to steps/shared`);
    } else if (from.layer !== 'entry' && to.layer === 'entry') say('nothing imports entry, the composition root');
  }
  return found;
}

/**
 * Every import cycle among the files, each as the path that closes it (`a.ts → b.ts → a.ts`): one cycle
 * per strongly connected component (Tarjan), found by a walk inside the component.
 */
export function importCycles(edges: readonly ImportEdge[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (edge.to === undefined) continue;
    if (!next.has(edge.from)) next.set(edge.from, new Set());
    next.get(edge.from)!.add(edge.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || next.get(node)?.has(node)) components.push(component.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => cyclePath(component, next));
}

/** A shortest cycle through the component's first file, walking only inside the component. */
function cyclePath(component: readonly string[], next: ReadonlyMap<string, ReadonlySet<string>>): string {
  const inside = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of next.get(node) ?? []) {
      if (!inside.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start].join(' → ');
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return component.join(' → ');
}
