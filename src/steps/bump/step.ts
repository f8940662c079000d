
import { bumpMessage, bumpSubject, type ChangeOrigin, originFromEnv, proposalBody, proposalBranch, versionLabel } from '../../core/change-text.ts';
import type { Pin, ValueChange } from '../../core/edit/types.ts';
import { type Environment, normaliseRepoPath, type WriteMode } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { familiarName, formatFamiliar, type ImageRef, imageName, parseImageRef } from '../../core/image-ref.ts';
import { type GuardedPlan, type GuardOptions, heldMessage, planRespectingHolds } from '../../core/rollback/guard.ts';
import { envSelector } from '../../core/rollback/holds.ts';
import { unifiedDiff } from '../../core/unified-diff.ts';
import type { Forge } from '../../adapters/forges/types.ts';
import type { GitIdentity, GitRemote } from '../../adapters/git/types.ts';
import type { RetryPolicy } from '../../adapters/retry.ts';
import { bumpSpec } from '../../specs/bump.ts';
import type { InputValues } from '../../specs/types.ts';
import { imageNeedles } from '../../core/edit/candidates.ts';
import { type EnvRepoCheckout, type ReadOptions, readEnvFiles, readKustomizeBases } from '../shared/env-repo.ts';
import { type EnvChange, openEnvironment, proposeChange, pushChange, type WriteOutcome } from '../shared/env-write.ts';
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
  /** Write only the Flux `$imagepolicy` markers of this policy (see EditOptions.policy). */
  readonly policy?: string;
  /** Bytes above which a file is read only when it may hold the image. */
  readonly maxFileSize: number;
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
  const policy = optionalText(values['policy']);
  if (policy !== undefined && !POLICY_RE.test(policy)) {
    throw new UserError(`policy: "${policy}" is not a Flux image policy name ("name" or "namespace:name").`, { input: 'policy' });
  }
  if (policy !== undefined && images.length !== 1) {
    throw new UserError(`policy: a policy stands for one image, but ${images.length} images are given; bump one image per policy.`, { input: 'policy' });
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
    ...(policy === undefined ? {} : { policy }),
    maxFileSize: parseSize(String(values['max-file-size'] ?? '4MiB'), 'max-file-size'),
  } as BumpInputs;
}

/** A Flux ImagePolicy name, optionally with its namespace (Kubernetes DNS labels and subdomains). */
const POLICY_RE = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?:)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;
const SIZE_RE = /^(\d+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i;
const UNITS: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Parses a size such as `4MiB`, `512KiB` or `1048576` into bytes. */
export function parseSize(text: string, input: string): number {
  const match = SIZE_RE.exec(text.trim());
  const bytes = match === null ? Number.NaN : Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new UserError(`${input}: "${text}" is not a size; write bytes (1048576) or a number with KiB, MiB or GiB (4MiB).`, { input });
  }
  return bytes;
}

/**
 * Plans the edit on the checkout's current head, leaving alone images a rollback holds there (unless
 * override-hold). Exported for promote, which writes the same way.
 */
