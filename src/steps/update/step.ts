/**
 * `update`: for each environment of baton.yaml with update policies, ask the registries for the newest
 * version each policy allows and write it with bump's machinery (byte-exact edit, markers, holds, no
 * downgrade), as one PR/MR per environment on a deterministic branch, or by push. Meant for a schedule:
 * every repository is listed once per run, conditionally on the cache file's ETags.
 *
 * Order of work, so that bad configuration writes nothing and asks no registry: read baton.yaml (bad
 * policies fail there), open every environment and find each policy's image in it, then read the
 * registries, then write environment by environment.
 */
import type { GitRemote } from '../../adapters/git/types.ts';
import { loadTagCache, saveTagCache } from '../../adapters/registry/tag-cache.ts';
import { type ChangeOrigin, originFromEnv } from '../../core/change-text.ts';
import type { ImageSite } from '../../core/edit/types.ts';
import { CONFIG_FILE, type Environment, type EnvRepoConfig, namedEnvironment } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { planUpdate, policySites, type UpdatePlan, type UpdateRequest, type UpdateScope } from '../../core/update/plan.ts';
import type { UpdatePolicy } from '../../core/update/types.ts';
import { unifiedDiff } from '../../core/unified-diff.ts';
import { updateSpec } from '../../specs/update.ts';
import { readConfig, readEnvFiles } from '../shared/env-repo.ts';
import { type EnvChange, type OpenedEnv, openEnvironment, proposeChange, pushChange, type WriteOutcome } from '../shared/env-write.ts';
import { forgeOptions, remoteOf } from '../shared/identity.ts';
import { defineStep, type Step, type StepContext, type StepResult } from '../shared/types.ts';
import { runImport } from './import.ts';
import type { UpdateDeps } from './types.ts';
import { type UpdateInputs, updateInputs } from './inputs.ts';
import { leftOut, type UpdateRecord, updateBody, updateMessage, updateRecords, updateTitle } from './text.ts';
import { type Offer, offerKey, type OfferStats, readOffers } from './versions.ts';

/** One environment opened for update, with where its policies' images are. */
interface Target extends OpenedEnv {
  readonly policies: readonly UpdatePolicy[];
  readonly sites: Map<string, ImageSite[]>;
  readonly scope: UpdateScope;
}

/** The deterministic PR/MR branch of an environment's updates: a later run updates it in place. */
export function updateBranch(envName: string): string {
  return `baton/update/${envName}`;
}

/** The environments to update: those with policies (only `env` when given). */
function environmentsToUpdate(config: EnvRepoConfig | undefined, inputs: UpdateInputs): Environment[] {
  if (!config)
    throw new UserError(`repo: the env repo has no ${CONFIG_FILE}; update reads its policies from there (see docs/update.md).`, {
      input: 'repo',
    });
  if (inputs.env) {
    const env = namedEnvironment(config, inputs.env);
    if (!env.update?.length)
      throw new UserError(`env: "${inputs.env}" has no update policies in ${CONFIG_FILE} (add "update:" to it).`, { input: 'env' });
    return [env];
  }
  const envs = [...config.environments.values()].filter((env) => env.update?.length);
  if (envs.length === 0)
    throw new UserError(`repo: no environment in ${CONFIG_FILE} has update policies; add "update:" to one (see docs/update.md).`, {
      input: 'repo',
    });
  return envs;
}

/** Opens every environment and locates each policy's image; cleans up everything on failure. */
async function openTargets(
  deps: UpdateDeps,
  remote: GitRemote,
  inputs: UpdateInputs,
  envs: readonly Environment[],
  config: EnvRepoConfig,
): Promise<Target[]> {
  const targets: Target[] = [];
  const opened: OpenedEnv[] = [];
  try {
    for (const env of envs) {
      const one = await openEnvironment(deps.clone, remote, { env: env.name, branch: inputs.branch }, inputs.author);
      opened.push(one);
      const scope = { root: one.env.path, markers: { ...config.policies } };
      const policies = one.env.update ?? [];
      const sites = policySites(await readEnvFiles(one.repo, one.env.path), policies, scope);
      targets.push({ ...one, policies, scope, sites });
    }
    return targets;
  } catch (error) {
    await Promise.all(opened.map((one) => one.repo.cleanup()));
    throw error;
  }
}

