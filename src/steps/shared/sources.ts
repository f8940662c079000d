import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../../core/errors.ts';

/** How directories are rendered: auto (a kustomization, else a chart), one renderer, or none (plain files). */
export type RenderMode = 'auto' | 'kustomize' | 'helm' | 'none';

/** Something a step reads: a manifest file, or a directory a renderer turns into a stream. */
export type Source =
  | { readonly kind: 'file'; readonly path: string; readonly abs: string }
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
    if (await stat(join(dir, name)).then((s) => s.isFile(), () => false)) return name;
  }
  return undefined;
}

async function isChart(dir: string): Promise<boolean> {
  return stat(join(dir, 'Chart.yaml')).then((s) => s.isFile(), () => false);
}

/** What a directory is under a render mode: a kustomization, a chart, or a tree to walk. */
async function classify(abs: string, cwd: string, mode: RenderMode): Promise<Source | undefined> {
  const path = displayPath(abs, cwd);
  if (mode === 'none') return undefined;
  const kustomization = await kustomizationIn(abs);
  if (kustomization && mode !== 'helm') return { kind: 'kustomize', path, abs, kustomization: path === '.' ? kustomization : `${path}/${kustomization}` };
  if (mode !== 'kustomize' && (await isChart(abs))) return { kind: 'helm', path, abs };
  return undefined;
}

async function walk(dir: string, cwd: string, mode: RenderMode, seen: Set<string>, out: Source[]): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const rendered = await classify(dir, cwd, mode);
  if (rendered) {
    out.push(rendered);
    return;
  }
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const abs = join(dir, entry.name);
    const info = await stat(abs).catch(() => undefined);
    if (info?.isDirectory()) await walk(abs, cwd, mode, seen, out);
    else if (info?.isFile() && MANIFEST_RE.test(entry.name) && !NOT_MANIFESTS.has(entry.name) && !VALUES_RE.test(entry.name)) {
      out.push({ kind: 'file', path: displayPath(abs, cwd), abs });
    }
  }
}

/** Checks that a directory given directly can be rendered the way `render` asks. */
async function requireRenderable(abs: string, cwd: string, mode: RenderMode): Promise<Source> {
  const source = await classify(abs, cwd, mode);
  if (!source) {
    const want = mode === 'kustomize' ? 'kustomization.yaml' : 'Chart.yaml';
    throw new UserError(`paths: "${displayPath(abs, cwd)}" has no ${want}, so render: ${mode} cannot render it; use render: auto or none.`, { input: 'paths' });
  }
  return source;
}

/**
 * Finds what to read under the given paths. A file is read as it is (whatever its name). A directory is
 * rendered when `render` says so (auto: a kustomization, else a chart); otherwise its manifests are read,
 * recursively, leaving out hidden entries, kustomization, Chart and values files.
 */
export async function discoverSources(paths: readonly string[], mode: RenderMode, cwd: string): Promise<Source[]> {
  const out: Source[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const abs = resolve(cwd, path);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new UserError(`paths: "${path}" does not exist (relative to ${cwd}).`, { input: 'paths' });
    if (info.isFile()) out.push({ kind: 'file', path: displayPath(abs, cwd), abs });
    else if (mode === 'kustomize' || mode === 'helm') out.push(await requireRenderable(abs, cwd, mode));
    else await walk(abs, cwd, mode, seen, out);
  }
  return out;
}

/** The values files of a chart for an environment: `values-<env>.yaml`, `values.<env>.yaml` or `values/<env>.yaml` when present. */
export async function envValuesFiles(chartDir: string, env: string | undefined): Promise<string[]> {
  if (!env) return [];
  const candidates = [`values-${env}.yaml`, `values.${env}.yaml`, join('values', `${env}.yaml`)].map((name) => join(chartDir, name));
  const present: string[] = [];
  for (const file of candidates) if (await stat(file).then((s) => s.isFile(), () => false)) present.push(file);
  return present;
}
