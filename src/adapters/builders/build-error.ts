/** A build that ran and failed (a RUN step, a missing base image): exit 1, with the builder's last lines. */
import { VerdictError } from '../../core/errors.ts';

/** The builder ran and the build failed. */
export class BuildError extends VerdictError {
  override name = 'BuildError';
}
