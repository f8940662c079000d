import { posix } from 'node:path';
import type { ParsedDocument } from './documents.ts';
import type { StreamOrigin } from './resources.ts';

/** Joins a path the renderer printed onto the rendered directory, inside the repo, with forward slashes. */
function under(dir: string, path: string): string {
  return posix.normalize(posix.join(dir, path.replace(/\\/g, '/')));
}

/**
 * The origin of a `helm template` stream: each document starts with `# Source: <chart>/templates/x.yaml`;
 * the chart name is replaced by the chart's directory.
 */
export function helmOrigin(chartDir: string, renderedBy: string): StreamOrigin {
  return {
    file: `${chartDir}/Chart.yaml`,
    renderedBy,
    sourceOf(doc: ParsedDocument) {
      const match = /(?:^|\n)\s*Source:\s*(\S+)/.exec(doc.comment ?? '');
      if (!match) return undefined;
      const parts = match[1]!.split('/');
      return under(chartDir, parts.slice(1).join('/'));
    },
  };
}

/**
 * The origin of a kustomize stream. Kustomize names the source file only when the kustomization asks
 * for it (`buildMetadata: [originAnnotations]`): the `config.kubernetes.io/origin` annotation holds
 * `path: <file relative to the kustomization>`; otherwise findings point at the kustomization.
 */
export function kustomizeOrigin(dir: string, kustomizationFile: string, renderedBy: string): StreamOrigin {
  return {
    file: kustomizationFile,
    renderedBy,
    sourceOf(doc: ParsedDocument) {
      const value = doc.value as { metadata?: { annotations?: Record<string, unknown> } } | null;
      const origin = value?.metadata?.annotations?.['config.kubernetes.io/origin'];
      if (typeof origin !== 'string') return undefined;
      const match = /(?:^|\n)path:\s*(\S+)/.exec(origin);
      return match && !match[1]!.includes('://') ? under(dir, match[1]!) : undefined;
    },
  };
}
