/**
 * Reads or renders what an environment holds (plain manifests, a kustomization, a Helm chart) into YAML
 * streams: validate checks them, drift compares them with the cluster.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { helmOrigin, kustomizeOrigin } from '../../core/validate/render-sources.ts';
import type { StreamOrigin } from '../../core/validate/resources.ts';
import type { RenderOptions, RenderResult } from '../../adapters/render/types.ts';
import { displayPath, envValuesFiles, type Source } from './sources.ts';

/** A stream of YAML documents, with where it came from. */
export interface Stream {
  readonly text: string;
  readonly origin: StreamOrigin;
}

/** The renderers, injectable for tests. */
export interface Renderers {
  kustomize(dir: string, options: RenderOptions): Promise<RenderResult>;
  helm(dir: string, options: RenderOptions): Promise<RenderResult>;
}

/** How sources are read: render options, the environment name (for Helm values files), extra values files, standard input. */
export interface StreamOptions extends RenderOptions {
  readonly envName?: string;
  readonly extraValues: readonly string[];
  /** All of standard input, for the path `-`. */
  readonly readStdin?: () => Promise<string>;
}

/** A source read or rendered, or the renderer's own words on why it could not render. */
export type Rendered =
  | { readonly ok: true; readonly stream: Stream }
  | { readonly ok: false; readonly file: string; readonly command: string; readonly message: string };

/** Maps with bounded concurrency, keeping order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Reads or renders one source. */
export async function renderSource(source: Source, renderers: Renderers, options: StreamOptions): Promise<Rendered> {
  // Why synchronous: a manifest is a few kilobytes, and four thread-pool round trips per file (open,
  // stat, read, close) cost more than reading it; renderers still run side by side.
  if (source.kind === 'file') return { ok: true, stream: { text: readFileSync(source.abs, 'utf8'), origin: { file: source.path } } };
  if (source.kind === 'stdin')
    return { ok: true, stream: { text: options.readStdin ? await options.readStdin() : '', origin: { file: source.path } } };
  if (source.kind === 'kustomize') {
    const result = await renderers.kustomize(source.path, options);
    if (!result.ok) return { ok: false, file: source.kustomization, command: result.command, message: result.message };
    return {
      ok: true,
      stream: { text: result.text, origin: kustomizeOrigin(source.path, source.kustomization, `kustomize ${source.path}`) },
    };
  }
  const valuesFiles = [
    ...(await envValuesFiles(source.abs, options.envName)),
    ...options.extraValues.map((v) => resolve(options.cwd, v)),
  ].map((file) => displayPath(file, options.cwd));
  const result = await renderers.helm(source.path, { ...options, valuesFiles });
  if (!result.ok)
    return {
      ok: false,
      file: source.path === '.' ? 'Chart.yaml' : `${source.path}/Chart.yaml`,
      command: result.command,
      message: result.message,
    };
  return { ok: true, stream: { text: result.text, origin: helmOrigin(source.path, `helm ${source.path}`) } };
}
