/** The words of a rollback: commit subject, message with trailers, and the hold it leaves. Pure. */
import { bumpTrailers, type ChangeOrigin, versionLabel } from '../change-text.ts';
import type { ValueChange } from '../edit/types.ts';
import { familiarName, type ImageRef } from '../image-ref.ts';

/** `production: roll back ghcr.io/acme/api to 1.4.1`, or a count for several images. */
export function rollbackSubject(envName: string, images: readonly ImageRef[]): string {
  if (images.length === 1) return `${envName}: roll back ${familiarName(images[0]!)} to ${versionLabel(images[0]!)}`;
  const list = images.map((ref) => `${familiarName(ref).split('/').pop()} ${versionLabel(ref)}`);
  const shown = list.length > 3 ? `${list.slice(0, 3).join(', ')}, …` : list.join(', ');
  return `${envName}: roll back ${images.length} images (${shown})`;
}

/** What the rollback message tells besides the changes. */
export interface RollbackContext {
  readonly envName: string;
  /** The env-repo commit whose state is restored, and its time. */
  readonly toCommit: string;
  readonly toTime: string;
  readonly reason: string;
  readonly actor: string;
  readonly holding: boolean;
}

/**
 * The whole commit message: subject, why and by whom, the values changed, and trailers
 * (`Baton-Rollback: <commit restored>`, `Baton-Reason`, `Baton-Actor`, plus bump's `Baton-Image` …)
 * that `baton history` reads back.
 */
export function rollbackMessage(
  subject: string,
  images: readonly ImageRef[],
  changes: readonly ValueChange[],
  context: RollbackContext,
  origin: ChangeOrigin,
): string {
  const reason = oneLine(context.reason);
  const lines = changes.map((c) => `- ${c.file}:${c.line} ${c.field}: ${c.old ?? '(none)'} -> ${c.new ?? '(removed)'}`);
  const hold = context.holding ? ' Held there until released (baton release-hold).' : '';
  const why = `Rolled back by ${context.actor} to the state of ${context.toCommit.slice(0, 12)} (${context.toTime}): ${reason}.${hold}`;
  const trailers = [
    `Baton-Rollback: ${context.toCommit}`,
    `Baton-Reason: ${reason}`,
    ...bumpTrailers(context.envName, images, { ...origin, actor: context.actor }),
  ];
  return `${subject.trim()}\n\n${why}\n\n${lines.join('\n')}\n\n${trailers.join('\n')}\n`;
}

/** The message of a commit that releases holds. */
export function releaseMessage(
  envName: string,
  images: readonly string[],
  actor: string,
  reason: string | undefined,
  origin: ChangeOrigin,
): string {
  const names = images.map((name) => name.replace(/^docker\.io\/(library\/)?/, ''));
  const subject = `${envName}: release the rollback hold on ${names.length === 1 ? names[0] : `${names.length} images`}`;
  const why =
    `Released by ${actor}${reason ? `: ${oneLine(reason)}` : ''}. Bumps and promotions of ${names.join(', ')} into ${envName} apply ` +
    `again.`;
  const trailers = [`Baton-Release-Hold: ${images.join(', ')}`, `Baton-Env: ${envName}`, `Baton-Actor: ${actor}`];
  if (origin.runUrl) trailers.push(`Baton-Run: ${origin.runUrl}`);
  return `${subject}\n\n${why}\n\n${trailers.join('\n')}\n`;
}

/** Text on one line, trimmed: a reason goes into trailers and comments. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
