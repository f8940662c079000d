/**
 * The promotion gate: a source environment may be promoted only when the commit it runs now carries a
 * healthy verification record for it (the note verify writes under refs/notes/baton) that has soaked
 * long enough. Every refusal says which record is missing and how to produce it. Pure: the clock comes in.
 */
import { VerdictError } from '../errors.ts';
import { latestVerdict, NOTES_REF, type VerdictRecord } from '../verify/verdict-note.ts';

/** A promotion the gate refused (not verified, verified for another commit, soak not met, held): exit 1. */
export class PromotionRefused extends VerdictError {
  override name = 'PromotionRefused';
}

/** A commit of the source environment and its note, if any. */
export interface NotedCommit {
  readonly commit: string;
  readonly note?: string;
}

/** What the gate looks at. */
export interface GateInput {
  readonly env: string;
  /** The newest commit that touched the source environment's path: what it runs now. */
  readonly current: NotedCommit;
  /** Older commits of the source path, newest first, to tell "verified for another commit" apart. */
  readonly earlier: readonly NotedCommit[];
  readonly soakMs: number;
  readonly nowMs: number;
  /** The env repo for the commands in messages. */
  readonly repo: string;
}

/** The record the promotion relies on. */
export interface GatePassed {
  readonly record: VerdictRecord;
  readonly commit: string;
}

const short = (commit: string) => commit.slice(0, 12);

/** Human duration: `1h5m`, `3m20s`, `45s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s && !h ? `${s}s` : ''].join('') || '0s';
}

function verifyHint(input: GateInput): string {
  const commit = input.current.commit;
  return (
    `run verify for ${input.env} with record: true and expected-revision ${short(commit)} (baton verify --repo ${input.repo} --env ` +
    `${input.env} --expected-revision ${commit} …), or set require-verified: false`
  );
}

/**
 * Checks the source's current commit: its newest verdict for `env` must be healthy, must name this commit
 * when it names one, and must be at least `soakMs` old. Throws {@link PromotionRefused} otherwise.
 */
export function checkVerified(input: GateInput): GatePassed {
  const { env, current } = input;
  const record = current.note ? latestVerdict(current.note, env) : undefined;
  if (!record) throw notVerifiedHere(input);
  if (record.status !== 'healthy') {
    throw new PromotionRefused(
      `from: ${env} is not verified: the newest record on ${short(current.commit)} says ${record.status} (${record.reason}: ` +
        `${record.message}) at ${record.time}; fix ${env} and verify again.`,
    );
  }
  if (record.revision && !current.commit.startsWith(record.revision) && !record.revision.startsWith(current.commit)) {
    throw new PromotionRefused(
      `from: the record on ${short(current.commit)} verified revision ${short(record.revision)}, not the commit ${env} runs; ` +
        `${verifyHint(input)}.`,
    );
  }
  const age = input.nowMs - Date.parse(record.time);
  if (!Number.isFinite(age))
    throw new PromotionRefused(`from: the record on ${short(current.commit)} has no readable time ("${record.time}"); verify again.`);
  if (age < input.soakMs) {
    const ready = new Date(Date.parse(record.time) + input.soakMs).toISOString();
    throw new PromotionRefused(
      `from: ${env} was verified ${formatDuration(age)} ago (${record.time}); soak ${formatDuration(input.soakMs)} needs ` +
        `${formatDuration(input.soakMs - age)} more. Promote at or after ${ready}.`,
    );
  }
  return { record, commit: current.commit };
}

function notVerifiedHere(input: GateInput): PromotionRefused {
  const { env, current } = input;
  const older = input.earlier.find((c) => c.note && latestVerdict(c.note, env)?.status === 'healthy');
  if (older) {
    const record = latestVerdict(older.note!, env)!;
    return new PromotionRefused(
      `from: ${env} was verified healthy for ${short(older.commit)} (${record.time}), but it now runs ${short(current.commit)}, ` +
        `which has no verification record under ${NOTES_REF}; ${verifyHint(input)}.`,
    );
  }
  const searched = input.earlier.length > 0 ? ` (nor on the ${input.earlier.length} commit(s) of ${env} before it)` : '';
  return new PromotionRefused(
    `from: ${env} is not verified: no verification record for ${env} under ${NOTES_REF} on its current commit ` +
      `${short(current.commit)}${searched}; ${verifyHint(input)}.`,
  );
}
