import type { StepSpec } from '../specs/types.ts';
import type { Annotation, StepLog } from '../steps/shared/types.ts';
import type { RawInputs } from './inputs.ts';

/** What a CI platform (or the command line) does for a step: inputs in; log, outputs, summary out. */
export interface Platform {
  readonly name: 'github' | 'gitlab' | 'cli';
  readonly log: StepLog;
  /** The raw input strings for the spec's inputs. */
  rawInputs(spec: StepSpec): RawInputs;
  /** Sets every output; called also on no-op runs. */
  setOutputs(outputs: Readonly<Record<string, string>>): Promise<void>;
  writeSummary(markdown: string): Promise<void>;
  annotate(annotations: readonly Annotation[]): void;
  /** Reports a failure (message already redacted) and sets the exit code. */
  fail(message: string, exitCode: 1 | 2): void;
}
