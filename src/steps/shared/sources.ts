import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../../core/errors.ts';
import type { RawFinding } from '../../core/validate/types.ts';

/** How directories are rendered: auto (a kustomization, else a chart), one renderer, or none (plain files). */
export type RenderMode = 'auto' | 'kustomize' | 'helm' | 'none';

/** The path that means standard input, as in kubeconform and kubectl. */
export const STDIN_PATH = '-';

/** Something a step reads: a manifest file, standard input, or a directory a renderer turns into a stream. */
export type Source =
  | { readonly kind: 'file'; readonly path: string; readonly abs: string }
  | { readonly kind: 'stdin'; readonly path: 'stdin' }
  | { readonly kind: 'kustomize'; readonly path: string; readonly abs: string; readonly kustomization: string }
  | { readonly kind: 'helm'; readonly path: string; readonly abs: string };

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MANIFEST_RE = /\.(ya?ml|json)$/i;
/** Files in an environment that are not Kubernetes objects. */
const NOT_MANIFESTS = new Set([...KUSTOMIZATION_FILES, 'Chart.yaml', 'Chart.lock', 'baton.yaml', 'baton.yml', '.gitlab-ci.yml']);
const VALUES_RE = /^values([.-][\w.-]+)?\.ya?ml$/i;

/** A path as findings show it: relative to the working directory, forward slashes. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? abs.split(sep).join('/') : rel.split(sep).join('/');
}

async function kustomizationIn(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    if (
      await stat(join(dir, name)).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return name;
  }
  return undefined;
}

async function isChart(dir: string): Promise<boolean> {
  return stat(join(dir, 'Chart.yaml')).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** What a directory is under a render mode: a kustomization, a chart, or a tree to walk. */
async function classify(abs: string, cwd: string, mode: RenderMode): Promise<Source | undefined> {
  const path = displayPath(abs, cwd);
  if (mode === 'none') return undefined;
  const kustomization = await kustomizationIn(abs);
  if (kustomization && mode !== 'helm')
    return { kind: 'kustomize', path, abs, kustomization: path === '.' ? kustomization : `${path}/${kustomization}` };
  if (mode !== 'kustomize' && (await isChart(abs))) return { kind: 'helm', path, abs };
  return undefined;
}

/** What discovery found: the sources to read, and findings about entries it refused to read. */
export interface Discovered {
  readonly sources: Source[];
  readonly findings: RawFinding[];
}

/** True when `path` (a real path) is `root` or below it. */
function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/**
 * Where a symbolic link under a root really leads: its real path when that stays inside the root,
 * undefined for a dangling link. A link that leads out becomes a finding naming the link (never its
 * target's content, nor where it points): validate runs on pull requests, whose files are untrusted.
 */
async function followLink(abs: string, root: string, cwd: string, findings: RawFinding[]): Promise<string | undefined> {
  const real = await realpath(abs).catch(() => undefined);
  if (real === undefined || within(root, real)) return real;
  findings.push({
    rule: 'symlink-outside',
    message: `${displayPath(abs, cwd)} is a symbolic link that leads outside ${displayPath(root, cwd)}; it was not read`,
    location: { file: displayPath(abs, cwd) },
    fix: 'Replace the link with the file itself, or give the place it points to as a path of its own.',
  });
  return undefined;
}

interface Walk {
  readonly cwd: string;
  readonly mode: RenderMode;
  readonly root: string;
  readonly seen: Set<string>;
  readonly out: Discovered;
}

