/**
 * How every writing step (bump, promote, rollback, release-hold) lands a change in an environment:
 * open the least clone on the environment's branch, then either commit and push with the push-race
 * handling of DESIGN §3 (on a rejected push: fetch the new head, plan the same request again with every
 * check, drop what a newer write superseded, push again with jittered backoff, up to a bound), or put it
 * on a deterministic branch and open or update the PR/MR. Taken out of bump so the steps share one code
 * path. Nothing is parked anywhere between attempts: a bump that dies leaves nothing behind to replay.
 */
import { type Environment, normaliseRepoPath, resolveEnvironment, type EnvRepoConfig, type WriteMode } from '../../core/env-config.ts';
import type { EditPlan } from '../../core/edit/types.ts';
import { TransientError, UserError } from '../../core/errors.ts';
import { type RaceRequest, type Superseded, supersededImages } from '../../core/push-race.ts';
import type { ChangeRequest, Forge } from '../../adapters/forges/types.ts';
import type { GitIdentity, GitRemote } from '../../adapters/git/types.ts';
import type { RetryPolicy } from '../../adapters/retry.ts';
import { type EnvRepoCheckout, readConfig, writeEdits } from './env-repo.ts';
import type { StepContext } from './types.ts';

/** Clones an env repo the least way (see `GitRepo.clone`). */
export type CloneEnvRepo<R extends EnvRepoCheckout = EnvRepoCheckout> = (
  remote: GitRemote,
  options: { branch?: string; sparsePaths: string[]; identity: GitIdentity },
) => Promise<R>;

/** Which environment: by name through baton.yaml, or by path; an explicit branch wins over baton.yaml's. */
export interface EnvSelection {
  readonly env?: string | undefined;
  readonly path?: string | undefined;
  readonly branch?: string | undefined;
}

/** An environment opened for writing: the clone on its branch, sparse on its path. */
export interface OpenedEnv<R extends EnvRepoCheckout = EnvRepoCheckout> {
  readonly repo: R;
  readonly env: Environment;
  readonly config: EnvRepoConfig | undefined;
}

/**
 * Clones the repo and resolves the environment. With a path given, one sparse checkout serves (cone mode
 * brings baton.yaml along); with an env, the config is read first to learn the path, and the repo is
 * cloned again when the environment lives on another branch. The clone is removed on failure.
 */
export async function openEnvironment<R extends EnvRepoCheckout>(
  clone: CloneEnvRepo<R>,
  remote: GitRemote,
  selection: EnvSelection,
  identity: GitIdentity,
): Promise<OpenedEnv<R>> {
  const knownPath = selection.path ? normaliseRepoPath(selection.path) : undefined;
  const branch = selection.branch ? { branch: selection.branch } : {};
  let repo = await clone(remote, { ...branch, sparsePaths: knownPath ? [knownPath] : [], identity });
  try {
    const config = await readConfig(repo);
    const env = resolveEnvironment(config, selection);
    if (!selection.branch && env.branch && env.branch !== repo.branch) {
      await repo.cleanup();
      repo = await clone(remote, { branch: env.branch, sparsePaths: [env.path], identity });
    } else if (!knownPath) {
      await repo.setSparse([env.path]);
    }
    return { repo, env, config };
  } catch (error) {
    await repo.cleanup();
    throw error;
  }
}

/**
 * Reads baton.yaml on the checkout's current head and checks that the environment still resolves as it
 * did when it was opened (same path and branch) and still takes a direct push (an explicit `mode` input
 * wins). Called on every head a change is planned on, so a baton.yaml that switched the environment to
 * `mode: pr` meanwhile refuses a push planned on an older head. Resolves with that head's config.
 */
export async function recheckEnvironment(
  repo: EnvRepoCheckout,
  opened: Environment,
  selection: EnvSelection & { readonly mode?: WriteMode | undefined },
): Promise<EnvRepoConfig | undefined> {
  const config = await readConfig(repo);
  if (selection.path) return config;
  const now = resolveEnvironment(config, selection);
  if (now.path !== opened.path || (now.branch ?? opened.branch) !== opened.branch) {
    throw new UserError(
      `env: ${CONFIG_NAME} on the newest head of ${repo.branch} moved "${opened.name}" (now ${now.path}); nothing was pushed. Run again.`,
      { input: 'env' },
    );
  }
  if (!selection.mode && (now.mode ?? 'push') !== (opened.mode ?? 'push')) {
    throw new UserError(
      `env: ${CONFIG_NAME} on the newest head of ${repo.branch} now says mode: ${now.mode ?? 'push'} for "${opened.name}"; nothing ` +
        `was pushed. Run again.`,
      { input: 'env' },
    );
  }
  return config;
}

