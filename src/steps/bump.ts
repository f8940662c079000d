
import { bumpMessage, bumpSubject, type ChangeOrigin, originFromEnv, proposalBody, proposalBranch, versionLabel } from '../core/change-text.ts';
import { planEdits } from '../core/edit/index.ts';
import type { EditPlan, Pin, ValueChange } from '../core/edit/types.ts';
import { type Environment, normaliseRepoPath, resolveEnvironment, type WriteMode } from '../core/env-config.ts';
import { TransientError, UserError } from '../core/errors.ts';
import { familiarName, formatFamiliar, type ImageRef, imageName, parseImageRef } from '../core/image-ref.ts';
import { unifiedDiff } from '../core/unified-diff.ts';
import type { ChangeRequest, Forge } from '../adapters/forges/types.ts';
import type { GitIdentity, GitRemote, } from '../adapters/git/types.ts';
import { backoffDelay, type RetryPolicy } from '../adapters/retry.ts';
import { bumpSpec } from '../specs/bump.ts';
import type { InputValues } from '../specs/types.ts';
import { landThroughQueue } from './bump-queue.ts';
import { type EnvRepoCheckout, readConfig, readEnvFiles, writeEdits } from './env-repo.ts';
import type { Step, StepContext, StepResult } from './types.ts';

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
  readonly dryRun: boolean;
}

/** Side effects bump uses, injectable for tests. */
export interface BumpDeps {
  clone(remote: GitRemote, options: { branch?: string; sparsePaths: string[]; identity: GitIdentity }): Promise<EnvRepoCheckout>;
  forge(options: { repoUrl: string; token?: string; forge: 'auto' | 'github' | 'gitlab'; apiUrl?: string }): Forge;
  readonly retry: RetryPolicy;
}

const IDENTITY_RE = /^\s*([^<>]+?)\s*<([^<>\s]+)>\s*$/;

/** Parses `Name <email>`. */
export function parseIdentity(text: string, input = 'author'): GitIdentity {
  const match = IDENTITY_RE.exec(text);
  if (!match) throw new UserError(`${input}: "${text}" is not "Name <email>".`, { input });
  return { name: match[1]!, email: match[2]! };
}

/** Checks raw input values and turns them into {@link BumpInputs}. */
export function bumpInputs(values: InputValues): BumpInputs {
  const images = (values['image'] as string[]).map((text) => parseImageRef(text, 'image'));
  for (const ref of images) {
    if (!ref.tag && !ref.digest) {
      throw new UserError(`image: "${formatFamiliar(ref)}" has neither a tag nor a digest; write name:tag or name@sha256:….`, { input: 'image' });
    }
  }
  const names = images.map(imageName);
  const dup = names.find((name, i) => names.indexOf(name) !== i);
  if (dup) throw new UserError(`image: ${dup} is given twice; give each image once.`, { input: 'image' });
  const pin = values['pin'] as Pin;
  for (const ref of images) {
    if (pin !== 'tag' && !ref.digest) throw new UserError(`image: pin ${pin} needs a digest; "${formatFamiliar(ref)}" has none.`, { input: 'image' });
    if (pin !== 'digest' && !ref.tag) throw new UserError(`image: pin ${pin} needs a tag; "${formatFamiliar(ref)}" has none.`, { input: 'image' });
  }
  const repo = String(values['repo']);
  if (typeof values['path'] === 'string' && values['path']) normaliseRepoPath(values['path']);
  const optional = (name: string) => (values[name] as string | undefined) || undefined;
  return {
    repo,
    branch: optional('branch'),
    env: optional('env'),
    path: optional('path'),
    images,
    pin,
    mode: optional('mode') as WriteMode | undefined,
    token: optional('token'),
    forge: values['forge'] as BumpInputs['forge'],
    apiUrl: optional('api-url'),
    author: parseIdentity(String(values['author'])),
    message: optional('message'),
    labels: values['labels'] as string[],
    autoMerge: values['auto-merge'] === true,
    allowDowngrade: values['allow-downgrade'] === true,
    dryRun: values['dry-run'] === true,
  } as BumpInputs;
}

/** Plans the edit on the checkout's current head and writes the changed files. */
async function planOnHead(repo: EnvRepoCheckout, env: Environment, inputs: BumpInputs, policies: Record<string, string>): Promise<EditPlan> {
  const files = await readEnvFiles(repo, env.path);
  try {
    return planEdits(files, inputs.images, { pin: inputs.pin, allowDowngrade: inputs.allowDowngrade, policies, root: env.path });
  } catch (error) {
    if (error instanceof UserError && /not found/i.test(error.message) && files.size === 0) {
      throw new UserError(`path: "${env.path}" holds no YAML or JSON files; check env/path.`, { input: 'path', cause: error });
    }
    throw error;
  }
}

/** What one attempt of the write loop produced. */
interface Attempt {
  readonly plan: EditPlan;
  readonly commit: string | undefined;
}

/**
 * Push mode: edit, commit, push; on a rejected push re-read the new head and re-apply the same edit (the
 * edit is a function of the file, not a patch), with jittered backoff, up to the retry bound.
 */
