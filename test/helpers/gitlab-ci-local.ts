/**
 * Runs a GitLab pipeline with gitlab-ci-local (shell executor) in a scratch project that includes Baton's
 * components from templates/, with `baton` on PATH running dist/cli, as a job image would provide it.
 */
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ROOT } from './runner.ts';

/** What a pipeline run left behind. */
export interface PipelineRun {
  readonly code: number;
  readonly output: string;
  /** Reads a file a job left as an artifact: `.gitlab-ci-local/artifacts/<job>/<path>`. */
  artifact(job: string, path: string): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * `include: local: templates/<name>.yml` becomes the include GitLab recommends for testing a component
 * in its own project, `component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/<name>@$CI_COMMIT_SHA`. Why: the
 * templates read `$[[ component.sha ]]` (their job image), which only a component include defines; a
 * local include of the same file is rejected, by GitLab as by gitlab-ci-local.
 */
export function asComponentIncludes(pipeline: unknown): unknown {
  if (typeof pipeline !== 'object' || pipeline === null || !('include' in pipeline)) return pipeline;
  const includes = (pipeline as { include: unknown }).include;
  const rewrite = (entry: unknown): unknown => {
    if (typeof entry !== 'object' || entry === null || !('local' in entry)) return entry;
    const { local, ...rest } = entry as { local: string };
    const name = /^\/?templates\/([\w-]+)\.yml$/.exec(local)?.[1];
    return name ? { component: `$CI_SERVER_FQDN/$CI_PROJECT_PATH/${name}@$CI_COMMIT_SHA`, ...rest } : entry;
  };
  return { ...pipeline, include: Array.isArray(includes) ? includes.map(rewrite) : rewrite(includes) };
}

/** Where the scratch project lives and what it holds besides the pipeline. */
export interface PipelineProject {
  /** The project's `origin` (GitLab's server URL and project path come from it); default `https://gitlab.example.com/acme/app.git`. */
  readonly origin?: string;
  /** A directory whose files become the project's (an app to build), besides templates/. */
  readonly files?: string;
}

/**
 * Makes a project with `.gitlab-ci.yml` = `pipeline`, the templates under `templates/`, and CI/CD
 * variables (masked ones included) in `.gitlab-ci-local-variables.yml`, then runs gitlab-ci-local with
 * `args` added (e.g. `--manual <job>` to press play on a manual job).
 * Templates included as `local:` files are included as components of the project (see
 * {@link asComponentIncludes}).
 */
export async function runPipeline(
  pipeline: unknown,
  variables: Record<string, string> = {},
  args: readonly string[] = [],
  options: PipelineProject = {},
): Promise<PipelineRun> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-glci-'));
  const project = join(dir, 'project');
  const bin = join(dir, 'bin');
  await mkdir(project);
  await mkdir(bin);
  if (options.files) await cp(options.files, project, { recursive: true });
  await cp(join(ROOT, 'templates'), join(project, 'templates'), { recursive: true });
  // A pipeline given as text is written as it is (the README's, verbatim); an object goes through YAML.
  await writeFile(join(project, '.gitlab-ci.yml'), typeof pipeline === 'string' ? pipeline : stringify(asComponentIncludes(pipeline)));
  await writeFile(join(project, '.gitlab-ci-local-variables.yml'), stringify(variables));
  await writeFile(join(bin, 'baton'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/cli/index.cjs')}" "$@"\n`);
  await chmod(join(bin, 'baton'), 0o755);
  const env = { PATH: `${bin}:${process.env['PATH']}`, HOME: process.env['HOME'] ?? dir };
  const git = (...args: string[]) => run('git', args, project, env);
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', 'commit', '-qm', 'pipeline');
  await git('remote', 'add', 'origin', options.origin ?? 'https://gitlab.example.com/acme/app.git');
  const tool = join(ROOT, 'node_modules/.bin/gitlab-ci-local');
  const result = await run(tool, ['--force-shell-executor', '--shell-isolation', '--no-color', ...args], project, env);
  return {
    ...result,
    artifact: (job, path) => readFile(join(project, '.gitlab-ci-local/artifacts', job, path), 'utf8').catch(() => undefined),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