const CONFIG_NAME = 'baton.yaml';

/** A change to an environment, described so that it can be applied again to a newer head. */
export interface EnvChange<P extends EditPlan> {
  /**
   * Plans the edit on the checkout's current files: a function of the files, never a patch. `leaveOut`
   * names images (canonical names) a newer write superseded: they are not written.
   */
  plan(repo: EnvRepoCheckout, leaveOut?: ReadonlySet<string>): Promise<P>;
  /** The commit message for a plan. */
  message(plan: P): string;
  readonly author: GitIdentity;
  /**
   * The images this change writes (bump, promote): after a lost race, an image another write changed
   * since this change first read it expires instead of being overwritten (see core/push-race.ts).
   * Without one (rollback, release-hold: hand-started changes of what is there), the edit is re-applied
   * as planned.
   */
  readonly race?: RaceRequest;
}

/** What writing a change did. */
export interface WriteOutcome<P extends EditPlan> {
  readonly plan: P;
  /** The commit that carries the change; undefined when nothing changed. */
  readonly commit: string | undefined;
  readonly request?: ChangeRequest;
  /** PR mode: whether the branch was pushed (false when it already held this change). */
  readonly pushed?: boolean;
  /** Images left out because a newer write changed them after this change read them. */
  readonly superseded?: readonly Superseded[];
}

/** The bound and backoff of push races. */
export interface WriteDeps {
  readonly retry: RetryPolicy;
  /** Milliseconds on a monotonic clock, to size the backoff by how long an attempt takes; replaceable in tests. */
  readonly now?: () => number;
}

/**
 * Push mode: edit, commit, push; on a rejected push fetch the new head, plan the same request on it
 * again (baton.yaml, holds, the downgrade rule and "image found" all checked again on what it lands
 * on), leave out images a newer write superseded, and push again after a jittered backoff, up to the
 * retry bound. When no file inside the checkout changed on the new head, every check would find what it
 * found before, so the same commit is carried onto it instead (`carryOver`). Never a forced push: the
 * branch only moves forward, by a commit made on its newest head.
 */
export async function pushChange<P extends EditPlan>(
  repo: EnvRepoCheckout,
  change: EnvChange<P>,
  deps: WriteDeps,
  context: StepContext,
): Promise<WriteOutcome<P>> {
  const wait = deps.retry.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = deps.now ?? (() => performance.now());
  let started = now();
  const first = await change.plan(repo);
  let plan = first;
  let superseded: Superseded[] = [];
  let carried = false;
  for (let attempt = 1; ; attempt++) {
    let commit: string | undefined;
    if (carried) {
      // Nothing the plan read changed on the new head: the same commit was written on it.
      commit = await repo.head();
    } else {
      plan = attempt === 1 ? first : await replan(repo, change, first, (found) => (superseded = found), context);
      const outcome = { plan, commit: undefined, ...(superseded.length > 0 ? { superseded } : {}) };
      if (plan.edits.length === 0) return outcome;
      await writeEdits(repo, plan.edits);
      commit = await repo.commit({ message: change.message(plan), author: change.author, paths: plan.edits.map((e) => e.file) });
      if (!commit) return outcome;
    }
    if ((await repo.push()) === 'pushed') return { plan, commit, ...(superseded.length > 0 ? { superseded } : {}) };
    if (attempt >= deps.retry.attempts) {
      throw new TransientError(
        `push to ${repo.branch} was rejected ${attempt} times because others pushed first; nothing of this run landed. Run the step again.`,
      );
    }
    context.log.info(`push rejected (the branch moved); re-applying the edit on the new head (attempt ${attempt + 1})`);
    await wait(raceDelay(deps.retry, attempt, now() - started));
    started = now();
    carried = (await repo.carryOver()) === 'carried';
    if (carried) context.log.info('nothing this change read differs on the new head: the same commit is carried onto it');
  }
}

/**
 * How many lengths of the attempt that just lost the first backoff window spans (see {@link raceDelay}).
 * Measured with 20 racers in bench/bump (2-core machine, pushes with a lease, rounds of 20 repeated
 * four times): 4 attempts' length cost 1.9 lost races per bump and 0.56 CPU-s per bump; 12 attempts'
 * 1.27 and 0.51; 16, 1.25 and 0.50, for 40% more wall time than 4. Nineteen of the twenty lose their
 * first push whatever the window (they all planned on the same head), so 12 leaves about one more
 * collision in three bumps.
 */
