/**
 * Tags computed from the source context the way docker/metadata-action computes them: `sha-<7>`, the
 * branch, `pr-<n>`, semver from a git tag (`1.2.3`, `1.2`, `1`, `latest`), and user templates.
 */
import semver from 'semver';
import { UserError } from '../errors.ts';
import { isValidTag } from '../image-ref.ts';
import type { SourceContext } from './source-context.ts';

/** The placeholders a tag template may use, and what each stands for. */
export const TEMPLATE_PLACEHOLDERS: Readonly<Record<string, string>> = {
  sha: 'the first 7 characters of the source commit',
  sha_long: 'the full source commit',
  branch: 'the branch, made tag-safe',
  tag: 'the git tag, made tag-safe',
  version: 'the semver version of the git tag (without a leading v)',
  major: 'semver major',
  minor: 'semver major.minor',
  patch: 'semver major.minor.patch',
  pr: 'the pull/merge request number',
  run: 'the CI run number',
  date: 'the build date, YYYYMMDD (UTC)',
};

const PLACEHOLDER_RE = /\{\{\s*([a-z_]+)\s*\}\}/g;

/**
 * A git ref made into a valid tag as metadata-action does: characters outside `[A-Za-z0-9_.-]`
 * become `-`, leading `.`/`-` go, at most 128 characters.
 */
export function sanitizeTag(text: string): string {
  return text
    .replace(/[^\w.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
}

/** The semver version of a git tag (`v1.2.3` → `1.2.3`), or undefined when it is not one. */
export function tagVersion(gitTag: string | undefined): semver.SemVer | undefined {
  if (!gitTag) return undefined;
  return semver.parse(gitTag.replace(/^v(?=\d)/, '')) ?? undefined;
}

/** Placeholder values for a context; a placeholder that does not apply is left out. */
export function templateValues(context: SourceContext, now: Date): Record<string, string> {
  const version = tagVersion(context.gitTag);
  const values: Record<string, string | undefined> = {
    sha: context.sha?.slice(0, 7),
    sha_long: context.sha,
    branch: context.branch ? sanitizeTag(context.branch) : undefined,
    tag: context.gitTag ? sanitizeTag(context.gitTag) : undefined,
    version: version?.version,
    major: version ? String(version.major) : undefined,
    minor: version ? `${version.major}.${version.minor}` : undefined,
    patch: version ? `${version.major}.${version.minor}.${version.patch}` : undefined,
    pr: context.pr ? String(context.pr) : undefined,
    run: context.runNumber,
    date: now.toISOString().slice(0, 10).replace(/-/g, ''),
  };
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => !!entry[1]));
}

/** Checks a template's syntax and placeholders; the message names the `tags` input. */
export function checkTemplate(template: string, input = 'tags'): void {
  for (const match of template.matchAll(PLACEHOLDER_RE)) {
    if (!(match[1]! in TEMPLATE_PLACEHOLDERS)) {
      throw new UserError(
        `${input}: "${template}" uses {{${match[1]}}}, which is not a placeholder; use one of ${Object.keys(TEMPLATE_PLACEHOLDERS)
          .map((name) => `{{${name}}}`)
          .join(', ')}.`,
        { input },
      );
    }
  }
  const bare = template.replace(PLACEHOLDER_RE, 'x');
  if (bare.includes('{{') || bare.includes('}}')) throw new UserError(`${input}: "${template}" has an unclosed {{ }}.`, { input });
  if (!isValidTag(bare)) {
    throw new UserError(
      `${input}: "${template}" cannot make a valid tag: a tag is letters, digits, "_", "." and "-", up to 128 characters, not ` +
        `starting with "." or "-".`,
      { input },
    );
  }
}

/** Expands one template, or undefined when a placeholder has no value in this context (as metadata-action skips). */
export function expandTemplate(template: string, values: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const tag = template.replace(PLACEHOLDER_RE, (_, name: string) => {
    const value = values[name];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : tag;
}

/** The default tags of a context (metadata-action's `type=ref` and `type=semver` defaults, plus `sha-<7>`). */
export function defaultTags(context: SourceContext): string[] {
  const tags: string[] = [];
  const version = tagVersion(context.gitTag);
  if (version) {
    tags.push(version.version);
    // Like metadata-action: no {{major.minor}}, {{major}} or latest for a prerelease, no {{major}} for 0.x.
    if (version.prerelease.length === 0) {
      tags.push(`${version.major}.${version.minor}`);
      if (version.major > 0) tags.push(String(version.major));
      tags.push('latest');
    }
  } else if (context.gitTag) tags.push(sanitizeTag(context.gitTag));
  if (context.pr) tags.push(`pr-${context.pr}`);
  else if (context.branch && !context.gitTag) tags.push(sanitizeTag(context.branch));
  if (context.sha) tags.push(`sha-${context.sha.slice(0, 7)}`);
  return tags;
}

/** Every tag for a build: the defaults, then the templates that apply; each once, all valid. */
export function computeTags(context: SourceContext, templates: readonly string[], now: Date): string[] {
  const values = templateValues(context, now);
  const expanded = templates.map((template) => expandTemplate(template, values)).filter((tag): tag is string => !!tag);
  const tags = [...new Set([...defaultTags(context), ...expanded])].filter((tag) => tag !== '');
  for (const tag of tags) {
    if (!isValidTag(tag)) throw new UserError(`tags: "${tag}" is not a valid tag.`, { input: 'tags' });
  }
  return tags;
}

/** The version a build stands for, for `org.opencontainers.image.version`: as metadata-action picks it. */
export function buildVersion(context: SourceContext): string | undefined {
  const version = tagVersion(context.gitTag);
  if (version) return version.version;
  if (context.gitTag) return sanitizeTag(context.gitTag);
  if (context.pr) return `pr-${context.pr}`;
  if (context.branch) return sanitizeTag(context.branch);
  return context.sha ? `sha-${context.sha.slice(0, 7)}` : undefined;
}
