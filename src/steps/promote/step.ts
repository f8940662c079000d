/**
 * The promote step: read what the source environment runs at the commit its verification record vouches
 * for, take each image at its verified digest (copied to another registry first with `copy-to`), and write
 * exactly that into the target environment(s) with bump's editor, race handling and PR/MR mode.
 */
import { type ChangeOrigin, originFromEnv, proposalBranch } from '../../core/change-text.ts';
import type { Environment, WriteMode } from '../../core/env-config.ts';
import { formatFamiliar, imageName } from '../../core/image-ref.ts';
import { PromotionRefused } from '../../core/promote/gate.ts';
import { type PromotedImage, pickImages, promotedImage, sourceImages } from '../../core/promote/images.ts';
import { type PromotionPair, promotionPairs } from '../../core/promote/targets.ts';
import { promoteMessage, promoteSubject, promotionBody, type PromotionContext } from '../../core/promote/text.ts';
import { type GuardedPlan, heldMessage } from '../../core/rollback/guard.ts';
import { envSelector } from '../../core/rollback/holds.ts';
import type { SignaturePolicy } from '../../core/signers.ts';
import type { OciClient } from '../../adapters/registry/types.ts';
import { promoteSpec } from '../../specs/promote.ts';
import { planOnHead } from '../shared/plan-on-head.ts';
import { readConfig } from '../shared/env-repo.ts';
import {
  type EnvChange,
  type OpenedEnv,
  openEnvironment,
  proposeChange,
  pushChange,
  recheckEnvironment,
  type WriteOutcome,
} from '../shared/env-write.ts';
import { forgeOptions, remoteOf } from '../shared/identity.ts';
import type { HistoryCheckout } from '../shared/history-read.ts';
import { loadSignaturePolicy, requireSigned } from '../shared/signatures.ts';
import type { PromoteDeps } from './deps.ts';
import { type PromoteInputs, promoteInputs } from './inputs.ts';
import { promoteOutputs, promoteSummary, type TargetResult } from './output.ts';
import { addTag, copyByDigest, resolveDigest } from './registry.ts';
import { readSource, type SourceState } from './source.ts';
import { storiesFor } from './stories.ts';
import type { SourceRun } from './types.ts';
import { defineStep, type Step, type StepContext, type StepResult } from '../shared/types.ts';

/** Each image at its digest: pinned or verified, else looked up from its tag (and said so). */
async function promotedImages(
  registry: OciClient,
  state: SourceState,
  inputs: PromoteInputs,
  context: StepContext,
): Promise<PromotedImage[]> {
  const picked = pickImages(state.images, inputs.images, state.env.name);
  const images: PromotedImage[] = [];
  for (const source of sourceImages(picked, state.record)) {
    if (source.digest) {
      images.push(promotedImage(source.ref, source.digest, source.from!, inputs.copyTo));
      continue;
    }
    const digest = await resolveDigest(registry, source.ref);
    context.log.warn(
      `${formatFamiliar(source.ref)}: no digest pinned in ${state.env.name} nor seen by verify; resolved the tag to ${digest}`,
    );
    images.push(promotedImage(source.ref, digest, 'registry', inputs.copyTo));
  }
  return images;
}

/** Copies every image by digest to its copy-to name, digest checked; returns image → where it went. */
async function copyAll(registry: OciClient, images: readonly PromotedImage[], context: StepContext): Promise<Map<string, string>> {
  const copied = new Map<string, string>();
  for (const image of images) {
    const result = await copyByDigest(registry, image.source, image.target);
    const { uploaded, mounted, existing } = result.blobs;
    context.log.info(
      `copied ${formatFamiliar(image.source)} to ${formatFamiliar(image.target)}: ${uploaded} blob(s) streamed, ${mounted} mounted, ` +
        `${existing} present`,
    );
    copied.set(imageName(image.source), formatFamiliar(image.target));
  }
  return copied;
}

/** The promotion into one target as a change the shared writer lands; held images refuse it. */
function promoteChange(opened: OpenedEnv, run: SourceRun, inputs: PromoteInputs, origin: ChangeOrigin): EnvChange<GuardedPlan> {
  const { env } = opened;
  const images = run.images.map((i) => i.target);
  const request = { images, pin: inputs.pin, allowDowngrade: inputs.allowDowngrade, overrideHold: inputs.overrideHold };
  const context = promotionContext(run, env);
  return {
    async plan(repo, leaveOut) {
      const config = await recheckEnvironment(repo, env, { env: env.name, mode: inputs.mode });
      const plan = await planOnHead(repo, env, { ...request, policies: { ...(config?.policies ?? {}) } }, leaveOut);
      const selector = envSelector(env, false);
      if (plan.held.length > 0)
        throw new PromotionRefused(`to: ${plan.held.map((h) => heldMessage(h, env.name, 'promoted', selector)).join(' ')}`);
      return plan;
    },
    message: (plan) =>
      promoteMessage(
        promoteSubject(context, images),
        images,
        plan.edits.flatMap((e) => e.changes),
        context,
        origin,
      ),
    author: inputs.author,
    race: { images, allowDowngrade: inputs.allowDowngrade },
  };
}

function promotionContext(run: SourceRun, env: Environment): PromotionContext {
  return {
    from: run.state.env.name,
    to: env.name,
    sourceCommit: run.state.commit,
    ...(run.state.record ? { record: run.state.record } : {}),
  };
}

