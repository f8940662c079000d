/**
 * The desired state: the environment as Git renders it, with validate's renderers (kustomize, Helm,
 * plain files). A rendering that fails is the user's to fix: exit 2 with the renderer's own words.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { exportTree } from '../../adapters/git/git-export.ts';
import type { KubeDoc } from '../../core/drift/types.ts';
import { CONFIG_FILE, parseEnvRepoConfig, resolveEnvironment } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { mapPool, type Renderers, renderSource } from '../shared/render-env.ts';
import { discoverSources } from '../shared/sources.ts';
import type { DriftInputs } from './inputs.ts';

/** The environment's directory: the path input, else env's path in baton.yaml. */
export async function environmentPath(inputs: Pick<DriftInputs, 'path' | 'env'>, cwd: string): Promise<string> {
  if (inputs.path) return inputs.path;
  const text = await readFile(resolve(cwd, CONFIG_FILE), 'utf8').catch(() => undefined);
  return resolveEnvironment(text === undefined ? undefined : parseEnvRepoConfig(text), { env: inputs.env! }).path;
}

function objectsOf(text: string, file: string): KubeDoc[] {
  const out: KubeDoc[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      const error = doc.errors[0]!;
      const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
      throw new UserError(`path: ${file}:${line}:${col}: not valid YAML: ${error.message.split('\n')[0]}`, { input: 'path' });
    }
    const value = doc.toJS() as KubeDoc | null;
    if (!value || typeof value !== 'object' || !value.kind) continue;
    const items =
      value.kind === 'List' || String(value.kind).endsWith('List') ? ((value['items'] as KubeDoc[] | undefined) ?? []) : [value];
    for (const item of items) if (item?.kind && item.metadata?.name) out.push(item);
  }
  return out;
}

/** Renders the environment (at `revision` when given) and returns its objects. */
export async function desiredObjects(
  inputs: DriftInputs,
  renderers: Renderers,
  cwd: string,
): Promise<{ path: string; objects: KubeDoc[]; commit?: string }> {
  if (!inputs.revision) return renderAt(inputs, renderers, cwd);
  const dir = await mkdtemp(join(tmpdir(), 'baton-drift-'));
  try {
    const commit = await exportTree(cwd, inputs.revision, dir);
    return { ...(await renderAt(inputs, renderers, join(dir, 'tree'))), commit };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function renderAt(inputs: DriftInputs, renderers: Renderers, cwd: string): Promise<{ path: string; objects: KubeDoc[] }> {
  const path = await environmentPath(inputs, cwd);
  const discovered = await discoverSources([path], inputs.render, cwd).catch((error: unknown) => {
    if (error instanceof UserError) throw new UserError(error.message.replace(/^paths:/, 'path:'), { input: 'path', cause: error });
    throw error;
  });
  // A symbolic link leading out of the environment is never followed; drift cannot leave it out silently.
  const outside = discovered.findings[0];
  if (outside) throw new UserError(`path: ${outside.message}.`, { input: 'path' });
  const sources = discovered.sources;
  const options = {
    cwd,
    kubernetesVersion: inputs.kubernetesVersion,
    extraValues: inputs.values,
    ...(inputs.env ? { envName: inputs.env } : {}),
  };
  const rendered = await mapPool(sources, 8, (source) => renderSource(source, renderers, options));
  const objects: KubeDoc[] = [];
  for (const item of rendered) {
    if (!item.ok) throw new UserError(`path: ${item.file}: ${item.command} failed: ${item.message}`, { input: 'path' });
    objects.push(...objectsOf(item.stream.text, item.stream.origin.file));
  }
  if (objects.length === 0)
    throw new UserError(`path: "${path}" holds no Kubernetes objects; is it the environment's directory?`, { input: 'path' });
  return { path, objects };
}