/** The requests of one environment: each policy's choice, where the registry offered one. */
function requestsFor(target: Target, offers: ReadonlyMap<string, Offer>, context: StepContext): UpdateRequest[] {
  return target.policies.flatMap((policy) => {
    const offer = offers.get(offerKey(policy));
    if (!offer?.choice) {
      context.log.warn(
        `${target.env.name}: policy ${policy.name} allows none of the ${offer?.considered ?? 0} tags of ${policy.image}; left as it is.`,
      );
      return [];
    }
    return [{ policy, choice: offer.choice }];
  });
}

/** What writing one environment did. */
interface EnvOutcome {
  readonly env: string;
  readonly records: UpdateRecord[];
  readonly attempt: WriteOutcome<UpdatePlan>;
  readonly notes: string[];
}

async function updateEnvironment(
  target: Target,
  requests: readonly UpdateRequest[],
  inputs: UpdateInputs,
  deps: UpdateDeps,
  context: StepContext,
  origin: ChangeOrigin,
): Promise<EnvOutcome> {
  const { repo, env } = target;
  const change: EnvChange<UpdatePlan> = {
    plan: async (checkout) => planUpdate(await readEnvFiles(checkout, env.path), requests, target.sites, target.scope),
    message: (plan) => updateMessage(env.name, updateRecords(env.name, plan), plan, origin),
    author: inputs.author,
  };
  // An environment whose baton.yaml mode is pr takes changes by review only; push elsewhere when asked.
  const mode = inputs.mode === 'push' && env.mode !== 'pr' ? 'push' : 'pr';
  if (inputs.mode === 'push' && mode === 'pr')
    context.log.warn(`${env.name}: baton.yaml sets mode pr; opening a request instead of pushing.`);
  const preview = await change.plan(repo);
  let attempt: WriteOutcome<UpdatePlan>;
  if (inputs.dryRun || preview.edits.length === 0) attempt = { plan: preview, commit: undefined };
  else if (mode === 'pr') {
    attempt = await proposeChange(
      repo,
      change,
      {
        branch: updateBranch(env.name),
        // The plan is a function of the files, so the title made from this preview is the request's.
        title: updateTitle(env.name, updateRecords(env.name, preview)),
        body: (plan) => updateBody(env.name, updateRecords(env.name, plan), plan, origin),
        labels: inputs.labels,
        autoMerge: inputs.autoMerge,
        forge: () => deps.forge(forgeOptions(inputs)),
      },
      context,
      env.path,
    );
  } else attempt = await pushChange(repo, change, deps, context);
  return { env: env.name, records: updateRecords(env.name, attempt.plan), attempt, notes: leftOut(attempt.plan) };
}

function summarise(outcomes: readonly EnvOutcome[], stats: OfferStats, inputs: UpdateInputs): string {
  const lines = [`### Baton update${inputs.dryRun ? ' (dry run)' : ''}`, ''];
  const records = outcomes.flatMap((o) => o.records);
  if (records.length === 0) lines.push('Every environment is on the newest version its policies allow.');
  else {
    lines.push('| Env | Image | Old | New | Policy |', '| --- | --- | --- | --- | --- |');
    for (const r of records) lines.push(`| ${r.env} | [\`${r.image}\`](${r.link}) | \`${r.old}\` | \`${r.new}\` | \`${r.policy}\` |`);
  }
  for (const outcome of outcomes) {
    if (outcome.attempt.request) lines.push('', `${outcome.env}: ${outcome.attempt.request.url}`);
    else if (outcome.attempt.commit) lines.push('', `${outcome.env}: commit \`${outcome.attempt.commit}\``);
    for (const note of outcome.notes) lines.push('', `${outcome.env}: ${note}`);
    if (inputs.dryRun && outcome.attempt.plan.edits.length > 0)
      lines.push('', '```diff', unifiedDiff(outcome.attempt.plan.edits).trimEnd(), '```');
  }
  lines.push(
    '',
    `Registry: ${stats.listRequests} tag page request(s), ${stats.notModified} answered from the cache (304); ${stats.heads} ` +
      `manifest HEAD(s), ${stats.configReads} config read(s).`,
  );
  return lines.join('\n');
}

