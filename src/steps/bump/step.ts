import {
  bumpMessage,
  bumpSubject,
  type ChangeOrigin,
  originFromEnv,
  proposalBody,
  proposalBranch,
  versionLabel,
} from '../../core/change-text.ts';
import { checkPin } from '../../core/edit/pin.ts';
import { parseSize } from '../../core/size.ts';
import type { Pin, ValueChange } from '../../core/edit/types.ts';
import { type Environment, normaliseRepoPath, type WriteMode } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { familiarName, formatFamiliar, type ImageRef, imageName, parseImageRef } from '../../core/image-ref.ts';
import { type GuardedPlan, heldMessage } from '../../core/rollback/guard.ts';
import { envSelector } from '../../core/rollback/holds.ts';
import { unifiedDiff } from '../../core/unified-diff.ts';
import type { Forge } from '../../adapters/forges/types.ts';
import type { GitIdentity, GitRemote } from '../../adapters/git/types.ts';
import type { RetryPolicy } from '../../adapters/retry.ts';
import { bumpSpec } from '../../specs/bump.ts';
import type { InputsOf } from '../../specs/types.ts';
import type { EnvRepoCheckout } from '../shared/env-repo.ts';
import { type EnvChange, openEnvironment, proposeChange, pushChange, recheckEnvironment, type WriteOutcome } from '../shared/env-write.ts';
import { type ForgeOptions, forgeOptions, parseIdentity, remoteOf } from '../shared/identity.ts';
import { planOnHead } from '../shared/plan-on-head.ts';
import { defineStep, type Step, type StepContext, type StepResult } from '../shared/types.ts';

/** The typed inputs of bump, checked. */
export interface BumpInputs {
  readonly repo: string;
  readonly branch?: string;
  readonly env?: string;
  readonly path?: string;
  readonly images: readonly ImageRef[];
  readonly pin: Pin;
  readonly mode?: WriteMode;
  readonly token?: string;
  readonly forge: 'auto' | 'github' | 'gitlab';
  readonly apiUrl?: string;
  readonly author: GitIdentity;
  readonly message?: string;
  readonly labels: readonly string[];
  readonly autoMerge: boolean;
  readonly allowDowngrade: boolean;
  /** Write images a rollback holds in the environment too, releasing the hold (see core/rollback/holds.ts). */
  readonly overrideHold: boolean;
  readonly dryRun: boolean;
  /** Write only the Flux `$imagepolicy` markers of this policy (see EditOptions.policy). */
  readonly policy?: string;
  /** Bytes above which a file is read only when it may hold the image. */
  readonly maxFileSize: number;
}

/** Side effects bump uses, injectable for tests. */
export interface BumpDeps {
  clone(remote: GitRemote, options: { branch?: string; sparsePaths: string[]; identity: GitIdentity }): Promise<EnvRepoCheckout>;
  /** The forge of PR mode (a promise: the forge clients are loaded only when a PR/MR is opened). */
  forge(options: ForgeOptions): Forge | Promise<Forge>;
  readonly retry: RetryPolicy;
}

/** Checks bump's inputs and turns them into {@link BumpInputs}; nothing is cloned before this passes. */
export function bumpInputs(values: InputsOf<typeof bumpSpec>): BumpInputs {
  const images = values.image.map((text) => parseImageRef(text, 'image'));
  for (const ref of images) checkPin(ref, values.pin);
  const names = images.map(imageName);
  const dup = names.find((name, i) => names.indexOf(name) !== i);
  if (dup) throw new UserError(`image: ${dup} is given twice; give each image once.`, { input: 'image' });
  if (values.path) normaliseRepoPath(values.path);
  const policy = values.policy?.trim() || undefined;
  if (policy !== undefined && !POLICY_RE.test(policy)) {
    throw new UserError(`policy: "${policy}" is not a Flux image policy name ("name" or "namespace:name").`, { input: 'policy' });
  }
  if (policy !== undefined && images.length !== 1) {
    throw new UserError(`policy: a policy stands for one image, but ${images.length} images are given; bump one image per policy.`, {
      input: 'policy',
    });
  }
  return {
    repo: values.repo,
    branch: values.branch,
    env: values.env,
    path: values.path,
    images,
    pin: values.pin,
    mode: values.mode,
    token: values.token,
    forge: values.forge,
    apiUrl: values['api-url'],
    author: parseIdentity(values.author),
    message: values.message,
    labels: values.labels,
    autoMerge: values['auto-merge'],
    allowDowngrade: values['allow-downgrade'],
    overrideHold: values['override-hold'],
    dryRun: values['dry-run'],
    ...(policy === undefined ? {} : { policy }),
    maxFileSize: parseSize(values['max-file-size'] ?? '4MiB', 'max-file-size'),
  };
}

/** A Flux ImagePolicy name, optionally with its namespace (Kubernetes DNS labels and subdomains). */
const POLICY_RE = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?:)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