async function pushLoop(repo: EnvRepoCheckout, env: Environment, inputs: BumpInputs, policies: Record<string, string>, deps: BumpDeps, context: StepContext, origin: ChangeOrigin): Promise<Attempt> {
  const wait = deps.retry.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    const plan = await planOnHead(repo, env, inputs, policies);
    if (plan.edits.length === 0) return { plan, commit: undefined };
    await writeEdits(repo, plan.edits);
    const message = commitMessage(env, inputs, plan, origin);
    const commit = await repo.commit({ message, author: inputs.author, paths: plan.edits.map((e) => e.file) });
    if (!commit) return { plan, commit: undefined };
    if ((await repo.push()) === 'pushed') return { plan, commit };
    if (!repo.isLocalRemote) {
      // Why a queue and not plain retries: with n bumps racing, retries cost n rounds of n attempts;
      // the queue lands all parked bumps in one atomic push (src/core/push-queue.ts).
      const request = { path: env.path, images: inputs.images, pin: inputs.pin, allowDowngrade: inputs.allowDowngrade };
      const queueContext = { log: context.log, sleep: wait, now: () => Date.now() };
      const outcome = await landThroughQueue(repo, request, queueContext);
      const finalPlan = outcome.plan ?? plan;
      return { plan: outcome.commit ? finalPlan : { ...finalPlan, edits: [] }, commit: outcome.commit };
    }
    if (attempt >= deps.retry.attempts) {
      throw new TransientError(`push to ${repo.branch} was rejected ${attempt} times because others pushed first; run the bump again.`);
    }
    context.log.info(`push rejected (the branch moved); re-applying the edit on the new head (attempt ${attempt + 1})`);
    await wait(backoffDelay(deps.retry, attempt));
    await repo.refresh();
  }
}

function allChanges(plan: EditPlan): ValueChange[] {
  return plan.edits.flatMap((edit) => edit.changes);
}

function commitMessage(env: Environment, inputs: BumpInputs, plan: EditPlan, origin: ChangeOrigin): string {
  const subject = inputs.message ?? bumpSubject(env.name, inputs.images);
  return bumpMessage(subject, env.name, inputs.images, allChanges(plan), origin);
}

/**
 * PR mode: the edit goes on a deterministic branch per environment and images, built fresh on the base
 * head; the open PR/MR for that branch is updated, else one is opened.
 */
async function proposeLoop(repo: EnvRepoCheckout, env: Environment, inputs: BumpInputs, policies: Record<string, string>, deps: BumpDeps, context: StepContext, origin: ChangeOrigin): Promise<Attempt & { request?: ChangeRequest; pushed: boolean }> {
  const base = repo.branch;
  const head = proposalBranch(env.name, inputs.images);
  const plan = await planOnHead(repo, env, inputs, policies);
  if (plan.edits.length === 0) return { plan, commit: undefined, pushed: false };
  const baseHead = await repo.head();
  await repo.checkoutNewBranch(head, baseHead);
  await writeEdits(repo, plan.edits);
  const commit = await repo.commit({ message: commitMessage(env, inputs, plan, origin), author: inputs.author, paths: plan.edits.map((e) => e.file) });
  const remoteHead = await repo.remoteBranchHead(head);
  const same = remoteHead !== undefined && commit !== undefined && (await repo.treeOf(remoteHead, env.path)) === (await repo.treeOf(commit, env.path));
  let pushed = false;
  let result = commit;
  if (same) {
    context.log.info(`${head} already holds this change`);
    result = remoteHead;
  } else {
    if ((await repo.push({ ref: head, force: true })) !== 'pushed') {
      throw new TransientError(`push of ${head} was rejected; another bump updated it at the same moment. Run again.`);
    }
    pushed = true;
  }
  const forge = deps.forge({ repoUrl: inputs.repo, token: inputs.token, forge: inputs.forge, apiUrl: inputs.apiUrl });
  const request = await forge.propose({
    base,
    head,
    title: inputs.message ?? bumpSubject(env.name, inputs.images),
    body: proposalBody(env.name, allChanges(plan), origin),
    labels: inputs.labels,
    autoMerge: inputs.autoMerge,
  });
  for (const warning of request.warnings ?? []) context.log.warn(warning);
  return { plan, commit: result, request, pushed };
}

function summarise(env: Environment, inputs: BumpInputs, plan: EditPlan, outputs: Record<string, string>, mode: WriteMode): string {
  const changes = allChanges(plan);
  const lines = [`### Baton bump: ${env.name}${inputs.dryRun ? ' (dry run)' : ''}`, ''];
  if (changes.length === 0) {
    lines.push(`Nothing to change: ${inputs.images.map(formatFamiliar).join(', ')} already in place under \`${env.path}\`.`);
  } else {
    lines.push(`| Image | Where | Old | New |`, '| --- | --- | --- | --- |');
    for (const c of changes) lines.push(`| \`${familiarName(parseImageRef(c.image))}\` | \`${c.file}:${c.line}\` | \`${c.old ?? '—'}\` | \`${c.new ?? '—'}\` |`);
    lines.push('', '```diff', unifiedDiff(plan.edits).trimEnd(), '```');
  }
  for (const skip of plan.skipped) lines.push('', `Kept ${skip.file}:${skip.line} at ${skip.current}: it is newer than ${skip.wanted} (set allow-downgrade to write it anyway).`);
  if (outputs['commit']) lines.push('', `Commit: \`${outputs['commit']}\` (${mode} mode)`);
  if (outputs['pr-url']) lines.push('', `Request: ${outputs['pr-url']}`);
  return lines.join('\n');
}

