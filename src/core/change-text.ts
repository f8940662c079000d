import type { FileEdit, ValueChange } from './edit/types.ts';
import { familiarName, formatFamiliar, type ImageRef, parseImageRef, shortDigest } from './image-ref.ts';

/** Links to where a change came from, read from the CI environment. */
export interface ChangeOrigin {
  /** URL of the source commit that produced the image. */
  readonly sourceUrl?: string;
  /** URL of the CI run that made the change. */
  readonly runUrl?: string;
  /** Who triggered it (CI actor). */
  readonly actor?: string;
}

/** Reads the source commit, run URL and actor from GitHub Actions or GitLab CI variables. */
export function originFromEnv(env: Readonly<Record<string, string | undefined>>): ChangeOrigin {
  const gh = env['GITHUB_SERVER_URL'] && env['GITHUB_REPOSITORY'] ? `${env['GITHUB_SERVER_URL']}/${env['GITHUB_REPOSITORY']}` : '';
  if (gh) {
    return {
      ...(env['GITHUB_SHA'] ? { sourceUrl: `${gh}/commit/${env['GITHUB_SHA']}` } : {}),
      ...(env['GITHUB_RUN_ID'] ? { runUrl: `${gh}/actions/runs/${env['GITHUB_RUN_ID']}` } : {}),
      ...(env['GITHUB_ACTOR'] ? { actor: env['GITHUB_ACTOR'] } : {}),
    };
  }
  if (env['CI_PROJECT_URL']) {
    return {
      ...(env['CI_COMMIT_SHA'] ? { sourceUrl: `${env['CI_PROJECT_URL']}/-/commit/${env['CI_COMMIT_SHA']}` } : {}),
      ...(env['CI_JOB_URL'] || env['CI_PIPELINE_URL'] ? { runUrl: env['CI_JOB_URL'] || env['CI_PIPELINE_URL'] } : {}),
      ...(env['GITLAB_USER_LOGIN'] ? { actor: env['GITLAB_USER_LOGIN'] } : {}),
    };
  }
  return {};
}

/** The version as people read it: the tag, else the short digest. */
export function versionLabel(ref: Pick<ImageRef, 'tag' | 'digest'>): string {
  return ref.tag ?? (ref.digest ? shortDigest(ref.digest) : '?');
}

/** The commit subject of a bump: `staging: bump ghcr.io/acme/api to 1.4.2`. */
export function bumpSubject(envName: string, images: readonly ImageRef[]): string {
  if (images.length === 1) return `${envName}: bump ${familiarName(images[0]!)} to ${versionLabel(images[0]!)}`;
  const list = images.map((ref) => `${familiarName(ref).split('/').pop()} ${versionLabel(ref)}`);
  const shown = list.length > 3 ? `${list.slice(0, 3).join(', ')}, …` : list.join(', ');
  return `${envName}: bump ${images.length} images (${shown})`;
}

/** Git trailers for a bump: `Baton-Image`, `Baton-Env`, `Baton-Source`, `Baton-Run`. */
export function bumpTrailers(envName: string, images: readonly ImageRef[], origin: ChangeOrigin): string[] {
  const trailers = images.map((ref) => `Baton-Image: ${formatFamiliar(ref)}`);
  trailers.push(`Baton-Env: ${envName}`);
  if (origin.sourceUrl) trailers.push(`Baton-Source: ${origin.sourceUrl}`);
  if (origin.runUrl) trailers.push(`Baton-Run: ${origin.runUrl}`);
  if (origin.actor) trailers.push(`Baton-Actor: ${origin.actor}`);
  return trailers;
}

/** The whole commit message: subject, a body listing the changed values, and the trailers. */
export function bumpMessage(
  subject: string,
  envName: string,
  images: readonly ImageRef[],
  changes: readonly ValueChange[],
  origin: ChangeOrigin,
): string {
  const body = changes.map((c) => `- ${c.file}:${c.line} ${c.field}: ${c.old ?? '(none)'} -> ${c.new ?? '(removed)'}`);
  return `${subject.trim()}\n\n${body.join('\n')}\n\n${bumpTrailers(envName, images, origin).join('\n')}\n`;
}

/** A branch-safe slug of an image name: `ghcr.io/acme/api` → `ghcr.io-acme-api`. */
export function imageSlug(ref: Pick<ImageRef, 'registry' | 'repository'>): string {
  return familiarName(ref).replace(/[^A-Za-z0-9._-]+/g, '-');
}

/**
 * The deterministic PR/MR branch for an environment and a set of images, so a later bump of the same
 * images updates the open PR instead of opening another: `baton/staging/acme-api`.
 */
export function proposalBranch(envName: string, images: readonly ImageRef[]): string {
  const slugs = [...new Set(images.map(imageSlug))].sort();
  let tail = slugs.join('+');
  if (tail.length > 80) {
    let hash = 0;
    for (const char of tail) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
    tail = `${slugs.length}-images-${hash.toString(16).padStart(8, '0')}`;
  }
  return `baton/${envName}/${tail}`;
}

/** Escapes text for a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A Markdown table of old → new per changed value. */
export function changeTable(changes: readonly ValueChange[]): string {
  const rows = changes.map((c) => {
    const image = familiarName(parseImageRef(c.image));
    return `| \`${cell(image)}\` | \`${cell(c.file)}:${c.line}\` | \`${cell(c.old ?? '—')}\` | \`${cell(c.new ?? '—')}\` |`;
  });
  return ['| Image | Where | Old | New |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The PR/MR body: what changes, where it came from, how to read it. Never holds secrets. */
export function proposalBody(envName: string, changes: readonly ValueChange[], origin: ChangeOrigin): string {
  const links = [
    origin.sourceUrl ? `- Source commit: ${origin.sourceUrl}` : '',
    origin.runUrl ? `- Run: ${origin.runUrl}` : '',
    origin.actor ? `- Triggered by: @${origin.actor}` : '',
  ].filter(Boolean);
  return [
    `Baton bumps **${envName}**.`,
    '',
    changeTable(changes),
    '',
    ...(links.length ? [...links, ''] : []),
    '<sub>Opened by Baton. A later bump of the same images updates this request.</sub>',
  ].join('\n');
}

/** Files changed by a plan, in order. */
export function changedFiles(edits: readonly FileEdit[]): string[] {
  return edits.map((edit) => edit.file);
}
