/** The words of a promotion: commit subject and message, and the PR/MR body people review. Pure. */
import { bumpTrailers, type ChangeOrigin, versionLabel } from '../change-text.ts';
import type { ValueChange } from '../edit/types.ts';
import { familiarName, type ImageRef, shortDigest } from '../image-ref.ts';
import type { VerdictRecord } from '../verify/verdict-note.ts';
import type { PromotedImage } from './images.ts';

/** A commit listed in the body (from the forge's compare API). */
export interface SourceCommit {
  readonly sha: string;
  readonly title: string;
  readonly url?: string;
  readonly author?: string;
}

/** What the body says about one image besides the change itself. */
export interface ImageStory {
  readonly image: PromotedImage;
  /** What the target held before (tag and/or digest), when it held the image. */
  readonly old?: ImageRef;
  /** Source repository web URL and revisions, from the images' labels. */
  readonly source?: { readonly url?: string; readonly from?: string; readonly to?: string; readonly compare?: string };
  /** Commits between the two revisions, when the forge listed them. */
  readonly commits?: readonly SourceCommit[];
  /** Where the image was copied (copy-to), digest checked. */
  readonly copiedTo?: string;
}

/** Where the promotion comes from and what vouched for it. */
export interface PromotionContext {
  readonly from: string;
  readonly to: string;
  /** The source environment's commit whose files were read. */
  readonly sourceCommit: string;
  readonly record?: VerdictRecord;
}

/** `production: promote ghcr.io/acme/api 1.4.2 from staging`, or a count for several images. */
export function promoteSubject(context: Pick<PromotionContext, 'from' | 'to'>, images: readonly ImageRef[]): string {
  if (images.length === 1) return `${context.to}: promote ${familiarName(images[0]!)} ${versionLabel(images[0]!)} from ${context.from}`;
  const list = images.map((ref) => `${familiarName(ref).split('/').pop()} ${versionLabel(ref)}`);
  const shown = list.length > 3 ? `${list.slice(0, 3).join(', ')}, …` : list.join(', ');
  return `${context.to}: promote ${images.length} images from ${context.from} (${shown})`;
}

/** The verification record in one line. */
export function describeRecord(record: VerdictRecord | undefined, commit: string): string {
  if (!record) return `not verified (require-verified was off); source commit ${commit.slice(0, 12)}`;
  const run = record.runUrl ? ` ${record.runUrl}` : '';
  return `${record.status} by ${record.provider} at ${record.time} on ${commit.slice(0, 12)}${run}`;
}

/**
 * The commit message: subject, the values changed, and trailers: `Baton-Promoted-From: <env>@<commit>`,
 * `Baton-Verified: <record>`, then bump's (`Baton-Image` with the digest, `Baton-Env`, run, actor).
 */
export function promoteMessage(
  subject: string,
  images: readonly ImageRef[],
  changes: readonly ValueChange[],
  context: PromotionContext,
  origin: ChangeOrigin,
): string {
  const lines = changes.map((c) => `- ${c.file}:${c.line} ${c.field}: ${c.old ?? '(none)'} -> ${c.new ?? '(removed)'}`);
  const trailers = [
    `Baton-Promoted-From: ${context.from}@${context.sourceCommit}`,
    `Baton-Verified: ${describeRecord(context.record, context.sourceCommit)}`,
    ...bumpTrailers(context.to, images, origin),
  ];
  return `${subject.trim()}\n\n${lines.join('\n')}\n\n${trailers.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function version(ref: ImageRef | undefined): string {
  if (!ref) return '—';
  const tag = ref.tag ? `\`${cell(ref.tag)}\`` : '';
  const digest = ref.digest ? `\`${shortDigest(ref.digest)}\`` : '';
  return [tag, digest].filter(Boolean).join(' ') || '—';
}

function sourceCell(story: ImageStory): string {
  const source = story.source;
  if (!source?.from && !source?.to) return '—';
  const revs = `${source.from?.slice(0, 8) ?? '?'}…${source.to?.slice(0, 8) ?? '?'}`;
  return source.compare ? `[${revs}](${source.compare})` : `\`${revs}\``;
}

/** The PR/MR body: images old → new with digests and source compare links, the record relied on, commits between. */
export function promotionBody(stories: readonly ImageStory[], context: PromotionContext, origin: ChangeOrigin): string {
  const rows = stories.map(
    (s) =>
      `| \`${cell(familiarName(s.image.target))}\` | ${version(s.old)} | ${version(s.image.target)} | ${s.image.digestFrom} | ` +
      `${sourceCell(s)} |`,
  );
  const lines = [
    `Baton promotes **${context.from}** → **${context.to}**.`,
    '',
    '| Image | Old | New | Digest from | Source changes |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `**Verification relied on:** ${describeRecord(context.record, context.sourceCommit)}.`,
  ];
  if (context.record?.message) lines.push(`> ${cell(context.record.message)}`);
  for (const s of stories.filter((story) => story.copiedTo))
    lines.push(
      '',
      `Copied \`${familiarName(s.image.source)}@${shortDigest(s.image.source.digest)}\` to \`${s.copiedTo}\` (digest checked).`,
    );
  for (const s of stories.filter((story) => story.commits && story.commits.length > 0)) lines.push('', ...commitList(s));
  if (origin.runUrl) lines.push('', `- Run: ${origin.runUrl}`);
  if (origin.actor) lines.push(`- Triggered by: @${origin.actor}`);
  lines.push('', '<sub>Opened by Baton. A later promotion or bump of the same images updates this request.</sub>');
  return lines.join('\n');
}

const MAX_COMMITS = 50;

function commitList(story: ImageStory): string[] {
  const commits = story.commits!;
  const shown = commits.slice(0, MAX_COMMITS).map((c) => {
    const sha = c.url ? `[\`${c.sha.slice(0, 8)}\`](${c.url})` : `\`${c.sha.slice(0, 8)}\``;
    return `- ${sha} ${cell(c.title)}${c.author ? ` (${cell(c.author)})` : ''}`;
  });
  const more = commits.length > MAX_COMMITS ? [`- … and ${commits.length - MAX_COMMITS} more`] : [];
  return [
    `<details><summary>${commits.length} commit(s) in ${familiarName(story.image.source)}</summary>`,
    '',
    ...shown,
    ...more,
    '',
    '</details>',
  ];
}
