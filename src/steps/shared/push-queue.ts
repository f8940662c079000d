import { randomBytes } from 'node:crypto';
import type { EditPlan } from '../../core/edit/types.ts';
import { describeError, TransientError } from '../../core/errors.ts';
import { doneRef, idsUnder, type QueuedRequest, queueId, queueIdTime, queueRef, readRequest, withRequest } from '../../core/push-queue.ts';
import { planRespectingHolds } from '../../core/rollback/guard.ts';
import type { RefUpdate } from '../../adapters/git/git-repo.ts';
import type { GitIdentity } from '../../adapters/git/types.ts';
import { type EnvRepoCheckout, readConfig, readEnvFiles, writeEdits } from './env-repo.ts';
import type { StepLog } from './types.ts';

/** Done refs older than this are garbage of bumps that ended before reading them. */
const DONE_REF_MAX_AGE_MS = 15 * 60_000;
/** A queue whose oldest entry waits this long is taken over by the next one (its owner may have died). */
const TAKEOVER_MS = 60_000;
/** How long a parked bump waits for its change to land before giving up. */
const DEADLINE_MS = 5 * 60_000;

/** How a queued bump ended. */
export interface QueueOutcome {
  /** The commit that carries this bump's change, or undefined when it changed nothing in the end. */
  readonly commit: string | undefined;
  /** The plan as applied by whoever integrated it here (when this run integrated it), else undefined. */
  readonly plan: EditPlan | undefined;
}

