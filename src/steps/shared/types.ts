import { VerdictError } from '../../core/errors.ts';
import type { InputsOf, InputValues, StepSpec } from '../../specs/types.ts';

/** A file-level finding shown as an annotation (GitHub) or in the report (GitLab, CLI). */
export interface Annotation {
  readonly level: 'notice' | 'warning' | 'error';
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly title?: string;
}

/** Where a step tells people what it does; each platform renders it its own way. */
export interface StepLog {
  info(message: string): void;
  warn(message: string): void;
  /** Hide a value in everything printed from now on (GitHub `::add-mask::`, redaction elsewhere). */
  secret(value: string): void;
  /** A titled, collapsible block of lines. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
  /**
   * The status of long work, replacing the previous one: one updating line on a terminal, a plain line
   * in CI logs. Platforms without it get `info` lines from the callers.
   */
  progress?(message: string): void;
}

/** What a step hands back: outputs (always all of them, as strings), a Markdown summary, annotations. */
export interface StepResult {
  readonly outputs: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly annotations: readonly Annotation[];
  /**
   * The step already printed its findings in the log (validate prints its report there). What would
   * land in that same log again is left out, so each finding is printed once: on the command line the
   * summary and annotations, on GitLab the annotations; GitHub's are separate views and still come.
   */
  readonly logged?: boolean;
}

/** What the platform gives a step besides its inputs. */
export interface StepContext {
  readonly log: StepLog;
  /** The process environment (CI variables such as GITHUB_SERVER_URL, CI_PIPELINE_URL). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory relative paths are resolved against. */
  readonly cwd: string;
}

/** A step as the platforms see it: its spec and a function from the inputs parsed by that spec to a result. */
export interface Step {
  readonly spec: StepSpec;
  run(inputs: InputValues, context: StepContext): Promise<StepResult>;
}

/**
 * Makes a step whose `run` sees its inputs typed by its spec ({@link InputsOf}). The platforms parse
 * a step's inputs with `parseInputs(step.spec, …)`, which yields exactly that shape: the one place the
 * untyped record becomes the typed one.
 */
export function defineStep<const S extends StepSpec>(
  spec: S,
  run: (inputs: InputsOf<S>, context: StepContext) => Promise<StepResult>,
): Step {
  return { spec, run: (inputs, context) => run(inputs as InputsOf<S>, context) };
}

/**
 * A step whose verdict failed (exit 1) but that still has a result to publish: outputs, summary and
 * annotations reach the platform before the failure (see src/platform/run.ts).
 */
export class StepFailure extends VerdictError {
  override name = 'StepFailure';
  readonly result: StepResult;
  constructor(message: string, result: StepResult) {
    super(message);
    this.result = result;
  }
}
