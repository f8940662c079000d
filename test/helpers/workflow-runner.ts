/**
 * Runs a GitHub Actions workflow file the way the runner does, as far as Baton's workflows use it: jobs
 * in `needs` order with `if:` and job outputs; steps with `id`, `if`, `env`, `with`; `${{ }}` expressions
 * evaluated by GitHub's own expression library (@actions/expressions) over the `github`, `env`, `vars`,
 * `secrets`, `inputs`, `steps`, `needs`, `runner` and `job` contexts; node actions run from their
 * action.yml (defaults applied, `INPUT_*`, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_ENV`);
 * `run:` steps through `bash --noprofile --norc -eo pipefail`; reusable workflows called with
 * `uses:` + `with:` + `secrets:` and their `workflow_call` outputs.
 *
 * Baton's own actions resolve to this checkout: `./actions/<step>` in the job's workspace, and
 * `acme/baton/actions/<step>@<ref>` (and `acme/baton/.github/workflows/<file>@<ref>`) to the repository
 * root. Third-party actions are stand-ins named in {@link RunnerOptions.actions}; anything else fails
 * the run, so a workflow can never pass on a step that did not run.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { parse } from 'yaml';
import { spawnLogged, stopJobProcesses } from './job-processes.ts';
import { inputVariable, parseGithubOutput, ROOT } from './runner.ts';

/** The owner/name Baton's workflows and README call it by. */
export const BATON_REPOSITORY = 'acme/baton';

/** What a step stand-in is given. */
export interface StandInContext {
  readonly with: Readonly<Record<string, string>>;
  readonly workspace: string;
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

/** A stand-in for a third-party action (`actions/checkout`), keyed by `owner/name` without the ref. */
export type StandIn = (context: StandInContext) => Promise<Record<string, string> | undefined>;

/** How to run a workflow. */
export interface RunnerOptions {
  /** The `github` context: repository, sha, ref, actor, event_name, server_url, api_url, token, … */
  readonly github: Readonly<Record<string, unknown>>;
  readonly event?: unknown;
  readonly secrets?: Readonly<Record<string, string>>;
  readonly vars?: Readonly<Record<string, string>>;
  /** `inputs` of a `workflow_dispatch` or `workflow_call` run. */
  readonly inputs?: Readonly<Record<string, string | boolean | number>>;
  /** Variables every step sees, as a self-hosted runner's machine would set them. */
  readonly runnerEnv?: Readonly<Record<string, string>>;
  readonly actions?: Readonly<Record<string, StandIn>>;
  /** Jobs not to run (reported as `skipped`); for stages whose step has not landed. */
  readonly skipJobs?: readonly string[];
}

/** The outcome of one step. */
export interface StepRun {
  readonly id: string;
  readonly outcome: 'success' | 'failure' | 'skipped';
  readonly outputs: Record<string, string>;
  readonly log: string;
  readonly summary: string;
}

/** The outcome of one job. */
export interface JobRun {
  readonly result: 'success' | 'failure' | 'skipped';
  readonly outputs: Record<string, string>;
  readonly steps: StepRun[];
  /** Jobs of a reusable workflow this job called, by their name there. */
  readonly called?: WorkflowRun;
}

/** The outcome of a workflow. */
export interface WorkflowRun {
  readonly result: 'success' | 'failure';
  readonly jobs: Record<string, JobRun>;
  /** `on.workflow_call.outputs`, when the workflow has them. */
  readonly outputs: Record<string, string>;
  /** Every log line of every step, in order. */
  readonly log: string;
}

type Json = unknown;
type Contexts = Record<string, Json>;

const STATUS_FUNCTIONS = /\b(success|failure|always|cancelled)\s*\(/i;

/**
 * What the status check functions answer where an expression is evaluated. At step level `success()`
 * is true while no earlier step of the job failed and `failure()` once one has; at job level they look
 * at the job's ancestors (its `needs`, transitively): `success()` is true when every ancestor succeeded
 * (a skipped ancestor is not a success), `failure()` when any ancestor failed (a skipped one is not a
 * failure). `always()` is always true; nothing is ever cancelled here, so `cancelled()` is false.
 */
export interface Status {
  readonly success: boolean;
  readonly failure: boolean;
}

const SUCCEEDED: Status = { success: true, failure: false };

/** Evaluates one expression (the text inside `${{ }}`) over the contexts. */
export function evaluate(expression: string, contexts: Contexts, status: Status = SUCCEEDED): Json {
  const functions = [
    { name: 'success', description: '', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status.success) },
    { name: 'failure', description: '', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status.failure) },
    { name: 'always', description: '', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
    { name: 'cancelled', description: '', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(false) },
  ];
  const lexed = new Lexer(expression).lex();
  const parsed = new Parser(lexed.tokens, Object.keys(contexts), functions).parse();
  const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  const result = new Evaluator(parsed, context, new Map(functions.map((f) => [f.name, f]))).evaluate();
  return JSON.parse(JSON.stringify(result, data.replacer)) as Json;
}

/** The string a `${{ }}` value becomes where a string is expected (GitHub's coercion). */
function asString(value: Json): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Expands every `${{ }}` in a string; a value that is one whole expression keeps its type. */
export function expand(template: unknown, contexts: Contexts): Json {
  if (typeof template !== 'string') return template;
  const whole = /^\$\{\{([\s\S]*?)\}\}$/.exec(template.trim());
  if (whole && !whole[1]!.includes('}}')) return evaluate(whole[1]!, contexts);
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => asString(evaluate(expression, contexts)));
}