/**
 * The user name that goes with the token over HTTPS: GitLab wants `gitlab-ci-token` with a job token and
 * takes `oauth2` with access tokens; elsewhere the git adapter's default (`x-access-token`) serves.
 */
export function gitUsername(inputs: Pick<BumpInputs, 'token' | 'forge'>, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (inputs.token && inputs.token === env['CI_JOB_TOKEN']) return 'gitlab-ci-token';
  if (inputs.forge === 'gitlab' || (inputs.forge === 'auto' && (env['GITLAB_CI'] === 'true' || env['BATON_PLATFORM'] === 'gitlab'))) return 'oauth2';
  return undefined;
}

/** Runs bump with checked inputs. */
export async function runBump(inputs: BumpInputs, deps: BumpDeps, context: StepContext): Promise<StepResult> {
  const origin = originFromEnv(context.env);
  const username = gitUsername(inputs, context.env);
  const remote: GitRemote = { url: inputs.repo, ...(inputs.token ? { token: inputs.token } : {}), ...(username ? { username } : {}) };
  // With a path given, one sparse checkout serves (cone mode brings baton.yaml along); with an env, the
  // config is read first to learn the path.
  const knownPath = inputs.path ? normaliseRepoPath(inputs.path) : undefined;
  const branch = inputs.branch ? { branch: inputs.branch } : {};
  let repo = await deps.clone(remote, { ...branch, sparsePaths: knownPath ? [knownPath] : [], identity: inputs.author });
  try {
    const config = await readConfig(repo);
    const env = resolveEnvironment(config, inputs);
    if (!inputs.branch && env.branch && env.branch !== repo.branch) {
      await repo.cleanup();
      repo = await deps.clone(remote, { branch: env.branch, sparsePaths: [env.path], identity: inputs.author });
    } else if (!knownPath) {
      await repo.setSparse([env.path]);
    }
    const mode: WriteMode = inputs.mode ?? env.mode ?? 'push';
    const policies = { ...(config?.policies ?? {}) };
    let attempt: Attempt & { request?: ChangeRequest };
    if (inputs.dryRun) attempt = { plan: await planOnHead(repo, env, inputs, policies), commit: undefined };
    else if (mode === 'pr') attempt = await proposeLoop(repo, env, inputs, policies, deps, context, origin);
    else attempt = await pushLoop(repo, env, inputs, policies, deps, context, origin);
    for (const skip of attempt.plan.skipped) context.log.warn(`${skip.file}:${skip.line}: kept ${skip.current}, newer than ${skip.wanted}`);
    const outputs = bumpOutputs(inputs, attempt, attempt.commit ?? (await repo.head()));
    for (const c of allChanges(attempt.plan)) context.log.info(`${c.file}:${c.line}: ${c.old ?? '(none)'} -> ${c.new ?? '(removed)'}`);
    context.log.info(outputs['changed'] === 'true' ? `${inputs.dryRun ? 'would change' : 'changed'} ${outputs['files']!.split('\n').length} file(s)` : 'already up to date; nothing to commit');
    return { outputs, summary: summarise(env, inputs, attempt.plan, outputs, mode), annotations: [] };
  } finally {
    await repo.cleanup();
  }
}

function bumpOutputs(inputs: BumpInputs, attempt: Attempt & { request?: ChangeRequest }, commit: string): Record<string, string> {
  const changes = allChanges(attempt.plan);
  const first = inputs.images[0]!;
  const firstChange = changes.find((c) => c.image === imageName(first));
  const site = attempt.plan.sites.get(imageName(first))?.[0];
  const current = site ? versionLabel(site.image) : '';
  return {
    changed: String(changes.length > 0),
    commit: inputs.dryRun ? '' : commit,
    'pr-url': attempt.request?.url ?? '',
    'pr-number': attempt.request ? String(attempt.request.number) : '',
    'old-tag': firstChange ? (firstChange.oldTag ?? firstChange.oldDigest ?? '') : current,
    'new-tag': firstChange ? (firstChange.newTag ?? firstChange.newDigest ?? '') : current,
    image: formatFamiliar(first),
    files: attempt.plan.edits.map((e) => e.file).join('\n'),
  };
}

/** Creates the bump step with its side effects. */
export function bumpStep(deps: BumpDeps): Step {
  return {
    spec: bumpSpec,
    run: (values, context) => runBump(bumpInputs(values), deps, context),
  };
}
