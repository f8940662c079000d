/**
 * The verdict as verify records it in the env repo: one line per verdict in the git note
 * (`refs/notes/baton`) on the verified commit, so that promote can find which commit was verified in
 * which environment. A note may gather several lines (several environments, re-runs); the newest line
 * for an environment is the one that counts.
 */
import type { Verdict, VerdictStatus } from './verdict.ts';
import { verdictCode } from './verdict.ts';

/** The prefix of each verdict line in a note. */
export const NOTE_PREFIX = 'baton-verify: ';

/** The notes ref verify writes to. */
export const NOTES_REF = 'refs/notes/baton';

/** One recorded verdict. */
export interface VerdictRecord {
  readonly version: 1;
  readonly env: string;
  readonly status: VerdictStatus;
  /** The reason code (`healthy`, `image-pull`, `timeout:progressing`, …). */
  readonly reason: string;
  readonly message: string;
  /** The env-repo commit verified. */
  readonly revision?: string;
  readonly provider: string;
  readonly targets: readonly { readonly target: string; readonly outcome: string; readonly reason: string }[];
  /** Images seen running, `name@sha256:…`. */
  readonly images: readonly string[];
  /** ISO 8601 time of the verdict. */
  readonly time: string;
  readonly runUrl?: string;
}

/** Builds the record of a verdict. */
export function verdictRecord(
  verdict: Verdict,
  fields: { env: string; provider: string; time: string; revision?: string; runUrl?: string },
): VerdictRecord {
  const images = [
    ...new Set(verdict.targets.flatMap((t) => (Array.isArray(t.facts?.['images']) ? (t.facts['images'] as string[]) : []))),
  ].sort();
  return {
    version: 1,
    env: fields.env,
    status: verdict.status,
    reason: verdictCode(verdict),
    message: verdict.reason.length > 500 ? `${verdict.reason.slice(0, 499)}…` : verdict.reason,
    ...(fields.revision ? { revision: fields.revision } : {}),
    provider: fields.provider,
    targets: verdict.targets.map((t) => ({ target: t.target, outcome: t.outcome, reason: t.reason })),
    images,
    time: fields.time,
    ...(fields.runUrl ? { runUrl: fields.runUrl } : {}),
  };
}

/** The note line for a record. */
export function formatNoteLine(record: VerdictRecord): string {
  return `${NOTE_PREFIX}${JSON.stringify(record)}`;
}

/** Every verdict line of a note's text, oldest first; other lines are left alone. */
export function parseVerdictNote(text: string): VerdictRecord[] {
  const records: VerdictRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(NOTE_PREFIX)) continue;
    try {
      const value = JSON.parse(line.slice(NOTE_PREFIX.length)) as VerdictRecord;
      if (value && value.version === 1 && typeof value.env === 'string' && typeof value.status === 'string') records.push(value);
    } catch {
      // a line someone edited by hand: not a verdict
    }
  }
  return records;
}

/** The newest verdict for `env` in a note, if any. */
export function latestVerdict(text: string, env: string): VerdictRecord | undefined {
  return parseVerdictNote(text)
    .filter((r) => r.env === env)
    .at(-1);
}