/** Writes into one target already opened and checked (dry run, PR/MR or push). */
async function writeTarget(
  opened: OpenedEnv,
  run: SourceRun,
  inputs: PromoteInputs,
  deps: PromoteDeps,
  context: StepContext,
): Promise<TargetResult> {
  const origin = originFromEnv(context.env);
  const { repo, env } = opened;
  const change = promoteChange(opened, run, inputs, origin);
  const mode: WriteMode = inputs.mode ?? env.mode ?? 'push';
  const planned = await change.plan(repo);
  const stories = await storiesFor(planned, run, inputs, deps, context);
  const promotion = promotionContext(run, env);
  let attempt: WriteOutcome<GuardedPlan>;
  if (inputs.dryRun) attempt = { plan: planned, commit: undefined };
  else if (mode === 'pr') {
    const images = run.images.map((i) => i.target);
    const proposal = {
      branch: proposalBranch(env.name, images),
      title: promoteSubject(promotion, images),
      body: () => promotionBody(stories, promotion, origin),
      labels: inputs.labels,
      autoMerge: inputs.autoMerge,
      forge: () => deps.forge(forgeOptions(inputs)),
    };
    attempt = await proposeChange(repo, change, proposal, context, env.path);
  } else attempt = await pushChange(repo, change, deps, context);
  return { env, mode, plan: attempt.plan, commit: attempt.commit, head: await repo.head(), request: attempt.request, stories, promotion };
}

/** Reads the source on a clone of its branch, takes its images at their digests, and copies them (copy-to). */
async function sourceRun(
  pair: PromotionPair,
  reader: HistoryCheckout,
  registry: OciClient,
  inputs: PromoteInputs,
  deps: PromoteDeps,
  context: StepContext,
  policies: Record<string, string>,
  signers: SignaturePolicy | undefined,
): Promise<SourceRun> {
  const state = await readSource(reader, pair.from, policies, {
    requireVerified: inputs.requireVerified,
    soakMs: inputs.soakMs,
    nowMs: deps.now(),
    repo: inputs.repo,
  });
  if (signers)
    context.log.info(
      `${pair.from.name} runs ${state.commit.slice(0, 12)}, signed by ` +
        `${await requireSigned(reader, state.commit, signers, `the commit ${pair.from.name} runs,`)}`,
    );
  const verified = state.record ? `, verified ${state.record.status} at ${state.record.time}` : ' (not checked: require-verified is off)';
  context.log.info(`${pair.from.name} runs ${state.commit.slice(0, 12)}${verified}`);
  const images = await promotedImages(registry, state, inputs, context);
  const copied = inputs.copyTo && !inputs.dryRun ? await copyAll(registry, images, context) : new Map<string, string>();
  return { state, images, copied };
}

/** Runs promote with checked inputs. */
export async function runPromote(inputs: PromoteInputs, deps: PromoteDeps, context: StepContext): Promise<StepResult> {
  const signers = await loadSignaturePolicy(inputs.allowedSigners);
  const remote = remoteOf(inputs, context.env);
  const clone = (branch?: string) => deps.clone(remote, { ...(branch ? { branch } : {}), sparsePaths: [], identity: inputs.author });
  const base = await clone();
  const clones = new Map<string, HistoryCheckout>([[base.branch, base]]);
  const opened: OpenedEnv[] = [];
  const registry = deps.registry({ insecure: inputs.insecureRegistries });
  try {
    const config = await readConfig(base);
    const pairs = promotionPairs(config, inputs.from, inputs.to);
    const policies = { ...(config?.policies ?? {}) };
    const runs = new Map<string, SourceRun>();
    for (const pair of pairs) {
      if (runs.has(pair.from.name)) continue;
      // The source is read from the object store: a clone of its branch without checkout serves.
      const branch = pair.from.branch ?? base.branch;
      const reader = clones.get(branch) ?? (await clone(branch));
      clones.set(branch, reader);
      runs.set(pair.from.name, await sourceRun(pair, reader, registry, inputs, deps, context, policies, signers));
    }
    // Every target is opened and checked (holds, not-found images) before any is written.
    for (const pair of pairs) {
      const target = await openEnvironment(
        deps.clone,
        remote,
        { env: pair.to.name, ...(inputs.branch ? { branch: inputs.branch } : {}) },
        inputs.author,
      );
      opened.push(target);
      await promoteChange(target, runs.get(pair.from.name)!, inputs, originFromEnv(context.env)).plan(target.repo);
    }
    const results: TargetResult[] = [];
    for (const [index, pair] of pairs.entries())
      results.push(await writeTarget(opened[index]!, runs.get(pair.from.name)!, inputs, deps, context));
    await tagAll(registry, [...runs.values()], inputs, context);
    return {
      outputs: promoteOutputs(results, [...runs.values()], inputs),
      summary: promoteSummary(results, [...runs.values()], inputs),
      annotations: [],
    };
  } finally {
    await registry.close();
    for (const target of opened) await target.repo.cleanup();
    for (const repo of clones.values()) await repo.cleanup();
  }
}

/** Points `tag-as` at each promoted digest, where it now lives (the copy's registry with copy-to). */
async function tagAll(registry: OciClient, runs: readonly SourceRun[], inputs: PromoteInputs, context: StepContext): Promise<void> {
  if (!inputs.tagAs || inputs.dryRun) return;
  for (const image of runs.flatMap((run) => run.images)) {
    const where = inputs.copyTo ? image.target : image.source;
    await addTag(registry, where, inputs.tagAs);
    context.log.info(`tagged ${formatFamiliar({ ...where, tag: inputs.tagAs })}`);
  }
}

/** Creates the promote step with its side effects. */
export function promoteStep(deps: PromoteDeps): Step {
  return defineStep(promoteSpec, (values, context) => runPromote(promoteInputs(values), deps, context));
}
