/**
 * The rollback step: find an earlier version of an environment's images in the env repo's own history,
 * write it back as a new forward commit (never a force-push) with the reason and actor, and leave a hold
 * next to each rolled-back value that later bumps and promotions respect until it is released.
 */
import { changeTable, type ChangeOrigin, originFromEnv, proposalBranch, versionLabel } from '../../core/change-text.ts';
import type { Environment, WriteMode } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import type { HistoryEntry } from '../../core/history/states.ts';
import { familiarName, formatFamiliar } from '../../core/image-ref.ts';
import { planRollback, type RollbackPlan } from '../../core/rollback/apply.ts';
import { envSelector, type Hold } from '../../core/rollback/holds.ts';
import { chooseRollback, describeTarget, type RollbackChoice } from '../../core/rollback/plan.ts';
import { rollbackMessage, rollbackSubject } from '../../core/rollback/text.ts';
import { unifiedDiff } from '../../core/unified-diff.ts';
import { authorInput } from '../../specs/env-inputs.ts';
import { rollbackSpec } from '../../specs/rollback.ts';
import type { InputsOf } from '../../specs/types.ts';
import { imageNeedles } from '../../core/edit/candidates.ts';
import { type EnvRepoCheckout, readEnvFiles } from '../shared/env-repo.ts';
import { type EnvChange, openEnvironment, proposeChange, pushChange, type WriteOutcome } from '../shared/env-write.ts';
import type { HistoryDeps } from '../shared/history-deps.ts';
import { actorOf, forgeOptions, remoteOf } from '../shared/identity.ts';
import { loadSignaturePolicy, requireSigned } from '../shared/signatures.ts';
import { type EnvRepoReader, readHistory } from '../shared/history-read.ts';
import { type RollbackInputs, rollbackInputs } from './inputs.ts';
import { defineStep, type Step, type StepContext, type StepResult } from '../shared/types.ts';
import type { RollbackHandoff } from '../shared/rollback-handoff.ts';

/** How many states are read, step by step, while the target is not found and the history goes on. */
const HISTORY_LIMITS = [10, 60, 400] as const;

/** Reads as much history as it takes to find `to`; the last miss is the user's error on `to`. */
async function chooseFromHistory(
  repo: EnvRepoReader,
  env: Environment,
  inputs: RollbackInputs,
  policies: Record<string, string>,
): Promise<RollbackChoice & { current: HistoryEntry }> {
  for (const limit of HISTORY_LIMITS) {
    const { entries, complete } = await readHistory(repo, env, limit, policies);
    try {
      return { ...chooseRollback(entries, inputs.to, inputs.images), current: entries[0]! };
    } catch (error) {
      if (complete || limit === HISTORY_LIMITS.at(-1) || !(error instanceof UserError && error.input === 'to')) throw error;
    }
  }
  throw new Error('unreachable');
}

/** What the message and summary say about the rollback. */
interface RollbackStory {
  readonly env: Environment;
  readonly choice: RollbackChoice;
  readonly actor: string;
  readonly origin: ChangeOrigin;
}

function rollbackChange(
  story: RollbackStory,
  inputs: RollbackInputs,
  policies: Record<string, string>,
  hold: ((image: string) => Hold) | undefined,
): EnvChange<RollbackPlan> {
  const { env, choice } = story;
  const refs = choice.writes.map((w) => w.ref);
  const context = {
    envName: env.name,
    toCommit: choice.entry.commit,
    toTime: choice.entry.time,
    reason: inputs.reason,
    actor: story.actor,
    holding: hold !== undefined,
  };
  return {
    // Only files that may hold an image written back are read: an unrelated file (large, or not UTF-8) is left alone.
    plan: async (repo: EnvRepoCheckout) => {
      const needles = imageNeedles(refs, Object.keys(policies).length > 0);
      return planRollback(await readEnvFiles(repo, env.path, { needles }), choice.writes, {
        policies,
        root: env.path,
        ...(hold ? { hold } : {}),
      });
    },
    message: (plan) =>
      rollbackMessage(
        rollbackSubject(env.name, refs),
        refs,
        plan.edits.flatMap((e) => e.changes),
        context,
        story.origin,
      ),
    author: inputs.author,
  };
}

function summarise(
  story: RollbackStory,
  inputs: RollbackInputs,
  plan: RollbackPlan,
  outputs: Record<string, string>,
  mode: WriteMode,
): string {
  const { env, choice } = story;
  const lines = [`### Baton rollback: ${env.name}${inputs.dryRun ? ' (dry run)' : ''}`, ''];
  const to =
    `${describeTarget(inputs.to)}: the state of \`${choice.entry.commit.slice(0, 12)}\` (${choice.entry.time}, ` +
    `"${choice.entry.subject}")`;
  if (plan.edits.length === 0) lines.push(`Nothing to change: ${env.name} already holds ${to}.`);
  else {
    lines.push(`Back to ${to}, by ${story.actor}: ${inputs.reason}`, '', changeTable(plan.edits.flatMap((e) => e.changes)));
    lines.push('', '```diff', unifiedDiff(plan.edits).trimEnd(), '```');
  }
  if (plan.held.length > 0)
    lines.push(
      '',
      `Held: ${plan.held.map((n) => `\`${n}\``).join(', ')}. Bumps and promotions leave them alone until \`baton release-hold\`.`,
    );
  if (outputs['commit']) lines.push('', `Commit: \`${outputs['commit']}\` (${mode} mode)`);
  if (outputs['pr-url']) lines.push('', `Request: ${outputs['pr-url']}`);
  return lines.join('\n');
}

