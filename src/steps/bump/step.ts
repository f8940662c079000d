
import { bumpMessage, bumpSubject, type ChangeOrigin, originFromEnv, proposalBody, proposalBranch, versionLabel } from '../../core/change-text.ts';
import type { Pin, ValueChange } from '../../core/edit/types.ts';
import { type Environment, normaliseRepoPath, type WriteMode } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { familiarName, formatFamiliar, type ImageRef, imageName, parseImageRef } from '../../core/image-ref.ts';
import { type GuardedPlan, heldMessage, planRespectingHolds } from '../../core/rollback/guard.ts';
import { envSelector } from '../../core/rollback/holds.ts';
import { unifiedDiff } from '../../core/unified-diff.ts';
import type { Forge } from '../../adapters/forges/types.ts';
import type { GitIdentity, GitRemote } from '../../adapters/git/types.ts';
import type { RetryPolicy } from '../../adapters/retry.ts';
import { bumpSpec } from '../../specs/bump.ts';
import type { InputValues } from '../../specs/types.ts';
import { type EnvRepoCheckout, readEnvFiles } from '../shared/env-repo.ts';
import { type EnvChange, openEnvironment, proposeChange, pushChange, recheckEnvironment, type WriteOutcome } from '../shared/env-write.ts';
import type { Step, StepContext, StepResult } from '../shared/types.ts';

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
    overrideHold: values['override-hold'] === true,
    dryRun: values['dry-run'] === true,
  } as BumpInputs;
}

/**
 * Plans the edit on the checkout's current head, leaving alone images a rollback holds there (unless
 * override-hold). Exported for promote, which writes the same way.
 */
export async function planOnHead(repo: EnvRepoCheckout, env: Environment, request: PlanRequest, leaveOut?: ReadonlySet<string>): Promise<GuardedPlan> {
  const files = await readEnvFiles(repo, env.path);
  try {
    const { pin, allowDowngrade, overrideHold, policies } = request;
    const options = { pin, allowDowngrade, overrideHold, policies, root: env.path };
    const all = planRespectingHolds(files, request.images, options);
    if (!leaveOut || leaveOut.size === 0) return all;
    // Superseded images are not written, but where they are found still counts (outputs, summary).
    const rest = request.images.filter((image) => !leaveOut.has(imageName(image)));
    const partial = rest.length > 0 ? planRespectingHolds(files, rest, options) : { ...all, edits: [], skipped: [], released: [] };
    return { ...partial, sites: all.sites };
  } catch (error) {
    if (error instanceof UserError && /not found/i.test(error.message) && files.size === 0) {
      throw new UserError(`path: "${env.path}" holds no YAML or JSON files; check env/path.`, { input: 'path', cause: error });
    }
    throw error;
  }
}

/** What {@link planOnHead} writes. */
export interface PlanRequest {
  readonly images: readonly ImageRef[];
  readonly pin: Pin;
  readonly allowDowngrade: boolean;
  readonly overrideHold: boolean;
  readonly policies: Readonly<Record<string, string>>;
}

function allChanges(plan: Pick<GuardedPlan, 'edits'>): ValueChange[] {
  return plan.edits.flatMap((edit) => edit.changes);
}

function commitMessage(env: Environment, inputs: BumpInputs, plan: GuardedPlan, origin: ChangeOrigin): string {
  const subject = inputs.message ?? bumpSubject(env.name, inputs.images);
  return bumpMessage(subject, env.name, inputs.images, allChanges(plan), origin);
}

/** The bump as a change the shared writer lands (push, push queue, or PR/MR). */
function bumpChange(env: Environment, inputs: BumpInputs, origin: ChangeOrigin): EnvChange<GuardedPlan> {
  const request = { images: inputs.images, pin: inputs.pin, allowDowngrade: inputs.allowDowngrade, overrideHold: inputs.overrideHold };
  return {
    // baton.yaml (mode, path, policies) is read again on every head the bump is planned on.
    async plan(repo, leaveOut) {
      const config = await recheckEnvironment(repo, env, inputs);
      return planOnHead(repo, env, { ...request, policies: { ...(config?.policies ?? {}) } }, leaveOut);
    },
    message: (plan) => commitMessage(env, inputs, plan, origin),
    author: inputs.author,
    race: { images: inputs.images, allowDowngrade: inputs.allowDowngrade },
  };
}

