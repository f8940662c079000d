/**
 * Runs a dist bundle the way the GitHub runner runs a `node24` action: `INPUT_<NAME>` variables,
 * `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_EVENT_PATH` files, and reads back what it wrote.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The root of the repository (for dist/ and templates/). */
export const ROOT = join(import.meta.dirname, '../..');

/** What one action run produced. */
export interface ActionRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

/** Parses the `GITHUB_OUTPUT` file format (`name<<DELIM` … `DELIM`, or `name=value`). */
export function parseGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      outputs[heredoc[1]!] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

/** The runner's name for an input's variable: spaces become `_`, upper case, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Runs `dist/<step>/index.cjs` with inputs as the runner would (defaults are the runner's job too). */
export async function runAction(
  step: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  event: unknown = {},
  /** The script to run instead of the bundle, e.g. `src/entry/<step>.ts` (Node runs TypeScript). */
  script: string = join(ROOT, 'dist', step, 'index.cjs'),
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-runner-'));
  try {
    const files = { output: join(dir, 'output'), summary: join(dir, 'summary'), event: join(dir, 'event.json') };
    await writeFile(files.output, '');
    await writeFile(files.summary, '');
    await writeFile(files.event, JSON.stringify(event));
    const childEnv: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? dir,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_WORKSPACE: dir,
      ...env,
    };
    for (const [name, value] of Object.entries(inputs)) childEnv[inputVariable(name)] = value;
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [script], { cwd: dir, env: childEnv });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      child.on('error', reject);
      child.on('close', (status) => resolve({ code: status ?? 1, stdout: out, stderr: err }));
    });
    return {
      code,
      stdout,
      stderr,
      outputs: parseGithubOutput(await readFile(files.output, 'utf8')),
      summary: await readFile(files.summary, 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One workflow command the runner would act on: its name and the whole line. */
export interface WorkflowCommand {
  readonly name: string;
  readonly line: string;
}

/**
 * The workflow commands the GitHub runner would act on in a step's output: lines that start with `::`
 * after blanks (`::name props::data`) or hold `##[name]` (the older form), split at `\n`, `\r\n` and a
 * lone `\r` as the runner reads lines, skipping what lies between `::stop-commands::<token>` and
 * `::<token>::`.
 */
export function workflowCommands(output: string): WorkflowCommand[] {
  const found: WorkflowCommand[] = [];
  let stopped: string | undefined;
  for (const line of output.split(/\r\n|\r|\n/)) {
    const text = line.trimStart();
    if (stopped !== undefined) {
      if (text === `::${stopped}::`) stopped = undefined;
      continue;
    }
    const v2 = /^::([A-Za-z-]+)[ :]/.exec(text);
    const v1 = /##\[([A-Za-z-]+)/.exec(line);
    const name = v2?.[1] ?? v1?.[1];
    if (name === undefined) continue;
    if (name === 'stop-commands') stopped = text.slice('::stop-commands::'.length);
    found.push({ name, line });
  }
  return found;
}