/** What the queue needs besides the checkout. */
export interface QueueContext {
  readonly log: StepLog;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

interface Parked {
  readonly id: string;
  readonly sha: string;
  readonly author: GitIdentity;
  readonly message: string;
  readonly request: QueuedRequest;
}

/** One integration: the commits made on the new head and what the atomic push must do. */
interface Integration {
  readonly updates: RefUpdate[];
  readonly landed: Map<string, string>;
  readonly plans: Map<string, EditPlan>;
}

/**
 * Lands a bump whose push lost a race: parks its commit under the queue, then either finds it landed
 * by another bump (a done ref), or integrates every parked bump itself and pushes them atomically.
 * See src/core/push-queue.ts for the protocol.
 */
export async function landThroughQueue(repo: EnvRepoCheckout, request: QueuedRequest, context: QueueContext): Promise<QueueOutcome> {
  const branch = repo.branch;
  const own = await repo.readCommit('HEAD');
  const message = readRequest(own.message)?.message ?? own.message;
  let id = await park(repo, request, message, context);
  const deadline = context.now() + DEADLINE_MS;
  for (let attempt = 1; context.now() < deadline; attempt++) {
    const refs = await repo.listRemoteRefs([`refs/heads/${branch}`, `refs/baton/queue/${branch}/*`, `refs/baton/done/${branch}/*`]);
    const done = refs.get(doneRef(branch, id));
    if (done) {
      await repo.pushRefs([{ ref: doneRef(branch, id), to: null, expect: done }]).catch(() => 'rejected');
      context.log.info(`landed by another bump as ${done.slice(0, 12)}`);
      return { commit: done, plan: undefined };
    }
    if (!refs.has(queueRef(branch, id))) {
      // Consumed without a change (already in place, or kept as newer): look at the new head ourselves.
      await repo.refresh();
      const plan = await planRequest(repo, request, await policiesOf(repo));
      if (plan.edits.length === 0) return { commit: undefined, plan };
      await writeEdits(repo, plan.edits);
      await repo.commit({ message, author: own.author, paths: plan.edits.map((e) => e.file) });
      id = await park(repo, request, message, context);
      continue;
    }
    if (isIntegrator(refs, branch, id, context.now())) {
      const integration = await integrate(repo, refs, id, context);
      if (integration && (await repo.pushRefs(integration.updates)) === 'pushed') {
        context.log.info(`integrated ${integration.landed.size} queued bump(s) in one push`);
        return { commit: integration.landed.get(id), plan: integration.plans.get(id) };
      }
    }
    // Waiting costs one ls-remote per poll (on the forge too); polls slow down while the queue is busy.
    await context.sleep(Math.min(2_000, 200 * attempt) + Math.floor(Math.random() * 200));
  }
  throw new TransientError(`${branch} kept moving; the bump is parked in the queue and lands with the next bump of this branch, or run it again.`);
}

/**
 * Only the oldest parked bump integrates, so waiting bumps do not all redo the same work at once; when the
 * oldest has waited past the takeover time (its job may have died), any parked bump may.
 */
function isIntegrator(refs: ReadonlyMap<string, string>, branch: string, id: string, now: number): boolean {
  const oldest = idsUnder(refs, `refs/baton/queue/${branch}/`)[0];
  return oldest === undefined || oldest === id || now - (queueIdTime(oldest) ?? 0) > TAKEOVER_MS;
}

/** Puts the checked-out commit (amended with the request) under a fresh queue ref. */
async function park(repo: EnvRepoCheckout, request: QueuedRequest, message: string, context: QueueContext): Promise<string> {
  const parked = await repo.amendMessage(withRequest(message, request));
  const id = queueId(context.now(), randomBytes(4).toString('hex'));
  await repo.pushRefs([{ ref: queueRef(repo.branch, id), to: parked, expect: null }]);
  context.log.info(`push lost a race; queued as ${id}`);
  return id;
}

async function policiesOf(repo: EnvRepoCheckout): Promise<Record<string, string>> {
  return { ...((await readConfig(repo))?.policies ?? {}) };
}

async function planRequest(repo: EnvRepoCheckout, request: QueuedRequest, policies: Record<string, string>): Promise<EditPlan> {
  const files = await readEnvFiles(repo, request.path);
  // Holds are checked on every head a request is applied to: a rollback that lands while a bump waits in
  // the queue still stops it.
  const options = { pin: request.pin, allowDowngrade: request.allowDowngrade, overrideHold: request.overrideHold === true, policies, root: request.path };
  return planRespectingHolds(files, request.images, options);
}

async function readParked(repo: EnvRepoCheckout, branch: string, ids: readonly string[], refs: ReadonlyMap<string, string>): Promise<Parked[]> {
  await repo.fetchRefs(ids.map((id) => queueRef(branch, id)));
  const parked: Parked[] = [];
  for (const id of ids) {
    const sha = refs.get(queueRef(branch, id))!;
    const { author, message } = await repo.readCommit(sha);
    const read = readRequest(message);
    if (read) parked.push({ id, sha, author, message: read.message, request: read.request });
  }
  return parked;
}

/**
 * Re-applies every parked bump to the newest head, oldest first, one commit each, and returns the
 * leased ref updates that land them all at once; undefined when the head moved meanwhile.
 */
async function integrate(repo: EnvRepoCheckout, refs: ReadonlyMap<string, string>, ownId: string, context: QueueContext): Promise<Integration | undefined> {
  const branch = repo.branch;
  await repo.refresh();
  const base = await repo.head();
  if (refs.get(`refs/heads/${branch}`) !== base) return undefined;
  const ids = idsUnder(refs, `refs/baton/queue/${branch}/`);
  let parked: Parked[];
  try {
    parked = await readParked(repo, branch, ids, refs);
  } catch (error) {
    // A parked ref vanished between listing and fetching: another integrator consumed it. Look again.
    if (/couldn't find remote ref|not our ref/i.test(describeError(error))) return undefined;
    throw error;
  }
  await repo.setSparse([...new Set(parked.map((p) => p.request.path))]);
  const policies = await policiesOf(repo);
  const landed = new Map<string, string>();
  const plans = new Map<string, EditPlan>();
  for (const item of parked) {
    let plan: EditPlan;
    try {
      plan = await planRequest(repo, item.request, policies);
    } catch (error) {
      // Another bump's request that no longer applies is left to its owner, who re-plans and reports it.
      context.log.info(`queued bump ${item.id} does not apply here (${(error as Error).message}); its own job will say why`);
      continue;
    }
    plans.set(item.id, plan);
    if (plan.edits.length === 0) continue;
    await writeEdits(repo, plan.edits);
    const commit = await repo.commit({ message: item.message, author: item.author, paths: plan.edits.map((e) => e.file) });
    if (commit) landed.set(item.id, commit);
  }
  const head = await repo.head();
  const updates: RefUpdate[] = [];
  if (head !== base) updates.push({ ref: `refs/heads/${branch}`, to: head, expect: base });
  for (const item of parked) {
    updates.push({ ref: queueRef(branch, item.id), to: null, expect: item.sha });
    const commit = landed.get(item.id);
    if (commit && item.id !== ownId) updates.push({ ref: doneRef(branch, item.id), to: commit, expect: null });
  }
  for (const id of idsUnder(refs, `refs/baton/done/${branch}/`)) {
    const made = queueIdTime(id) ?? 0;
    if (context.now() - made > DONE_REF_MAX_AGE_MS) updates.push({ ref: doneRef(branch, id), to: null, expect: refs.get(doneRef(branch, id))! });
  }
  return { updates, landed, plans };
}