function expandString(template: unknown, contexts: Contexts): string {
  return asString(expand(template, contexts));
}

/**
 * An `if:`: an expression with or without `${{ }}`. Without a status check function GitHub evaluates it
 * as `success() && (…)`, so a job whose ancestor failed or was skipped (or a step after a failed one)
 * does not run unless its `if` names `always()`, `failure()`, `success()` or `cancelled()`.
 */
function condition(text: unknown, contexts: Contexts, status: Status): boolean {
  if (text === undefined) return status.success;
  if (typeof text === 'boolean') return text && status.success;
  const expression = String(text)
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const full = STATUS_FUNCTIONS.test(expression) ? expression : `success() && (${expression})`;
  const value = evaluate(full, contexts, status);
  return value !== false && value !== null && value !== 0 && value !== '';
}

/** A job's status for its `if:`: from the results of all its ancestors, not only the direct `needs`. */
function jobStatus(name: string, specs: Record<string, JobSpec>, jobs: Record<string, JobRun>): Status {
  const ancestors = new Set<string>();
  const visit = (job: string) => {
    for (const need of [specs[job]!.needs ?? []].flat()) {
      if (ancestors.has(need)) continue;
      ancestors.add(need);
      visit(need);
    }
  };
  visit(name);
  const results = [...ancestors].map((ancestor) => jobs[ancestor]!.result);
  return { success: results.every((result) => result === 'success'), failure: results.includes('failure') };
}

interface Workflow {
  on?: Record<string, unknown> | string | string[];
  env?: Record<string, unknown>;
  jobs: Record<string, JobSpec>;
}

interface JobSpec {
  needs?: string | string[];
  if?: unknown;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | 'inherit';
  env?: Record<string, unknown>;
  outputs?: Record<string, string>;
  steps?: StepSpec[];
  strategy?: unknown;
}

interface StepSpec {
  id?: string;
  name?: string;
  if?: unknown;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  shell?: string;
  'working-directory'?: string;
  'continue-on-error'?: boolean;
}

/** Reads and runs a workflow file. */
export async function runWorkflowFile(file: string, options: RunnerOptions): Promise<WorkflowRun> {
  return runWorkflow(parse(await readFile(file, 'utf8')) as Workflow, options);
}

/** Runs a parsed workflow. */
export async function runWorkflow(workflow: Workflow, options: RunnerOptions): Promise<WorkflowRun> {
  const logs: string[] = [];
  const jobs: Record<string, JobRun> = {};
  const order = jobOrder(workflow.jobs);
  const inputs = { ...callDefaults(workflow), ...(options.inputs ?? {}) };
  for (const name of order) {
    const spec = workflow.jobs[name]!;
    const needs = [spec.needs ?? []].flat();
    const needsContext = Object.fromEntries(needs.map((n) => [n, { result: jobs[n]!.result, outputs: jobs[n]!.outputs }]));
    const contexts: Contexts = {
      github: options.github,
      inputs,
      secrets: options.secrets ?? {},
      vars: options.vars ?? {},
      needs: needsContext,
      env: {},
    };
    contexts['env'] = expandMap(workflow.env, contexts);
    if (options.skipJobs?.includes(name) || !condition(spec.if, contexts, jobStatus(name, workflow.jobs, jobs))) {
      jobs[name] = { result: 'skipped', outputs: {}, steps: [] };
      logs.push(`[${name}] skipped`);
      continue;
    }
    if (spec.strategy !== undefined) throw new Error(`job ${name}: strategy/matrix is not supported by this runner`);
    const run = spec.uses ? await callWorkflow(name, spec, contexts, options) : await runJob(name, spec, contexts, options);
    jobs[name] = run;
    logs.push(run.called ? run.called.log : run.steps.map((s) => s.log).join(''));
  }
  const result = Object.values(jobs).some((job) => job.result === 'failure') ? 'failure' : 'success';
  const outputs: Record<string, string> = {};
  const call =
    typeof workflow.on === 'object' && !Array.isArray(workflow.on)
      ? (workflow.on['workflow_call'] as { outputs?: Record<string, { value: string }> } | null)
      : undefined;
  for (const [name, output] of Object.entries(call?.outputs ?? {})) {
    outputs[name] = expandString(output.value, {
      jobs: Object.fromEntries(Object.entries(jobs).map(([n, j]) => [n, { result: j.result, outputs: j.outputs }])),
    });
  }
  return { result, jobs, outputs, log: logs.join('') };
}

