import { UserError } from '../../core/errors.ts';
import { execRaw } from '../exec.ts';
import { type RenderOptions, type RenderResult, rendererMessage } from './types.ts';

const TIMEOUT_MS = 300_000;

function missing(error: unknown): boolean {
  return error instanceof Error && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** Runs one kustomize command; undefined when the program is not installed. */
async function attempt(file: string, args: string[], options: RenderOptions): Promise<RenderResult | undefined> {
  const command = `${file} ${args.join(' ')}`;
  try {
    const result = await execRaw(file, args, { cwd: options.cwd, timeoutMs: TIMEOUT_MS, ...(options.env ? { env: options.env } : {}) });
    if (result.code === 0) return { ok: true, text: result.stdout, command };
    return { ok: false, message: rendererMessage(result.stderr, result.stdout), command };
  } catch (error) {
    if (missing(error)) return undefined;
    throw error;
  }
}

/**
 * Renders a kustomization: `kustomize build` when kustomize is installed, else `kubectl kustomize`
 * (the kustomize built into kubectl). Neither installed is a UserError; a failed build is a result
 * carrying kustomize's own message.
 */
export async function renderKustomize(dir: string, options: RenderOptions): Promise<RenderResult> {
  const result = (await attempt('kustomize', ['build', dir], options)) ?? (await attempt('kubectl', ['kustomize', dir], options));
  if (!result) {
    throw new UserError(
      `render: ${dir} has a kustomization, but neither kustomize nor kubectl is on PATH; install kubectl or kustomize, or render it ` +
        `first (kubectl kustomize ${dir} > rendered.yaml) and validate the rendered file; render: none is no way out, it would skip ` +
        `the patches and overlays the cluster gets.`,
      { input: 'render' },
    );
  }
  return result;
}
