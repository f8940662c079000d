/**
 * The release-hold command: remove the hold comments a rollback left on images of an environment, as a
 * commit (or PR/MR), so bumps and promotions of them apply again.
 */
import { type ChangeOrigin, originFromEnv, proposalBranch } from '../../core/change-text.ts';
import type { EditPlan, FileEdit } from '../../core/edit/types.ts';
import type { Environment, WriteMode } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { imagesIn } from '../../core/history/states.ts';
import { familiarName, parseImageRef } from '../../core/image-ref.ts';
import { type FoundHold, findHolds, removeHolds } from '../../core/rollback/holds.ts';
import { releaseMessage } from '../../core/rollback/text.ts';
import { unifiedDiff } from '../../core/unified-diff.ts';
import { releaseHoldSpec } from '../../specs/release-hold.ts';
import { type EnvRepoCheckout, readEnvFiles } from '../shared/env-repo.ts';
import { type EnvChange, openEnvironment, proposeChange, pushChange, type WriteOutcome } from '../shared/env-write.ts';
import type { HistoryDeps } from '../shared/history-deps.ts';
import { actorOf, forgeOptions, remoteOf } from '../shared/identity.ts';
import { type ReleaseInputs, releaseInputs } from './inputs.ts';
import { defineStep, type Step, type StepContext, type StepResult } from '../shared/types.ts';

/** The release as an edit plan: files that lose hold lines, and the holds removed. */
interface ReleasePlan extends EditPlan {
  readonly released: readonly FoundHold[];
}

/** Plans removing the holds of the images asked for (every held image when none is named). */
export function planRelease(
  files: ReadonlyMap<string, string>,
  images: readonly string[],
  envName: string,
  policies: Readonly<Record<string, string>>,
): ReleasePlan {
  const holds = findHolds(files);
  const present = imagesIn(files, policies).images;
  for (const name of images) {
    if (!present.has(name) && !holds.some((h) => h.image === name)) {
      throw new UserError(`image: ${familiarName(parseImageRef(name))} is not in ${envName}.`, { input: 'image' });
    }
  }
  const wanted = new Set(images.length > 0 ? images : holds.map((h) => h.image));
  const after = removeHolds(files, wanted);
  const edits: FileEdit[] = [...after]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, text]) => ({ file, before: files.get(file)!, after: text, changes: [] }));
  return { edits, sites: new Map(), skipped: [], released: holds.filter((h) => wanted.has(h.image)) };
}

/** What a file must contain to carry a rollback hold. */
const HOLD_NEEDLES = { words: [], literals: ['baton-hold:'] };

function releaseChange(
  env: Environment,
  inputs: ReleaseInputs,
  policies: Record<string, string>,
  actor: string,
  origin: ChangeOrigin,
): EnvChange<ReleasePlan> {
  return {
    // A hold is a comment on the line of the value it holds: only files that carry one are read.
    plan: async (repo: EnvRepoCheckout) =>
      planRelease(await readEnvFiles(repo, env.path, { needles: HOLD_NEEDLES }), inputs.images, env.name, policies),
    message: (plan) => releaseMessage(env.name, [...new Set(plan.released.map((h) => h.image))], actor, inputs.reason, origin),
    author: inputs.author,
  };
}

function summarise(env: Environment, inputs: ReleaseInputs, plan: ReleasePlan, outputs: Record<string, string>): string {
  const lines = [`### Baton release-hold: ${env.name}${inputs.dryRun ? ' (dry run)' : ''}`, ''];
  if (plan.released.length === 0)
    lines.push(`No hold to release${inputs.images.length ? ` on ${inputs.images.join(', ')}` : ''} in ${env.name}.`);
  for (const hold of plan.released)
    lines.push(
      `- Released \`${familiarName(parseImageRef(hold.image))}\` (${hold.file}:${hold.line}), held since ${hold.time} by ` +
        `${hold.actor}: ${hold.reason}`,
    );
  if (plan.edits.length > 0) lines.push('', '```diff', unifiedDiff(plan.edits).trimEnd(), '```');
  if (outputs['commit']) lines.push('', `Commit: \`${outputs['commit']}\``);
  if (outputs['pr-url']) lines.push('', `Request: ${outputs['pr-url']}`);
  return lines.join('\n');
}

/** Runs release-hold with checked inputs. */
export async function runRelease(inputs: ReleaseInputs, deps: HistoryDeps, context: StepContext): Promise<StepResult> {
  const origin = originFromEnv(context.env);
  const { repo, env, config } = await openEnvironment(deps.clone, remoteOf(inputs, context.env), inputs, inputs.author);
  try {
    const change = releaseChange(env, inputs, { ...(config?.policies ?? {}) }, actorOf(origin, inputs.author, context.env), origin);
    const mode: WriteMode = inputs.mode ?? env.mode ?? 'push';
    let attempt: WriteOutcome<ReleasePlan>;
    if (inputs.dryRun) attempt = { plan: await change.plan(repo), commit: undefined };
    else if (mode === 'pr') attempt = await proposeChange(repo, change, releaseProposal(env, inputs, deps), context, env.path);
    else attempt = await pushChange(repo, change, deps, context);
    const released = [...new Set(attempt.plan.released.map((h) => familiarName(parseImageRef(h.image))))];
    context.log.info(released.length ? `released ${released.join(', ')}` : 'no hold to release');
    const outputs = {
      changed: String(attempt.plan.edits.length > 0),
      commit: inputs.dryRun ? '' : (attempt.commit ?? (await repo.head())),
      'pr-url': attempt.request?.url ?? '',
      released: released.join('\n'),
    };
    return { outputs, summary: summarise(env, inputs, attempt.plan, outputs), annotations: [] };
  } finally {
    await repo.cleanup();
  }
}

function releaseProposal(env: Environment, inputs: ReleaseInputs, deps: HistoryDeps) {
  const refs = inputs.images.map((name) => parseImageRef(name));
  return {
    branch: proposalBranch(`${env.name}/release-hold`, refs.length ? refs : [{ registry: 'all', repository: 'images' }]),
    title: `${env.name}: release rollback hold${refs.length === 1 ? ` on ${familiarName(refs[0]!)}` : 's'}`,
    body: (plan: ReleasePlan) =>
      `Baton releases the rollback hold on ${plan.released.map((h) => `\`${familiarName(parseImageRef(h.image))}\``).join(', ')} in ` +
      `**${env.name}**.`,
    labels: inputs.labels,
    autoMerge: false,
    forge: () => deps.forge(forgeOptions(inputs)),
  };
}

/** Creates the release-hold step (a command-line step) with its side effects. */
export function releaseHoldStep(deps: HistoryDeps): Step {
  return defineStep(releaseHoldSpec, (values, context) => runRelease(releaseInputs(values), deps, context));
}