/** `workflow_call`/`workflow_dispatch` input defaults. */
function callDefaults(workflow: Workflow): Record<string, string | boolean | number> {
  const on = typeof workflow.on === 'object' && !Array.isArray(workflow.on) ? workflow.on : {};
  const declared = {
    ...((on['workflow_dispatch'] as { inputs?: object } | null)?.inputs ?? {}),
    ...((on['workflow_call'] as { inputs?: object } | null)?.inputs ?? {}),
  } as Record<string, { default?: string | boolean | number; type?: string }>;
  const defaults: Record<string, string | boolean | number> = {};
  for (const [name, input] of Object.entries(declared)) {
    defaults[name] = input.default ?? (input.type === 'boolean' ? false : input.type === 'number' ? 0 : '');
  }
  return defaults;
}

/** Jobs in an order that respects `needs` (a cycle or an unknown job fails the run, as GitHub refuses it). */
function jobOrder(jobs: Record<string, JobSpec>): string[] {
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (order.includes(name)) return;
    if (path.includes(name)) throw new Error(`jobs form a cycle: ${[...path, name].join(' → ')}`);
    const job = jobs[name];
    if (!job) throw new Error(`job ${path.at(-1)} needs unknown job ${name}`);
    for (const need of [job.needs ?? []].flat()) visit(need, [...path, name]);
    order.push(name);
  };
  for (const name of Object.keys(jobs)) visit(name, []);
  return order;
}

function expandMap(map: Record<string, unknown> | undefined, contexts: Contexts): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([key, value]) => [key, expandString(value, contexts)]));
}

/** A job that calls a reusable workflow: `uses: ./.github/workflows/x.yml` or `acme/baton/.github/workflows/x.yml@ref`. */
async function callWorkflow(name: string, spec: JobSpec, contexts: Contexts, options: RunnerOptions): Promise<JobRun> {
  const uses = spec.uses!;
  const local = /^\.\/(\.github\/workflows\/[\w.-]+\.ya?ml)$/.exec(uses)?.[1];
  const remote = new RegExp(`^${BATON_REPOSITORY}/(\\.github/workflows/[\\w.-]+\\.ya?ml)@[\\w.-]+$`).exec(uses)?.[1];
  if (!local && !remote) throw new Error(`job ${name}: reusable workflow ${uses} is not one this runner has`);
  const called = parse(await readFile(join(ROOT, (local ?? remote)!), 'utf8')) as Workflow;
  const declared = ((
    called.on as Record<
      string,
      { inputs?: Record<string, { type?: string; required?: boolean }>; secrets?: Record<string, { required?: boolean }> }
    >
  )['workflow_call'] ?? {}) as {
    inputs?: Record<string, { type?: string; required?: boolean }>;
    secrets?: Record<string, { required?: boolean }>;
  };
  const given = Object.fromEntries(Object.entries(spec.with ?? {}).map(([key, value]) => [key, expand(value, contexts)]));
  for (const key of Object.keys(given)) if (!declared.inputs?.[key]) throw new Error(`job ${name}: ${uses} has no input ${key}`);
  for (const [key, input] of Object.entries(declared.inputs ?? {})) {
    if (input.required && given[key] === undefined) throw new Error(`job ${name}: input ${key} is required by ${uses}`);
  }
  const secrets = spec.secrets === 'inherit' ? { ...(options.secrets ?? {}) } : expandMap(spec.secrets, contexts);
  for (const key of Object.keys(secrets))
    if (spec.secrets !== 'inherit' && !declared.secrets?.[key]) throw new Error(`job ${name}: ${uses} has no secret ${key}`);
  for (const [key, secret] of Object.entries(declared.secrets ?? {})) {
    if (secret.required && !secrets[key]) throw new Error(`job ${name}: secret ${key} is required by ${uses}`);
  }
  const run = await runWorkflow(called, { ...options, inputs: given as Record<string, string>, secrets, skipJobs: options.skipJobs });
  return { result: run.result, outputs: run.outputs, steps: [], called: run };
}

