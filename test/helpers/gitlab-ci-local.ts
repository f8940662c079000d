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
 * Makes a project with `.gitlab-ci.yml` = `pipeline`, the templates under `templates/`, and CI/CD
 * variables (masked ones included) in `.gitlab-ci-local-variables.yml`, then runs gitlab-ci-local.
 */
export async function runPipeline(pipeline: unknown, variables: Record<string, string> = {}): Promise<PipelineRun> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-glci-'));
  const project = join(dir, 'project');
  const bin = join(dir, 'bin');
  await mkdir(project);
  await mkdir(bin);
  await cp(join(ROOT, 'templates'), join(project, 'templates'), { recursive: true });
  await writeFile(join(project, '.gitlab-ci.yml'), stringify(pipeline));
  await writeFile(join(project, '.gitlab-ci-local-variables.yml'), stringify(variables));
  await writeFile(join(bin, 'baton'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/cli/index.cjs')}" "$@"\n`);
  await chmod(join(bin, 'baton'), 0o755);
  const env = { PATH: `${bin}:${process.env['PATH']}`, HOME: process.env['HOME'] ?? dir };
  const git = (...args: string[]) => run('git', args, project, env);
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', 'commit', '-qm', 'pipeline');
  await git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/app.git');
  const tool = join(ROOT, 'node_modules/.bin/gitlab-ci-local');
  const result = await run(tool, ['--force-shell-executor', '--shell-isolation', '--no-color'], project, env);
  return {
    ...result,
    artifact: (job, path) => readFile(join(project, '.gitlab-ci-local/artifacts', job, path), 'utf8').catch(() => undefined),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
