/** History for people (a Markdown table) and for machines (plain JSON). Pure. */
import { familiarName, parseImageRef, shortDigest } from '../image-ref.ts';
import type { HistoryEntry, ImageVersion } from './states.ts';

/** One entry as JSON: what `baton history --json` prints in its `entries` output. */
export interface HistoryJson {
  readonly commit: string;
  readonly time: string;
  readonly author: string;
  readonly subject: string;
  readonly images: Record<string, { tag?: string; digest?: string; digestFrom?: string }>;
  readonly changed: readonly string[];
  readonly verdict?: { status: string; time: string; on: string; reason: string };
  readonly rollback?: { reason?: string; actor?: string; to?: string };
  readonly folded: readonly string[];
}

/** The entries as JSON-ready objects, newest first. */
export function historyJson(entries: readonly HistoryEntry[]): HistoryJson[] {
  return entries.map((entry) => ({
    commit: entry.commit,
    time: entry.time,
    author: entry.author,
    subject: entry.subject,
    images: Object.fromEntries(
      [...entry.images].map(([name, v]) => [
        name,
        { ...(v.ref.tag ? { tag: v.ref.tag } : {}), ...(v.digest ? { digest: v.digest, digestFrom: v.digestFrom! } : {}) },
      ]),
    ),
    changed: entry.changed,
    ...(entry.verdict
      ? { verdict: { status: entry.verdict.status, time: entry.verdict.time, on: entry.verdictOn!, reason: entry.verdict.reason } }
      : {}),
    ...(entry.rollback ? { rollback: entry.rollback } : {}),
    folded: entry.folded.map((f) => f.commit),
  }));
}

function versionText(version: ImageVersion): string {
  const tag = version.ref.tag ?? '';
  const digest = version.digest ? `@${shortDigest(version.digest)}${version.digestFrom === 'file' ? '' : ` (${version.digestFrom})`}` : '';
  return `${tag}${digest}` || '?';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A repo URL fit to print in a hint: without credentials. */
function shownRepo(repo: string): string {
  return repo.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/**
 * The history as a Markdown table, newest first: the menu a rollback picks from. The closing hint is a
 * command that runs as printed (the repo and environment filled in).
 */
export function historyMarkdown(
  envName: string,
  entries: readonly HistoryEntry[],
  complete: boolean,
  target?: { repo: string; path?: string },
): string {
  const lines = [
    `### Baton history: ${envName}`,
    '',
    '| # | Commit | Date | Images | Verified | Change |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [index, entry] of entries.entries()) {
    const images = [...entry.images]
      .map(([name, v]) => {
        const text = `${familiarName(parseImageRef(name))} ${versionText(v)}`;
        return entry.changed.includes(name) ? `**${cell(text)}**` : cell(text);
      })
      .join('<br>');
    const verdict = entry.verdict ? `${entry.verdict.status} ${entry.verdict.time}` : '—';
    const what = entry.rollback
      ? `rollback by ${cell(entry.rollback.actor ?? entry.author)}: ${cell(entry.rollback.reason ?? '')}`
      : cell(entry.subject);
    const folded = entry.folded.length > 0 ? ` (+${entry.folded.length} later config commit(s))` : '';
    lines.push(
      `| ${index === 0 ? 'now' : index} | \`${entry.commit.slice(0, 12)}\` | ${entry.time} | ${images || '—'} | ${verdict} | ` +
        `${what}${folded} |`,
    );
  }
  if (entries.length === 0) lines.push('', 'No commit has touched this environment yet.');
  else if (!complete) lines.push('', `Older history not shown; raise \`limit\` to see more.`);
  const repo = target ? `--repo ${shownRepo(target.repo)} ` : '';
  const which = target?.path ? `--path ${target.path}` : `--env ${envName}`;
  lines.push('', `Roll back with \`baton rollback ${repo}${which} --to <# or tag or digest or commit> --reason "…"\`.`);
  return lines.join('\n');
}
