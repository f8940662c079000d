/**
 * Planning an image write on the checkout's current head, the way bump and promote both write: the
 * editor's plan with the environment's policies, leaving alone images a rollback holds there (unless
 * override-hold).
 */
import type { Pin } from '../../core/edit/types.ts';
import type { Environment } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import type { ImageRef } from '../../core/image-ref.ts';
import { type GuardedPlan, planRespectingHolds } from '../../core/rollback/guard.ts';
import { type EnvRepoCheckout, readEnvFiles } from './env-repo.ts';

/** What {@link planOnHead} writes. */
export interface PlanRequest {
  readonly images: readonly ImageRef[];
  readonly pin: Pin;
  readonly allowDowngrade: boolean;
  readonly overrideHold: boolean;
  readonly policies: Readonly<Record<string, string>>;
}

/** Plans the edit on the checkout's current head; an environment with no YAML or JSON at all is the path's fault. */
export async function planOnHead(repo: EnvRepoCheckout, env: Environment, request: PlanRequest): Promise<GuardedPlan> {
  const files = await readEnvFiles(repo, env.path);
  try {
    const { pin, allowDowngrade, overrideHold, policies } = request;
    return planRespectingHolds(files, request.images, { pin, allowDowngrade, overrideHold, policies, root: env.path });
  } catch (error) {
    if (error instanceof UserError && /not found/i.test(error.message) && files.size === 0) {
      throw new UserError(`path: "${env.path}" holds no YAML or JSON files; check env/path.`, { input: 'path', cause: error });
    }
    throw error;
  }
}