/** One job on a fresh workspace: steps in order, outputs from `outputs:`. */
async function runJob(name: string, spec: JobSpec, base: Contexts, options: RunnerOptions): Promise<JobRun> {
  const temp = await mkdtemp(join(tmpdir(), `baton-job-${name}-`));
  const workspace = join(temp, 'workspace');
  const runnerTemp = join(temp, 'temp');
  await mkdir(workspace);
  await mkdir(runnerTemp);
  try {
    const steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
    const runs: StepRun[] = [];
    let jobEnv: Record<string, string> = { ...(base['env'] as Record<string, string>) };
    const runner = { os: 'Linux', arch: 'X64', temp: runnerTemp, tool_cache: join(temp, 'tools') };
    const contexts = (): Contexts => ({ ...base, env: jobEnv, steps, runner, job: { status: failed ? 'failure' : 'success' } });
    let failed = false;
    jobEnv = { ...jobEnv, ...expandMap(spec.env, contexts()) };
    let addedEnv: Record<string, string> = {};
    for (const [index, step] of (spec.steps ?? []).entries()) {
      const id = step.id ?? `__${index}`;
      const stepContexts = { ...contexts(), env: { ...jobEnv, ...addedEnv } };
      if (!condition(step.if, stepContexts, { success: !failed, failure: failed })) {
        steps[id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
        runs.push({ id, outcome: 'skipped', outputs: {}, log: '', summary: '' });
        continue;
      }
      const env = { ...jobEnv, ...addedEnv, ...expandMap(step.env, stepContexts) };
      const envContexts = { ...stepContexts, env };
      const run = await runStep(step, id, envContexts, env, { workspace, runnerTemp, options, job: name });
      addedEnv = { ...addedEnv, ...run.addedEnv };
      const outcome = run.code === 0 ? 'success' : 'failure';
      steps[id] = { outputs: run.outputs, outcome, conclusion: outcome === 'failure' && step['continue-on-error'] ? 'success' : outcome };
      runs.push({ id, outcome, outputs: run.outputs, log: run.log, summary: run.summary });
      if (outcome === 'failure' && !step['continue-on-error']) failed = true;
    }
    // A failed job's outputs are what its steps set before failing; jobs that run after it see them.
    const outputs = expandMap(spec.outputs, contexts());
    return { result: failed ? 'failure' : 'success', outputs, steps: runs };
  } finally {
    stopJobProcesses(workspace);
    await rm(temp, { recursive: true, force: true });
  }
}

interface StepPlace {
  readonly workspace: string;
  readonly runnerTemp: string;
  readonly options: RunnerOptions;
  readonly job: string;
}

interface StepResult {
  readonly code: number;
  readonly outputs: Record<string, string>;
  readonly addedEnv: Record<string, string>;
  readonly log: string;
  readonly summary: string;
}

/** The variables the runner sets for every step. */
function runnerVariables(place: StepPlace, contexts: Contexts): Record<string, string> {
  const github = place.options.github as Record<string, string>;
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? place.runnerTemp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: place.workspace,
    GITHUB_JOB: place.job,
    GITHUB_REPOSITORY: github['repository'] ?? '',
    GITHUB_REPOSITORY_OWNER: (github['repository'] ?? '').split('/')[0] ?? '',
    GITHUB_SHA: github['sha'] ?? '',
    GITHUB_REF: github['ref'] ?? '',
    GITHUB_REF_NAME: github['ref_name'] ?? '',
    GITHUB_REF_TYPE: github['ref_type'] ?? 'branch',
    GITHUB_ACTOR: github['actor'] ?? '',
    GITHUB_EVENT_NAME: github['event_name'] ?? '',
    GITHUB_SERVER_URL: github['server_url'] ?? '',
    GITHUB_API_URL: github['api_url'] ?? '',
    GITHUB_RUN_ID: String(github['run_id'] ?? ''),
    GITHUB_RUN_NUMBER: String(github['run_number'] ?? ''),
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: (contexts['runner'] as { temp: string }).temp,
    ...(place.options.runnerEnv ?? {}),
  };
}

