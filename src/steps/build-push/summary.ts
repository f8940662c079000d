/** build-push's outputs (always all of them) and its job summary. */
import { LAYOUT_PREFIX } from '../../adapters/registry/open-image.ts';
import { familiarName, type ImageRef } from '../../core/image-ref.ts';
import type { BuildPushInputs } from './inputs.ts';
import type { TagOutcome } from './publish.ts';
import type { BuildSource } from './source.ts';

/** What a run did, for outputs and summary. */
export interface BuildPushReport {
  readonly digest: string;
  readonly skipped: boolean;
  readonly builder: string;
  /** Why auto passed other builders over. */
  readonly passed: readonly string[];
  readonly platforms: Readonly<Record<string, string>>;
  readonly tags: readonly TagOutcome[];
  readonly pushed: boolean;
  readonly timings: Readonly<Record<string, number>>;
}

/** `ghcr.io/acme/api`, `acme/api`, or `oci:/abs/dir`. */
export function repositoryName(ref: ImageRef, layout: boolean): string {
  return layout ? `${LAYOUT_PREFIX}${ref.repository}` : familiarName(ref);
}

/** Every output, as strings. */
export function buildPushOutputs(inputs: BuildPushInputs, source: BuildSource, report: BuildPushReport): Record<string, string> {
  const name = repositoryName(inputs.imageRef, inputs.layout);
  const shownTags = report.pushed ? report.tags.filter((t) => t.tag !== source.keyTag).map((t) => t.tag) : source.tags;
  const metadata = {
    image: report.digest ? `${name}@${report.digest}` : '',
    digest: report.digest,
    platforms: report.platforms,
    tags: shownTags,
    skipped: report.skipped,
    builder: report.builder,
    source: {
      commit: source.source.sha ?? '',
      branch: source.source.branch ?? '',
      tag: source.source.gitTag ?? '',
      pr: source.source.pr ?? null,
      repository: source.source.repositoryUrl ?? '',
    },
    key: source.key,
    keyTag: source.keyTag,
    labels: Object.fromEntries(source.labels),
  };
  return {
    image: metadata.image,
    digest: report.digest,
    tags: shownTags.map((tag) => `${name}:${tag}`).join('\n'),
    skipped: String(report.skipped),
    builder: report.builder,
    metadata: JSON.stringify(metadata),
  };
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : `${(ms / 1000).toFixed(2)} s`;
}

/** The Markdown job summary. */
export function buildPushSummary(inputs: BuildPushInputs, source: BuildSource, report: BuildPushReport): string {
  const name = repositoryName(inputs.imageRef, inputs.layout);
  const dry = inputs.dryRun ? ' (dry run)' : '';
  const lines = [`### Baton build-push: ${name}${dry}`, ''];
  if (report.skipped)
    lines.push(`Skipped the build: the registry already holds an image for this source (\`${source.keyTag}\`); only tags were added.`, '');
  lines.push('| | |', '| --- | --- |');
  lines.push(`| Digest | ${report.digest ? `\`${report.digest}\`` : '—'} |`);
  lines.push(`| Builder | ${report.builder || (report.skipped ? 'none (skipped)' : '—')} |`);
  for (const [platform, digest] of Object.entries(report.platforms)) lines.push(`| ${platform} | \`${digest}\` |`);
  const sha = source.source.sha ? `\`${source.source.sha.slice(0, 12)}\`` : 'not a git checkout';
  lines.push(`| Source | ${sha}${source.source.pr ? ` (pull request ${source.source.pr})` : ''} |`);
  lines.push(`| Source key | \`${source.key.slice(0, 32)}\` |`);
  for (const [step, ms] of Object.entries(report.timings)) lines.push(`| ${step} | ${seconds(ms)} |`);
  lines.push('', '| Tag | |', '| --- | --- |');
  const tags = report.pushed
    ? report.tags
    : source.tags.map((tag) => ({ tag, status: inputs.dryRun ? 'would be set' : 'not pushed' }) as const);
  for (const t of tags)
    lines.push(`| \`${name}:${t.tag}\` | ${t.status}${'previous' in t && t.previous ? ` (was ${t.previous.slice(0, 19)})` : ''} |`);
  if (report.passed.length > 0) lines.push('', `Builders passed over: ${report.passed.map((line) => `\n- ${line}`).join('')}`);
  return lines.join('\n');
}