function summarise(env: Environment, inputs: BumpInputs, attempt: WriteOutcome<GuardedPlan>, outputs: Record<string, string>, mode: WriteMode): string {
  const plan = attempt.plan;
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
  for (const hold of plan.held ?? []) lines.push('', `**Held:** ${heldMessage(hold, env.name, 'bumped', envSelector(env, Boolean(inputs.path)))}`);
  for (const hold of plan.released ?? []) lines.push('', `Released the rollback hold on \`${familiarName(parseImageRef(hold.image))}\` (override-hold).`);
  for (const s of attempt.superseded ?? []) lines.push('', `**Superseded:** \`${s.image}\` stays at \`${s.landed}\`, written by a newer run after this one read the environment; \`${s.wanted}\` was not written.`);
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
  const { repo, env } = await openEnvironment(deps.clone, remote, inputs, inputs.author);
  try {
    const mode: WriteMode = inputs.mode ?? env.mode ?? 'push';
    const change = bumpChange(env, inputs, origin);
    let attempt: WriteOutcome<GuardedPlan>;
    if (inputs.dryRun) attempt = { plan: await change.plan(repo), commit: undefined };
    else if (mode === 'pr') attempt = await proposeChange(repo, change, bumpProposal(env, inputs, deps, origin), context, env.path);
    else attempt = await pushChange(repo, change, deps, context);
    for (const skip of attempt.plan.skipped) context.log.warn(`${skip.file}:${skip.line}: kept ${skip.current}, newer than ${skip.wanted}`);
    for (const hold of attempt.plan.held ?? []) context.log.warn(heldMessage(hold, env.name, 'bumped', envSelector(env, Boolean(inputs.path))));
    const outputs = bumpOutputs(inputs, attempt, attempt.commit ?? (await repo.head()));
    for (const c of allChanges(attempt.plan)) context.log.info(`${c.file}:${c.line}: ${c.old ?? '(none)'} -> ${c.new ?? '(removed)'}`);
    context.log.info(outputs['changed'] === 'true' ? `${inputs.dryRun ? 'would change' : 'changed'} ${outputs['files']!.split('\n').length} file(s)` : 'already up to date; nothing to commit');
    const annotations = (attempt.plan.held ?? []).map((hold) => ({ level: 'warning' as const, title: 'held by a rollback', message: heldMessage(hold, env.name, 'bumped', envSelector(env, Boolean(inputs.path))), file: hold.file, line: hold.line }));
    return { outputs, summary: summarise(env, inputs, attempt, outputs, mode), annotations };
  } finally {
    await repo.cleanup();
  }
}

function bumpProposal(env: Environment, inputs: BumpInputs, deps: BumpDeps, origin: ChangeOrigin) {
  return {
    branch: proposalBranch(env.name, inputs.images),
    title: inputs.message ?? bumpSubject(env.name, inputs.images),
    body: (plan: GuardedPlan) => proposalBody(env.name, allChanges(plan), origin),
    labels: inputs.labels,
    autoMerge: inputs.autoMerge,
    forge: () => deps.forge({ repoUrl: inputs.repo, token: inputs.token, forge: inputs.forge, apiUrl: inputs.apiUrl }),
  };
}

function bumpOutputs(inputs: BumpInputs, attempt: WriteOutcome<GuardedPlan>, commit: string): Record<string, string> {
  const changes = allChanges(attempt.plan);
  const first = inputs.images[0]!;
  const firstChange = changes.find((c) => c.image === imageName(first));
  const site = attempt.plan.sites.get(imageName(first))?.[0];
  const current = site ? versionLabel(site.image) : '';
  return {
    changed: String(attempt.plan.edits.length > 0),
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