async function runStep(step: StepSpec, id: string, contexts: Contexts, env: Record<string, string>, place: StepPlace): Promise<StepResult> {
  const files = {
    output: join(place.runnerTemp, `${id}.output`),
    summary: join(place.runnerTemp, `${id}.summary`),
    env: join(place.runnerTemp, `${id}.env`),
    event: join(place.runnerTemp, 'event.json'),
  };
  await Promise.all([
    writeFile(files.output, ''),
    writeFile(files.summary, ''),
    writeFile(files.env, ''),
    writeFile(files.event, JSON.stringify(place.options.event ?? {})),
  ]);
  const childEnv = {
    ...runnerVariables(place, contexts),
    ...env,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_EVENT_PATH: files.event,
  };
  const label = `[${place.job}] ${step.name ?? step.uses ?? step.run?.split('\n')[0]}`;
  let code: number;
  let log: string;
  if (step.run !== undefined) {
    if (step.shell && step.shell !== 'bash') throw new Error(`${label}: shell ${step.shell} is not supported by this runner`);
    const script = join(place.runnerTemp, `${id}.sh`);
    await writeFile(script, expandString(step.run, contexts));
    const cwd = step['working-directory'] ? resolve(place.workspace, expandString(step['working-directory'], contexts)) : place.workspace;
    ({ code, log } = await spawnLogged('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], cwd, childEnv, place.workspace));
  } else if (step.uses) {
    const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, expandString(value, contexts)]));
    ({ code, log } = await runUses(step.uses, inputs, contexts, childEnv, place));
  } else {
    throw new Error(`${label}: a step needs run or uses`);
  }
  const outputs = parseGithubOutput(await readFile(files.output, 'utf8'));
  const addedEnv = parseGithubOutput(await readFile(files.env, 'utf8'));
  return { code, outputs, addedEnv, log: `${label}\n${log}`, summary: await readFile(files.summary, 'utf8') };
}

/** A `uses:` step: one of Baton's node actions from its action.yml, or a stand-in. */
async function runUses(
  uses: string,
  inputs: Record<string, string>,
  contexts: Contexts,
  env: Record<string, string>,
  place: StepPlace,
): Promise<{ code: number; log: string }> {
  const local = /^\.\/(.+)$/.exec(uses)?.[1];
  const baton = new RegExp(`^${BATON_REPOSITORY}/(actions/[\\w-]+)@[\\w.-]+$`).exec(uses)?.[1];
  if (local || baton) {
    const dir = local ? join(place.workspace, local) : join(ROOT, baton!);
    return runNodeAction(dir, inputs, contexts, env, place);
  }
  const standIn = place.options.actions?.[uses.replace(/@.*$/, '')];
  if (!standIn) throw new Error(`[${place.job}] ${uses}: not an action this runner has (give a stand-in in options.actions)`);
  const lines: string[] = [];
  const outputs = await standIn({ with: inputs, workspace: place.workspace, env, log: (line) => lines.push(line) });
  if (outputs)
    await writeFile(
      env['GITHUB_OUTPUT']!,
      Object.entries(outputs)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
  return { code: 0, log: lines.map((line) => `${line}\n`).join('') };
}

interface ActionMetadata {
  inputs?: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; main: string };
}

/** A node action as the runner runs it: its defaults for inputs not given, then `node <main>`. */
async function runNodeAction(
  dir: string,
  given: Record<string, string>,
  contexts: Contexts,
  env: Record<string, string>,
  place: StepPlace,
): Promise<{ code: number; log: string }> {
  const metadata = parse(await readFile(join(dir, 'action.yml'), 'utf8')) as ActionMetadata;
  if (metadata.runs.using !== 'node24') throw new Error(`${dir}: runs.using ${metadata.runs.using}; the runner here runs node24`);
  for (const key of Object.keys(given)) {
    if (!metadata.inputs?.[key])
      throw new Error(`${dir}: unexpected input "${key}" (the runner warns; Baton's workflows must not pass it)`);
  }
  const childEnv = { ...env };
  for (const [name, input] of Object.entries(metadata.inputs ?? {})) {
    const value = given[name] ?? (input.default === undefined ? undefined : expandString(input.default, contexts));
    if (value !== undefined) childEnv[inputVariable(name)] = value;
  }
  return spawnLogged(process.execPath, [resolve(dir, metadata.runs.main)], place.workspace, childEnv, place.workspace);
}

export { checkoutStandIn, type CheckoutOptions } from './workflow-stand-ins.ts';
