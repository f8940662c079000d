/**
 * Planning an image write on the checkout's current head, the way bump and promote both write: the
 * editor's plan with the environment's policies, leaving alone images a rollback holds there (unless
 * override-hold).
 */
import { imageNeedles } from '../../core/edit/candidates.ts';
import type { Pin } from '../../core/edit/types.ts';
import type { Environment } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { type ImageRef, imageName } from '../../core/image-ref.ts';
import { type GuardedPlan, type GuardOptions, planRespectingHolds } from '../../core/rollback/guard.ts';
import { type EnvRepoCheckout, type ReadOptions, readEnvFiles, readKustomizeBases } from './env-repo.ts';

/** What {@link planOnHead} writes. */
export interface PlanRequest {
  readonly images: readonly ImageRef[];
  readonly pin: Pin;
  readonly allowDowngrade: boolean;
  readonly overrideHold: boolean;
  readonly policies: Readonly<Record<string, string>>;
  /** A Flux image policy name: only that policy's markers are written. */
  readonly policy?: string;
  readonly maxFileSize?: number;
}

/**
 * Plans the edit on the checkout's current head; an environment with no YAML or JSON at all is the path's
 * fault. Images in `leaveOut` (superseded by a newer write after this run read the environment) are not
 * written, but where they are found still counts (outputs, summary).
 */
export async function planOnHead(
  repo: EnvRepoCheckout,
  env: Environment,
  request: PlanRequest,
  leaveOut?: ReadonlySet<string>,
): Promise<GuardedPlan> {
  const notices: string[] = [];
  const { pin, allowDowngrade, overrideHold, policies, policy } = request;
  // Only files that may hold the image are parsed: an unrelated large file costs a byte search.
  const needles = imageNeedles(request.images, Object.keys(policies).length > 0 || policy !== undefined);
  const readOptions = {
    needles,
    notice: (line: string) => notices.push(line),
    ...(request.maxFileSize ? { maxFileSize: request.maxFileSize } : {}),
  };
  const files = await readEnvFiles(repo, env.path, readOptions);
  try {
    const options = { pin, allowDowngrade, overrideHold, policies, root: env.path, ...(policy === undefined ? {} : { policy }) };
    const whole = await planWithBases(repo, env, files, request.images, options, readOptions);
    const plan =
      leaveOut && leaveOut.size > 0
        ? await withoutSuperseded(repo, env, files, whole, request.images, leaveOut, options, readOptions)
        : whole;
    const all = [...notices, ...(plan.notices ?? [])];
    return all.length > 0 ? { ...plan, notices: all } : plan;
  } catch (error) {
    if (error instanceof UserError && /not found/i.test(error.message) && files.size === 0) {
      throw new UserError(`path: "${env.path}" holds no YAML or JSON files; check env/path.`, { input: 'path', cause: error });
    }
    throw error;
  }
}

/**
 * Plans over the environment's files; when an image is found nowhere there, plans again with the files
 * of the kustomization's local bases, so that an image only a base uses gets an `images:` entry.
 */
async function planWithBases(
  repo: EnvRepoCheckout,
  env: Environment,
  files: ReadonlyMap<string, string>,
  images: readonly ImageRef[],
  options: GuardOptions,
  reading: ReadOptions,
): Promise<GuardedPlan> {
  try {
    return planRespectingHolds(files, images, options);
  } catch (error) {
    if (!(error instanceof UserError) || error.input !== 'image' || !/ was not found /.test(error.message) || options.policy !== undefined)
      throw error;
    const bases = await readKustomizeBases(repo, env.path, reading);
    if (bases.size === 0) throw error;
    return planRespectingHolds(files, images, { ...options, bases });
  }
}

/** The plan without the superseded images' edits; their sites stay, so outputs still say where they are. */
async function withoutSuperseded(
  repo: EnvRepoCheckout,
  env: Environment,
  files: ReadonlyMap<string, string>,
  whole: GuardedPlan,
  images: readonly ImageRef[],
  leaveOut: ReadonlySet<string>,
  options: GuardOptions,
  reading: ReadOptions,
): Promise<GuardedPlan> {
  const rest = images.filter((image) => !leaveOut.has(imageName(image)));
  const partial =
    rest.length > 0 ? await planWithBases(repo, env, files, rest, options, reading) : { ...whole, edits: [], skipped: [], released: [] };
  return { ...partial, sites: whole.sites };
}