/**
 * The requested images the plan writes somewhere. Subject and trailers name only these: an image whose
 * downgrade was refused, that a rollback holds, or that was already in place is not "bumped".
 */
export function writtenImages(images: readonly ImageRef[], plan: Pick<GuardedPlan, 'edits'>): ImageRef[] {
  const written = new Set(allChanges(plan).map((change) => change.image));
  return images.filter((image) => written.has(imageName(image)));
}

function allChanges(plan: Pick<GuardedPlan, 'edits'>): ValueChange[] {
  return plan.edits.flatMap((edit) => edit.changes);
}

function commitMessage(env: Environment, inputs: BumpInputs, plan: GuardedPlan, origin: ChangeOrigin): string {
  const written = writtenImages(inputs.images, plan);
  const subject = inputs.message ?? bumpSubject(env.name, written);
  return bumpMessage(subject, env.name, written, allChanges(plan), origin);
}

/** Why nothing was written for each requested image that the plan leaves alone. */
function notWritten(inputs: BumpInputs, plan: GuardedPlan): string[] {
  const written = new Set(writtenImages(inputs.images, plan).map(imageName));
  return inputs.images
    .filter((image) => !written.has(imageName(image)))
    .map((image) => {
      const name = imageName(image);
      if ((plan.held ?? []).some((hold) => hold.image === name)) return `${formatFamiliar(image)}: held by a rollback, not bumped`;
      const kept = plan.skipped.find((skip) => skip.image === name);
      if (kept !== undefined) return `${formatFamiliar(image)}: not written, ${kept.file}:${kept.line} holds the newer ${kept.current}`;
      return `${formatFamiliar(image)}: already in place`;
    });
}

/** The bump as a change the shared writer lands (push, push queue, or PR/MR). */
function bumpChange(env: Environment, inputs: BumpInputs, origin: ChangeOrigin): EnvChange<GuardedPlan> {
  const request = { images: inputs.images, pin: inputs.pin, allowDowngrade: inputs.allowDowngrade, overrideHold: inputs.overrideHold };
  const reading = { maxFileSize: inputs.maxFileSize, ...(inputs.policy === undefined ? {} : { policy: inputs.policy }) };
  return {
    // baton.yaml (mode, path, policies) is read again on every head the bump is planned on.
    async plan(repo, leaveOut) {
      const config = await recheckEnvironment(repo, env, inputs);
      return planOnHead(repo, env, { ...request, ...reading, policies: { ...(config?.policies ?? {}) } }, leaveOut);
    },
    message: (plan) => commitMessage(env, inputs, plan, origin),
    author: inputs.author,
    race: { images: inputs.images, allowDowngrade: inputs.allowDowngrade },
  };
}

function summarise(
  env: Environment,
  inputs: BumpInputs,
  attempt: WriteOutcome<GuardedPlan>,
  outputs: Record<string, string>,
  mode: WriteMode,
): string {
  const plan = attempt.plan;
  const changes = allChanges(plan);
  const lines = [`### Baton bump: ${env.name}${inputs.dryRun ? ' (dry run)' : ''}`, ''];
  const left = notWritten(inputs, plan);
  if (changes.length === 0) {
    lines.push(`Nothing written under \`${env.path}\`:`, '', ...left.map((line) => `- ${line}`));
  } else {
    lines.push(`| Image | Where | Old | New |`, '| --- | --- | --- | --- |');
    for (const c of changes)
      lines.push(`| \`${familiarName(parseImageRef(c.image))}\` | \`${c.file}:${c.line}\` | \`${c.old ?? '—'}\` | \`${c.new ?? '—'}\` |`);
    lines.push('', '```diff', unifiedDiff(plan.edits).trimEnd(), '```');
    if (left.length > 0) lines.push('', 'Not written:', '', ...left.map((line) => `- ${line}`));
  }
  for (const skip of plan.skipped)
    lines.push(
      '',
      `Kept ${skip.file}:${skip.line} at ${skip.current}: it is newer than ${skip.wanted} (set allow-downgrade to write it anyway).`,
    );
  for (const hold of plan.held ?? [])
    lines.push('', `**Held:** ${heldMessage(hold, env.name, 'bumped', envSelector(env, Boolean(inputs.path)))}`);
  if (plan.notices?.length)
    lines.push('', '<details><summary>Files left out</summary>', '', ...plan.notices.map((line) => `- ${line}`), '', '</details>');
  for (const hold of plan.released ?? [])
    lines.push('', `Released the rollback hold on \`${familiarName(parseImageRef(hold.image))}\` (override-hold).`);
  for (const s of attempt.superseded ?? [])
    lines.push(
      '',
      `**Superseded:** \`${s.image}\` stays at \`${s.landed}\`, written by a newer run after this one read the environment; ` +
        `\`${s.wanted}\` was not written.`,
    );
  if (outputs['commit']) lines.push('', `Commit: \`${outputs['commit']}\` (${mode} mode)`);
  if (outputs['pr-url']) lines.push('', `Request: ${outputs['pr-url']}`);
  return lines.join('\n');
}

