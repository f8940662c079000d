import { basename } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { execRaw } from '../exec.ts';
import { type RenderOptions, type RenderResult, rendererMessage } from './types.ts';

const TIMEOUT_MS = 300_000;

/** A Helm release name from a directory name: lowercase letters, digits and dashes, at most 53 characters. */
export function releaseName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (name || 'release').slice(0, 53);
}

/** The arguments of `helm template` for a chart directory. */
export function helmTemplateArgs(dir: string, options: RenderOptions): string[] {
  const args = ['template', releaseName(dir), dir, '--kube-version', options.kubernetesVersion, '--include-crds'];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  return args;
}

/**
 * Renders a chart with `helm template` (no cluster, no network: --kube-version tells the target, and
 * the chart's dependencies must already be in charts/). A missing helm is a UserError; a failed
 * rendering is a result carrying helm's own message.
 */
export async function renderHelm(dir: string, options: RenderOptions): Promise<RenderResult> {
  const args = helmTemplateArgs(dir, options);
  const command = `helm ${args.join(' ')}`;
  try {
    const result = await execRaw('helm', args, { cwd: options.cwd, timeoutMs: TIMEOUT_MS, ...(options.env ? { env: options.env } : {}) });
    if (result.code === 0) return { ok: true, text: result.stdout, command };
    return { ok: false, message: rendererMessage(result.stderr, result.stdout), command };
  } catch (error) {
    if ((error as Error).cause && ((error as Error).cause as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(
        `render: ${dir} is a Helm chart, but helm is not on PATH; install helm (https://helm.sh/docs/intro/install/), or render the ` +
          `chart first (helm template <release> ${dir} > rendered.yaml) and validate the rendered file; render: none is no way out, it ` +
          `would check the templates themselves, not what the cluster gets.`,
        { input: 'render' },
      );
    }
    throw error;
  }
}