/** Runs update with checked inputs. */
export async function runUpdate(inputs: UpdateInputs, deps: UpdateDeps, context: StepContext): Promise<StepResult> {
  const remote = remoteOf(inputs, context.env);
  if (inputs.import) return runImport(inputs, deps, context, remote);
  const origin = originFromEnv(context.env);
  const first = await deps.clone(remote, { ...(inputs.branch ? { branch: inputs.branch } : {}), sparsePaths: [], identity: inputs.author });
  let config: EnvRepoConfig | undefined;
  try {
    config = await readConfig(first);
  } finally {
    await first.cleanup();
  }
  const envs = environmentsToUpdate(config, inputs);
  const targets = await openTargets(deps, remote, inputs, envs, config!);
  const client = deps.registry({ insecure: inputs.insecureRegistries });
  try {
    const cache = await loadTagCache(inputs.cache);
    const { offers, stats } = await readOffers(
      targets.flatMap((t) => t.policies),
      { client, cache, ...(inputs.pageSize ? { pageSize: inputs.pageSize } : {}), warn: (m) => context.log.warn(m) },
    );
    await saveTagCache(inputs.cache, cache);
    context.log.info(
      `registry: ${stats.listRequests} tag page request(s), ${stats.notModified} not modified; ${stats.heads} HEAD(s), ` +
        `${stats.configReads} config read(s)`,
    );
    const outcomes: EnvOutcome[] = [];
    for (const target of targets) {
      const outcome = await updateEnvironment(target, requestsFor(target, offers, context), inputs, deps, context, origin);
      for (const note of outcome.notes) context.log.warn(`${outcome.env}: ${note}`);
      for (const r of outcome.records) context.log.info(`${r.env}: ${r.image} ${r.old} -> ${r.new} (policy ${r.policy})`);
      outcomes.push(outcome);
    }
    const records = outcomes.flatMap((o) => o.records);
    // A request branch that already holds the change is no change: a quiet scheduled run reports false.
    const changed = outcomes.some((o) => o.attempt.plan.edits.length > 0 && (inputs.dryRun || o.attempt.pushed !== false));
    context.log.info(
      changed ? `${inputs.dryRun ? 'would update' : 'updated'} ${records.length} image(s)` : 'every environment is up to date',
    );
    const outputs = {
      updates: JSON.stringify(records),
      changed: String(changed),
      'pr-url': outcomes.flatMap((o) => (o.attempt.request ? [o.attempt.request.url] : [])).join('\n'),
      commit: outcomes.flatMap((o) => (o.attempt.commit ? [o.attempt.commit] : [])).join('\n'),
      files: outcomes.flatMap((o) => o.attempt.plan.edits.map((e) => e.file)).join('\n'),
    };
    return { outputs, summary: summarise(outcomes, stats, inputs), annotations: [] };
  } finally {
    await client.close();
    await Promise.all(targets.map((t) => t.repo.cleanup()));
  }
}

/** Creates the update step with its side effects. */
export function updateStep(deps: UpdateDeps): Step {
  return defineStep(updateSpec, (values, context) => runUpdate(updateInputs(values), deps, context));
}
