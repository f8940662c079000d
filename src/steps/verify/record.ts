/**
 * Where verify keeps its verdict and whom it hands a failure to. Both are side effects behind small
 * interfaces: the recorder writes a git note (refs/notes/baton) on the env-repo commit and mirrors the
 * verdict to the forge; the rollback hand-off runs the rollback step. verify decides what to record and
 * when; how it is written is the adapters' business.
 */
import { describeError } from '../../core/errors.ts';
import { formatNoteLine, NOTES_REF, type VerdictRecord } from '../../core/verify/verdict-note.ts';
import type { RollbackHandoff, RollbackRequest } from '../shared/rollback-handoff.ts';
import type { StepLog } from '../shared/types.ts';

/** What to record, and where. */
export interface RecordRequest {
  /** The env repo: an HTTPS URL or a local path. */
  readonly repo: string;
  readonly token?: string;
  /** The branch; the environment's branch in baton.yaml, else the default branch, when omitted. */
  readonly branch?: string;
  readonly env: string;
  /** The commit to note: `expected-revision`; when omitted, the newest commit that touched the environment's path. */
  readonly revision?: string;
  /** The notes ref, always `refs/notes/baton`. */
  readonly notesRef: string;
  /** The line to append to the commit's note (see core/verify/verdict-note.ts). */
  readonly noteLine: string;
  readonly record: VerdictRecord;
  /** Receives progress lines for people (a push race, where no forge was found). */
  readonly log?: (line: string) => void;
}

/** What the recorder did. */
export interface RecordOutcome {
  /** The commit the note is on. */
  readonly commit: string;
  /** Where the verdict was mirrored for people (`commit status baton/verify/staging`, `deployment status`). */
  readonly mirrored: readonly string[];
  /** Things that did not work but do not undo the record (e.g. a forge status without permission). */
  readonly warnings?: readonly string[];
}

/**
 * Records a verdict in the env repo: appends `noteLine` to the note of the commit under `notesRef`,
 * pushes the notes ref with the same race handling as a bump (fetch, re-append, push again, bounded),
 * and mirrors the verdict to the forge (commit status `baton/verify/<env>`, on GitHub a deployment status).
 */
export interface VerdictRecorder {
  record(request: RecordRequest): Promise<RecordOutcome>;
}

/** What recording came to, for outputs and the summary. */
export interface Recorded {
  readonly recorded: boolean;
  readonly revision?: string;
  readonly line: string;
}

/** Records the verdict when asked and possible; a failure to record is reported, not hidden. */
export async function recordVerdict(
  recorder: VerdictRecorder | undefined,
  request: Omit<RecordRequest, 'notesRef' | 'noteLine'>,
  log: StepLog,
): Promise<Recorded> {
  if (!recorder) {
    const line = 'not recorded: this build of verify has no verdict recorder connected';
    log.warn(line);
    return { recorded: false, line };
  }
  const outcome = await recorder.record({ ...request, notesRef: NOTES_REF, noteLine: formatNoteLine(request.record) });
  for (const warning of outcome.warnings ?? []) log.warn(warning);
  const mirrors = outcome.mirrored.length ? `; mirrored as ${outcome.mirrored.join(', ')}` : '';
  const line = `recorded on ${outcome.commit.slice(0, 12)} under ${NOTES_REF}${mirrors}`;
  log.info(line);
  return { recorded: true, revision: outcome.commit, line };
}

/** Runs the rollback hand-off, or says why it did not run. */
export async function handOff(rollback: RollbackHandoff | undefined, request: RollbackRequest, log: StepLog): Promise<string> {
  if (!rollback) {
    const line = 'on-failure: rollback is not available in this build; nothing was rolled back';
    log.warn(line);
    return line;
  }
  try {
    const line = await rollback.rollback(request);
    log.info(`rollback: ${line}`);
    return line;
  } catch (error) {
    const line = `rollback failed: ${describeError(error)}`;
    log.warn(line);
    return line;
  }
}
