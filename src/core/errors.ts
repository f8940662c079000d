/**
 * The three ways a step can end badly, each with its own exit code and retry rule.
 *
 * - {@link UserError}: bad input or configuration. Exit 2, never retried, nothing written.
 * - {@link VerdictError}: the step ran and its verdict is "no" (invalid manifests, failed rollout). Exit 1.
 * - {@link TransientError}: a network or remote fault that an adapter may retry within its bound.
 */

/**
 * Marks a {@link UserError} where `instanceof` cannot see it: each step runs from its own bundle
 * (dist/cli/<step>.cjs) with its own copy of these classes, while the entry that reads inputs and sets
 * the exit code is another bundle.
 */
const USER_ERROR = Symbol.for('baton.user-error');

/** Bad input or configuration: names the input and the problem, exits 2, is never retried. */
export class UserError extends Error {
  override name = 'UserError';
  readonly [USER_ERROR] = true;
  /** The input (or file) the problem is in, e.g. `image` or `envs/staging/kustomization.yaml:4:3`. */
  readonly input: string | undefined;
  constructor(message: string, options?: { input?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.input = options?.input;
  }
}

/** The step's verdict failed: exit 1. */
export class VerdictError extends Error {
  override name = 'VerdictError';
}

/** A fault that may pass on its own (network, 5xx, push race); adapters retry these within a bound. */
export class TransientError extends Error {
  override name = 'TransientError';
}

/** Exit code for an error, following DESIGN §5: 2 for bad input, 1 for everything else. */
export function exitCodeFor(error: unknown): 1 | 2 {
  return isUserError(error) ? 2 : 1;
}

/** True for a {@link UserError} from this bundle or from a step's own bundle. */
export function isUserError(error: unknown): error is UserError {
  return (
    error instanceof UserError || (typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[USER_ERROR] === true)
  );
}

/** A message for any thrown value, with the chain of causes. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let text = error.message;
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    const part = cause instanceof Error ? cause.message : String(cause);
    if (part && !text.includes(part)) text += `: ${part}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}