/** Runs bump with checked inputs. */
export async function runBump(inputs: BumpInputs, deps: BumpDeps, context: StepContext): Promise<StepResult> {
  const origin = originFromEnv(context.env);
  const { repo, env } = await openEnvironment(deps.clone, remoteOf(inputs, context.env), inputs, inputs.author);
  let removing: Promise<void> | undefined;
  try {
    const mode: WriteMode = inputs.mode ?? env.mode ?? 'push';
    const change = bumpChange(env, inputs, origin);
    let attempt: WriteOutcome<GuardedPlan>;
    if (inputs.dryRun) attempt = { plan: await change.plan(repo), commit: undefined };
    else if (mode === 'pr') attempt = await proposeChange(repo, change, bumpProposal(env, inputs, deps, origin), context, env.path);
    else attempt = await pushChange(repo, change, deps, context);
    for (const line of attempt.plan.notices ?? [])
      line.startsWith('warning: ') ? context.log.warn(line.slice('warning: '.length)) : context.log.info(line);
    for (const skip of attempt.plan.skipped) context.log.warn(`${skip.file}:${skip.line}: kept ${skip.current}, newer than ${skip.wanted}`);
    for (const hold of attempt.plan.held ?? [])
      context.log.warn(heldMessage(hold, env.name, 'bumped', envSelector(env, Boolean(inputs.path))));
    const outputs = bumpOutputs(inputs, attempt, attempt.commit ?? (await repo.head()));
    for (const c of allChanges(attempt.plan)) context.log.info(`${c.file}:${c.line}: ${c.old ?? '(none)'} -> ${c.new ?? '(removed)'}`);
    for (const line of notWritten(inputs, attempt.plan)) context.log.info(line);
    context.log.info(
      outputs['changed'] === 'true'
        ? `${inputs.dryRun ? 'would change' : 'changed'} ${outputs['files']!.split('\n').length} file(s)`
        : 'nothing written; nothing to commit',
    );
    const annotations = (attempt.plan.held ?? []).map((hold) => ({
      level: 'warning' as const,
      title: 'held by a rollback',
      message: heldMessage(hold, env.name, 'bumped', envSelector(env, Boolean(inputs.path))),
      file: hold.file,
      line: hold.line,
    }));
    // The clone is not read again: it is removed (on libuv's threads) while the summary's diffs are made.
    removing = repo.cleanup();
    return { outputs, summary: summarise(env, inputs, attempt, outputs, mode), annotations };
  } finally {
    await (removing ?? repo.cleanup());
  }
}

function bumpProposal(env: Environment, inputs: BumpInputs, deps: BumpDeps, origin: ChangeOrigin) {
  return {
    branch: proposalBranch(env.name, inputs.images),
    title: inputs.message ?? bumpSubject(env.name, inputs.images),
    body: (plan: GuardedPlan) => proposalBody(env.name, allChanges(plan), origin),
    labels: inputs.labels,
    autoMerge: inputs.autoMerge,
    forge: () => deps.forge(forgeOptions(inputs)),
  };
}

function bumpOutputs(inputs: BumpInputs, attempt: WriteOutcome<GuardedPlan>, commit: string): Record<string, string> {
  const changes = allChanges(attempt.plan);
  const first = inputs.images[0]!;
  const firstChange = changes.find((c) => c.image === imageName(first));
  // A held image keeps its old version: new-tag stays empty so no later job mistakes it for deployed.
  const held = (attempt.plan.held ?? []).map((hold) => hold.image);
  const firstHeld = held.includes(imageName(first));
  const site = attempt.plan.sites.get(imageName(first))?.[0];
  const current = site ? versionLabel(site.image) : '';
  return {
    changed: String(attempt.plan.edits.length > 0),
    commit: inputs.dryRun ? '' : commit,
    'pr-url': attempt.request?.url ?? '',
    'pr-number': attempt.request ? String(attempt.request.number) : '',
    'old-tag': firstChange ? (firstChange.oldTag ?? firstChange.oldDigest ?? '') : current,
    'new-tag': firstChange ? (firstChange.newTag ?? firstChange.newDigest ?? '') : firstHeld ? '' : current,
    held: [...new Set(held)].map((name) => familiarName(parseImageRef(name))).join('\n'),
    image: formatFamiliar(first),
    files: attempt.plan.edits.map((e) => e.file).join('\n'),
  };
}

/** Creates the bump step with its side effects. */
export function bumpStep(deps: BumpDeps): Step {
  return defineStep(bumpSpec, (values, context) => runBump(bumpInputs(values), deps, context));
}
