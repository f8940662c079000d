/** promote's outputs and job summary. */
import type { Environment, WriteMode } from '../../core/env-config.ts';
import { familiarName, formatFamiliar, parseImageRef, shortDigest } from '../../core/image-ref.ts';
import { describeRecord, type ImageStory, type PromotionContext } from '../../core/promote/text.ts';
import type { GuardedPlan } from '../../core/rollback/guard.ts';
import { unifiedDiff } from '../../core/unified-diff.ts';
import type { ChangeRequest } from '../../adapters/forges/types.ts';
import type { SourceRun } from './types.ts';
import type { PromoteInputs } from './inputs.ts';

/** What one target's promotion came to. */
export interface TargetResult {
  readonly env: Environment;
  readonly mode: WriteMode;
  readonly plan: GuardedPlan;
  readonly commit: string | undefined;
  /** The clone's head after writing (the existing head when nothing changed). */
  readonly head: string;
  readonly request: ChangeRequest | undefined;
  readonly stories: readonly ImageStory[];
  readonly promotion: PromotionContext;
}

/** Every output, also on no-op runs. */
export function promoteOutputs(
  results: readonly TargetResult[],
  runs: readonly SourceRun[],
  inputs: PromoteInputs,
): Record<string, string> {
  const images = results.flatMap((r) =>
    r.stories.map((s) => ({
      env: r.env.name,
      image: familiarName(s.image.target),
      old: s.old ? formatFamiliar(s.old) : '',
      new: formatFamiliar(s.image.target),
      digest: s.image.target.digest,
      digestFrom: s.image.digestFrom,
      copiedTo: s.copiedTo ?? '',
    })),
  );
  return {
    changed: String(results.some((r) => r.plan.edits.length > 0)),
    commit: inputs.dryRun ? '' : results.map((r) => r.commit ?? r.head).join('\n'),
    'pr-url': results
      .map((r) => r.request?.url ?? '')
      .join('\n')
      .replace(/^\n+$/, ''),
    images: JSON.stringify(images),
    'verified-commit': [...new Set(runs.filter((run) => run.state.record).map((run) => run.state.commit))].join('\n'),
  };
}

function storyRow(story: ImageStory): string {
  const version = (ref: ImageStory['old']) => (ref ? `\`${ref.tag ?? ''}${ref.digest ? `@${shortDigest(ref.digest)}` : ''}\`` : '—');
  const source = story.source?.compare
    ? `[compare](${story.source.compare})`
    : story.source?.to
      ? `\`${story.source.to.slice(0, 8)}\``
      : '—';
  return (
    `| \`${familiarName(story.image.target)}\` | ${version(story.old)} | ${version(story.image.target)} | ${story.image.digestFrom} | ` +
    `${source} |`
  );
}

/** The job summary: per target, the images old → new, the record relied on, the diff. */
export function promoteSummary(results: readonly TargetResult[], runs: readonly SourceRun[], inputs: PromoteInputs): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`### Baton promote: ${r.promotion.from} → ${r.env.name}${inputs.dryRun ? ' (dry run)' : ''}`, '');
    lines.push('| Image | Old | New | Digest from | Source |', '| --- | --- | --- | --- | --- |', ...r.stories.map(storyRow), '');
    lines.push(`Verification relied on: ${describeRecord(r.promotion.record, r.promotion.sourceCommit)}.`);
    if (r.plan.edits.length === 0) lines.push('', `Nothing to change: ${r.env.name} already holds these digests.`);
    else lines.push('', '```diff', unifiedDiff(r.plan.edits).trimEnd(), '```');
    for (const skip of r.plan.skipped)
      lines.push(
        '',
        `Kept ${skip.file}:${skip.line} at ${skip.current}: it is newer than ${skip.wanted} (set allow-downgrade to write it anyway).`,
      );
    for (const hold of r.plan.released)
      lines.push('', `Released the rollback hold on \`${familiarName(parseImageRef(hold.image))}\` (override-hold).`);
    if (r.commit && !inputs.dryRun) lines.push('', `Commit: \`${r.commit}\` (${r.mode} mode)`);
    if (r.request) lines.push('', `Request: ${r.request.url}`);
    lines.push('');
  }
  for (const run of runs)
    for (const [from, to] of run.copied) lines.push(`Copied \`${familiarName(parseImageRef(from))}\` to \`${to}\` by digest (checked).`);
  return lines.join('\n').trimEnd();
}