export async function planOnHead(repo: EnvRepoCheckout, env: Environment, request: PlanRequest): Promise<GuardedPlan> {
  const notices: string[] = [];
  const { pin, allowDowngrade, overrideHold, policies, policy } = request;
  // Only files that may hold the image are parsed: an unrelated large file costs a byte search.
  const needles = imageNeedles(request.images, Object.keys(policies).length > 0 || policy !== undefined);
  const readOptions = { needles, notice: (line: string) => notices.push(line), ...(request.maxFileSize ? { maxFileSize: request.maxFileSize } : {}) };
  const files = await readEnvFiles(repo, env.path, readOptions);
  try {
    const options = { pin, allowDowngrade, overrideHold, policies, root: env.path, ...(policy === undefined ? {} : { policy }) };
    const plan = await planWithBases(repo, env, files, request.images, options, readOptions);
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
async function planWithBases(repo: EnvRepoCheckout, env: Environment, files: ReadonlyMap<string, string>, images: readonly ImageRef[], options: GuardOptions, reading: ReadOptions): Promise<GuardedPlan> {
  try {
    return planRespectingHolds(files, images, options);
  } catch (error) {
    if (!(error instanceof UserError) || error.input !== 'image' || !/ was not found /.test(error.message) || options.policy !== undefined) throw error;
    const bases = await readKustomizeBases(repo, env.path, reading);
    if (bases.size === 0) throw error;
    return planRespectingHolds(files, images, { ...options, bases });
  }
}

/** What {@link planOnHead} writes. */
export interface PlanRequest {
  readonly images: readonly ImageRef[];
  readonly pin: Pin;
  readonly allowDowngrade: boolean;
  readonly overrideHold: boolean;
  readonly policies: Readonly<Record<string, string>>;
  readonly policy?: string;
  readonly maxFileSize?: number;
}

function allChanges(plan: Pick<GuardedPlan, 'edits'>): ValueChange[] {
  return plan.edits.flatMap((edit) => edit.changes);
}

/**
 * The requested images the plan writes somewhere. Subject and trailers name only these: an image whose
 * downgrade was refused, that a rollback holds, or that was already in place is not "bumped".
 */
export function writtenImages(images: readonly ImageRef[], plan: Pick<GuardedPlan, 'edits'>): ImageRef[] {
  const written = new Set(allChanges(plan).map((change) => change.image));
  return images.filter((image) => written.has(imageName(image)));
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
function bumpChange(env: Environment, inputs: BumpInputs, policies: Record<string, string>, origin: ChangeOrigin): EnvChange<GuardedPlan> {
  const request = { images: inputs.images, pin: inputs.pin, allowDowngrade: inputs.allowDowngrade, overrideHold: inputs.overrideHold };
  const reading = { maxFileSize: inputs.maxFileSize, ...(inputs.policy === undefined ? {} : { policy: inputs.policy }) };
  return {
    plan: (repo) => planOnHead(repo, env, { ...request, ...reading, policies }),
    message: (plan) => commitMessage(env, inputs, plan, origin),
    author: inputs.author,
    queue: { path: env.path, ...request },
  };
}

function summarise(env: Environment, inputs: BumpInputs, plan: GuardedPlan, outputs: Record<string, string>, mode: WriteMode): string {
  const changes = allChanges(plan);
  const lines = [`### Baton bump: ${env.name}${inputs.dryRun ? ' (dry run)' : ''}`, ''];
  const left = notWritten(inputs, plan);
  if (changes.length === 0) {
    lines.push(`Nothing written under \`${env.path}\`:`, '', ...left.map((line) => `- ${line}`));
  } else {
    lines.push(`| Image | Where | Old | New |`, '| --- | --- | --- | --- |');
    for (const c of changes) lines.push(`| \`${familiarName(parseImageRef(c.image))}\` | \`${c.file}:${c.line}\` | \`${c.old ?? '—'}\` | \`${c.new ?? '—'}\` |`);
    lines.push('', '```diff', unifiedDiff(plan.edits).trimEnd(), '```');
    if (left.length > 0) lines.push('', 'Not written:', '', ...left.map((line) => `- ${line}`));
  }
  for (const skip of plan.skipped) lines.push('', `Kept ${skip.file}:${skip.line} at ${skip.current}: it is newer than ${skip.wanted} (set allow-downgrade to write it anyway).`);
  for (const hold of plan.held ?? []) lines.push('', `**Held:** ${heldMessage(hold, env.name, 'bumped', envSelector(env, Boolean(inputs.path)))}`);
  if (plan.notices?.length) lines.push('', '<details><summary>Files left out</summary>', '', ...plan.notices.map((line) => `- ${line}`), '', '</details>');
  for (const hold of plan.released ?? []) lines.push('', `Released the rollback hold on \`${familiarName(parseImageRef(hold.image))}\` (override-hold).`);
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
  const { repo, env, config } = await openEnvironment(deps.clone, remote, inputs, inputs.author);
  try {
    const mode: WriteMode = inputs.mode ?? env.mode ?? 'push';
    const change = bumpChange(env, inputs, { ...(config?.policies ?? {}) }, origin);
    let attempt: WriteOutcome<GuardedPlan>;
    if (inputs.dryRun) attempt = { plan: await change.plan(repo), commit: undefined };
    else if (mode === 'pr') attempt = await proposeChange(repo, change, bumpProposal(env, inputs, deps, origin), context, env.path);
    else attempt = await pushChange(repo, change, deps, context);
    for (const line of attempt.plan.notices ?? []) line.startsWith('warning: ') ? context.log.warn(line.slice('warning: '.length)) : context.log.info(line);
    for (const skip of attempt.plan.skipped) context.log.warn(`${skip.file}:${skip.line}: kept ${skip.current}, newer than ${skip.wanted}`);
    for (const hold of attempt.plan.held ?? []) context.log.warn(heldMessage(hold, env.name, 'bumped', envSelector(env, Boolean(inputs.path))));
    const outputs = bumpOutputs(inputs, attempt, attempt.commit ?? (await repo.head()));
    for (const c of allChanges(attempt.plan)) context.log.info(`${c.file}:${c.line}: ${c.old ?? '(none)'} -> ${c.new ?? '(removed)'}`);
    for (const line of notWritten(inputs, attempt.plan)) context.log.info(line);
    context.log.info(outputs['changed'] === 'true' ? `${inputs.dryRun ? 'would change' : 'changed'} ${outputs['files']!.split('\n').length} file(s)` : 'nothing written; nothing to commit');
    const annotations = (attempt.plan.held ?? []).map((hold) => ({ level: 'warning' as const, title: 'held by a rollback', message: heldMessage(hold, env.name, 'bumped', envSelector(env, Boolean(inputs.path))), file: hold.file, line: hold.line }));
    return { outputs, summary: summarise(env, inputs, attempt.plan, outputs, mode), annotations };
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
  // A held image keeps its old version: new-tag stays empty so no later job mistakes it for deployed.
  const held = (attempt.plan.held ?? []).map((hold) => hold.image);
  const firstHeld = held.includes(imageName(first));
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
  return {
    spec: bumpSpec,
    run: (values, context) => runBump(bumpInputs(values), deps, context),
  };
}