async function walk(dir: string, w: Walk): Promise<void> {
  const real = await realpath(dir);
  if (w.seen.has(real)) return;
  w.seen.add(real);
  const rendered = await classify(dir, w.cwd, w.mode);
  if (rendered) {
    // Why: a renderer reads whatever the tree holds; a link leading out must stop it before it runs.
    const before = w.out.findings.length;
    await scanLinks(dir, w);
    if (w.out.findings.length === before) w.out.sources.push(rendered);
    return;
  }
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const abs = join(dir, entry.name);
    if (entry.isSymbolicLink() && (await followLink(abs, w.root, w.cwd, w.out.findings)) === undefined) continue;
    // Why the entry's own type first: a stat per file is a tenth of the time on a large tree; links need one.
    const info = entry.isSymbolicLink() ? await stat(abs).catch(() => undefined) : entry;
    if (info?.isDirectory()) await walk(abs, w);
    else if (info?.isFile() && MANIFEST_RE.test(entry.name) && !NOT_MANIFESTS.has(entry.name) && !VALUES_RE.test(entry.name)) {
      w.out.sources.push({ kind: 'file', path: displayPath(abs, w.cwd), abs });
    }
  }
}

/** Finds every symbolic link under a directory that a renderer would read and that leads outside the root. */
async function scanLinks(dir: string, w: Walk): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const abs = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      const real = await followLink(abs, w.root, w.cwd, w.out.findings);
      if (
        real !== undefined &&
        (await stat(real).then(
          (s) => s.isDirectory(),
          () => false,
        )) &&
        !w.seen.has(real)
      ) {
        w.seen.add(real);
        await scanLinks(real, w);
      }
    } else if (entry.isDirectory()) await scanLinks(abs, w);
  }
}

/** Checks that a directory given directly can be rendered the way `render` asks. */
async function requireRenderable(abs: string, cwd: string, mode: RenderMode): Promise<Source> {
  const source = await classify(abs, cwd, mode);
  if (!source) {
    const want = mode === 'kustomize' ? 'kustomization.yaml' : 'Chart.yaml';
    throw new UserError(
      `paths: "${displayPath(abs, cwd)}" has no ${want}, so render: ${mode} cannot render it; use render: auto or none.`,
      { input: 'paths' },
    );
  }
  return source;
}

/**
 * Finds what to read under the given paths. A file is read as it is (whatever its name); `-` is
 * standard input. A directory is rendered when `render` says so (auto: a kustomization, else a chart);
 * otherwise its manifests are read, recursively, leaving out hidden entries, kustomization, Chart and
 * values files. Nothing outside the real path of a given directory is read: a symbolic link leading
 * out is a finding, and a rendered directory holding one is not rendered.
 */
export async function discoverSources(paths: readonly string[], mode: RenderMode, cwd: string): Promise<Discovered> {
  const out: Discovered = { sources: [], findings: [] };
  const seen = new Set<string>();
  for (const path of paths) {
    if (path === STDIN_PATH) {
      if (!out.sources.some((s) => s.kind === 'stdin')) out.sources.push({ kind: 'stdin', path: 'stdin' });
      continue;
    }
    const abs = resolve(cwd, path);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new UserError(`paths: "${path}" does not exist (relative to ${cwd}).`, { input: 'paths' });
    if (info.isFile()) out.sources.push({ kind: 'file', path: displayPath(abs, cwd), abs });
    else {
      const w: Walk = { cwd, mode, root: await realpath(abs), seen, out };
      if (mode === 'kustomize' || mode === 'helm') {
        const source = await requireRenderable(abs, cwd, mode);
        const before = out.findings.length;
        await scanLinks(abs, w);
        if (out.findings.length === before) out.sources.push(source);
      } else await walk(abs, w);
    }
  }
  return out;
}

/** The values files of a chart for an environment: `values-<env>.yaml`, `values.<env>.yaml` or `values/<env>.yaml` when present. */
export async function envValuesFiles(chartDir: string, env: string | undefined): Promise<string[]> {
  if (!env) return [];
  const candidates = [`values-${env}.yaml`, `values.${env}.yaml`, join('values', `${env}.yaml`)].map((name) => join(chartDir, name));
  const present: string[] = [];
  for (const file of candidates)
    if (
      await stat(file).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      present.push(file);
  return present;
}