function rollbackOutputs(
  story: RollbackStory,
  inputs: RollbackInputs,
  attempt: WriteOutcome<RollbackPlan>,
  head: string,
): Record<string, string> {
  const changed = attempt.plan.edits.length > 0;
  const images = story.choice.writes.map((w) => ({ image: familiarName(w.ref), from: formatFamiliar(w.from), to: formatFamiliar(w.ref) }));
  return {
    changed: String(changed),
    commit: inputs.dryRun ? '' : (attempt.commit ?? head),
    'pr-url': attempt.request?.url ?? '',
    'pr-number': attempt.request ? String(attempt.request.number) : '',
    restored: story.choice.entry.commit,
    images: JSON.stringify(changed ? images : []),
    held: changed ? attempt.plan.held.join('\n') : '',
    files: attempt.plan.edits.map((e) => e.file).join('\n'),
  };
}

/** Runs rollback with checked inputs. */
export async function runRollback(inputs: RollbackInputs, deps: HistoryDeps, context: StepContext): Promise<StepResult> {
  const origin = originFromEnv(context.env);
  const signers = await loadSignaturePolicy(inputs.allowedSigners);
  const { repo, env, config } = await openEnvironment(deps.clone, remoteOf(inputs, context.env), inputs, inputs.author);
  try {
    const policies = { ...(config?.policies ?? {}) };
    const choice = await chooseFromHistory(repo, env, inputs, policies);
    if (signers)
      context.log.info(
        `${choice.entry.commit.slice(0, 12)} signed by ` +
          `${await requireSigned(repo, choice.entry.commit, signers, 'the commit to roll back to,')}`,
      );
    const story: RollbackStory = { env, choice, actor: actorOf(origin, inputs.author, context.env), origin };
    const time = new Date(deps.now()).toISOString();
    const selector = envSelector(env, Boolean(inputs.path));
    const hold = inputs.hold ? (image: string) => ({ image, actor: story.actor, time, reason: inputs.reason, selector }) : undefined;
    const change = rollbackChange(story, inputs, policies, hold);
    const mode: WriteMode = inputs.mode ?? env.mode ?? 'push';
    let attempt: WriteOutcome<RollbackPlan>;
    if (choice.writes.length === 0 || inputs.dryRun) attempt = { plan: await change.plan(repo), commit: undefined };
    else if (mode === 'pr') attempt = await proposeChange(repo, change, rollbackProposal(story, inputs, deps), context, env.path);
    else attempt = await pushChange(repo, change, deps, context);
    for (const w of choice.writes) context.log.info(`${familiarName(w.ref)}: ${versionLabel(w.from)} -> ${versionLabel(w.ref)}`);
    const outputs = rollbackOutputs(story, inputs, attempt, await repo.head());
    return { outputs, summary: summarise(story, inputs, attempt.plan, outputs, mode), annotations: [] };
  } finally {
    await repo.cleanup();
  }
}

function rollbackProposal(story: RollbackStory, inputs: RollbackInputs, deps: HistoryDeps) {
  const refs = story.choice.writes.map((w) => w.ref);
  return {
    branch: proposalBranch(`${story.env.name}/rollback`, refs),
    title: rollbackSubject(story.env.name, refs),
    body: (plan: RollbackPlan) =>
      [
        `Baton rolls **${story.env.name}** back, by ${story.actor}: ${inputs.reason}`,
        '',
        changeTable(plan.edits.flatMap((e) => e.changes)),
        '',
        `Restores the state of \`${story.choice.entry.commit}\` (${story.choice.entry.time}).`,
      ].join('\n'),
    labels: inputs.labels,
    autoMerge: false,
    forge: () => deps.forge(forgeOptions(inputs)),
  };
}

/** Creates the rollback step with its side effects. */
export function rollbackStep(deps: HistoryDeps): Step {
  return defineStep(rollbackSpec, (values, context) => runRollback(rollbackInputs(values), deps, context));
}

/**
 * verify's `on-failure: rollback` hand-off: rolls the failed environment back to its previous version
 * (baton.yaml's mode, holding it) with verify's reason. Wire it in as `systemVerifyDeps({ rollback })`.
 * Its lines go to `log` (verify reports the one line this resolves with).
 */
export function rollbackHandoff(
  deps: HistoryDeps,
  env: Readonly<Record<string, string | undefined>> = process.env,
  log: (line: string) => void = () => {},
): RollbackHandoff {
  const context: StepContext = {
    env,
    cwd: process.cwd(),
    log: { info: log, warn: (line) => log(`warning: ${line}`), secret: () => {}, group: (_title, body) => body() },
  };
  return {
    async rollback(request) {
      const values: InputsOf<typeof rollbackSpec> = {
        repo: request.repo,
        branch: request.branch,
        env: request.env,
        path: undefined,
        to: 'previous',
        image: [],
        reason: `verify failed: ${request.reason}`.slice(0, 500),
        hold: true,
        mode: undefined,
        token: request.token,
        forge: 'auto',
        'api-url': undefined,
        author: authorInput.default,
        labels: [],
        'dry-run': false,
        'allowed-signers': undefined,
      };
      const out = (await runRollback(rollbackInputs(values), deps, context)).outputs;
      if (out['changed'] !== 'true') return `${request.env} already holds its previous version; nothing rolled back`;
      return `rolled ${request.env} back to the state of ${out['restored']!.slice(0, 12)}: ${out['commit'] || out['pr-url']}`;
    },
  };
}