export const RACE_WINDOW_ATTEMPTS = 12;

/**
 * The wait before attempt `attempt + 1` after a lost race: exponential with "full jitter" (uniform below
 * the ceiling). Racing writers then spread over the whole window instead of its upper half, which costs
 * the fewest attempts in total (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015): every
 * attempt is a fetch and a push, on the forge too. The first window is {@link RACE_WINDOW_ATTEMPTS} times
 * the length of the attempt that just lost (from its fetch to its rejected push), when that is longer
 * than the policy's base: two writers collide when their attempts overlap, so a window of about one
 * attempt only brings the next collision. Sized this way, the backoff fits a slow forge or a busy runner
 * as it fits a fast one, and every lost race saved is a fetch, a re-plan and a push nobody pays for. Two
 * racers pay for it with a wait of about six attempts' length (a second or two) after losing.
 */
export function raceDelay(policy: RetryPolicy, attempt: number, attemptMs = 0): number {
  const base = Math.max(policy.baseDelayMs, RACE_WINDOW_ATTEMPTS * attemptMs);
  const ceiling = Math.min(policy.maxDelayMs, base * 2 ** (attempt - 1));
  return Math.round((policy.random ?? Math.random)() * ceiling);
}

/**
 * Plans the change again on the refreshed head; with a race request, images another write changed since
 * the first plan are left out (and reported through `report`), so a stale value never overwrites a newer one.
 */
async function replan<P extends EditPlan>(
  repo: EnvRepoCheckout,
  change: EnvChange<P>,
  first: P,
  report: (found: Superseded[]) => void,
  context: StepContext,
): Promise<P> {
  const plan = await change.plan(repo);
  if (!change.race) return plan;
  const found = supersededImages(first.sites, plan.sites, change.race);
  report(found);
  if (found.length === 0) return plan;
  for (const s of found)
    context.log.warn(`${s.image}: not writing ${s.wanted}; a newer write landed ${s.landed} after this run read the environment`);
  return change.plan(repo, new Set(found.map((s) => s.image)));
}

/** What PR mode needs besides the change. */
export interface Proposal<P extends EditPlan> {
  /** The deterministic head branch, so a later run updates the open PR/MR. */
  readonly branch: string;
  readonly title: string;
  body(plan: P): string;
  readonly labels: readonly string[];
  readonly autoMerge: boolean;
  /** The forge; a promise lets a step load its forge client only when a PR/MR is opened. */
  forge(): Forge | Promise<Forge>;
}

/**
 * PR mode: the edit goes on the proposal's branch, built fresh on the base head; the open PR/MR for that
 * branch is updated, else one is opened.
 */
export async function proposeChange<P extends EditPlan>(
  repo: EnvRepoCheckout,
  change: EnvChange<P>,
  proposal: Proposal<P>,
  context: StepContext,
  path: string,
): Promise<WriteOutcome<P>> {
  const base = repo.branch;
  const head = proposal.branch;
  const plan = await change.plan(repo);
  if (plan.edits.length === 0) return { plan, commit: undefined, pushed: false };
  const baseHead = await repo.head();
  await repo.checkoutNewBranch(head, baseHead);
  await writeEdits(repo, plan.edits);
  const commit = await repo.commit({ message: change.message(plan), author: change.author, paths: plan.edits.map((e) => e.file) });
  const remoteHead = await repo.remoteBranchHead(head);
  const same =
    remoteHead !== undefined && commit !== undefined && (await repo.treeOf(remoteHead, path)) === (await repo.treeOf(commit, path));
  let pushed = false;
  let result = commit;
  if (same) {
    context.log.info(`${head} already holds this change`);
    result = remoteHead;
  } else {
    if ((await repo.push({ ref: head, force: true })) !== 'pushed') {
      throw new TransientError(`push of ${head} was rejected; another run updated it at the same moment. Run again.`);
    }
    pushed = true;
  }
  const request = await (await proposal.forge()).propose({
    base,
    head,
    title: proposal.title,
    body: proposal.body(plan),
    labels: proposal.labels,
    autoMerge: proposal.autoMerge,
  });
  for (const warning of request.warnings ?? []) context.log.warn(warning);
  return { plan, commit: result, request, pushed };
}
