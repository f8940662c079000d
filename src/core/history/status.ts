/**
 * The status matrix: images × environments with tag, digest, the commit that set the value, its age,
 * the verification verdict, holds, and which images differ between environments. Pure: the clock comes in.
 */
import { familiarName, type ImageRef, parseImageRef, shortDigest } from '../image-ref.ts';
import { formatDuration } from '../promote/gate.ts';
import type { FoundHold } from '../rollback/holds.ts';
import type { VerdictRecord } from '../verify/verdict-note.ts';
import type { ImageVersion } from './states.ts';

/** What was read about one environment. */
export interface EnvReading {
  readonly name: string;
  readonly path: string;
  readonly branch: string;
  /** The newest commit that touched the path (what the environment runs), and its time. */
  readonly commit?: string;
  readonly time?: string;
  readonly images: ReadonlyMap<string, ImageVersion>;
  /** The commit (and time) that set each image's current value, when the history read reaches it. */
  readonly since: ReadonlyMap<string, { readonly commit: string; readonly time: string }>;
  /** The newest verdict for this environment on its current commit. */
  readonly verdict?: VerdictRecord;
  readonly holds: readonly FoundHold[];
  /** Why the environment could not be read (missing path, malformed YAML), if so. */
  readonly error?: string;
}

/** One cell: an image in an environment. */
export interface StatusCell {
  readonly tag?: string;
  readonly digest?: string;
  readonly commit?: string;
  readonly since?: string;
  readonly ageMs?: number;
  readonly verdict?: string;
  readonly hold?: { readonly actor: string; readonly time: string; readonly reason: string };
}

/** One row: an image across environments. */
export interface StatusRow {
  readonly image: string;
  readonly cells: Readonly<Record<string, StatusCell>>;
  /** True when the environments holding the image hold different versions (or some lack it). */
  readonly differs: boolean;
}

/** The whole matrix. */
export interface StatusMatrix {
  readonly environments: readonly {
    readonly name: string;
    readonly path: string;
    readonly branch: string;
    readonly commit?: string;
    readonly verdict?: string;
    readonly error?: string;
  }[];
  readonly rows: readonly StatusRow[];
}

function cellOf(env: EnvReading, name: string, nowMs: number): StatusCell | undefined {
  const version = env.images.get(name);
  if (!version) return undefined;
  const since = env.since.get(name);
  const hold = env.holds.find((h) => h.image === name);
  const ageMs = since ? nowMs - Date.parse(since.time) : undefined;
  return {
    ...(version.ref.tag ? { tag: version.ref.tag } : {}),
    ...(version.digest ? { digest: version.digest } : {}),
    ...(since ? { commit: since.commit, since: since.time } : {}),
    ...(ageMs !== undefined && Number.isFinite(ageMs) ? { ageMs } : {}),
    ...(env.verdict ? { verdict: env.verdict.status } : {}),
    ...(hold ? { hold: { actor: hold.actor, time: hold.time, reason: hold.reason } } : {}),
  };
}

function key(cell: StatusCell | undefined): string {
  return cell ? `${cell.tag ?? ''}@${cell.digest ?? ''}` : '';
}

/** Builds the matrix over the environments read. */
export function statusMatrix(envs: readonly EnvReading[], nowMs: number): StatusMatrix {
  const names = [...new Set(envs.flatMap((env) => [...env.images.keys()]))].sort();
  const rows = names.map((name) => {
    const cells: Record<string, StatusCell> = {};
    for (const env of envs) {
      const cell = cellOf(env, name, nowMs);
      if (cell) cells[env.name] = cell;
    }
    const keys = envs.filter((env) => !env.error).map((env) => key(cells[env.name]));
    return { image: name, cells, differs: new Set(keys).size > 1 };
  });
  const environments = envs.map((env) => ({
    name: env.name,
    path: env.path,
    branch: env.branch,
    ...(env.commit ? { commit: env.commit } : {}),
    ...(env.verdict ? { verdict: env.verdict.status } : {}),
    ...(env.error ? { error: env.error } : {}),
  }));
  return { environments, rows };
}

function cellText(cell: StatusCell | undefined): string {
  if (!cell) return '—';
  const parts = [cell.tag ? `\`${cell.tag}\`` : '', cell.digest ? `\`${shortDigest(cell.digest)}\`` : ''].filter(Boolean);
  const facts = [
    cell.verdict ?? 'not verified',
    cell.ageMs !== undefined ? `${formatDuration(cell.ageMs)} ago` : '',
    cell.commit ? `\`${cell.commit.slice(0, 8)}\`` : '',
  ].filter(Boolean);
  const hold = cell.hold ? `<br>**held** by ${cell.hold.actor}: ${cell.hold.reason.replace(/\|/g, '\\|')}` : '';
  return `${parts.join(' ') || '—'}<br>${facts.join(' · ')}${hold}`;
}

/** The matrix as a Markdown job summary. */
export function statusMarkdown(matrix: StatusMatrix): string {
  const envs = matrix.environments;
  const lines = ['### Baton status', ''];
  lines.push(`| Image | ${envs.map((e) => e.name).join(' | ')} | |`, `| --- | ${envs.map(() => '---').join(' | ')} | --- |`);
  for (const row of matrix.rows) {
    const name = familiarName(parseImageRef(row.image) as ImageRef);
    lines.push(`| \`${name}\` | ${envs.map((e) => cellText(row.cells[e.name])).join(' | ')} | ${row.differs ? '**differs**' : 'same'} |`);
  }
  if (matrix.rows.length === 0) lines.push('', 'No images found in any environment.');
  const foot = envs.map(
    (e) =>
      `- **${e.name}**: \`${e.path}\` on ` +
      `\`${e.branch}\`${e.commit ? ` at \`${e.commit.slice(0, 12)}\`` : ''}${e.error ? ` — could not be read: ${e.error}` : ''}`,
  );
  lines.push('', ...foot);
  return lines.join('\n');
}
