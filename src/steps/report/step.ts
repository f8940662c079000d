/**
 * The report step: reads the env repo's whole history (commits, trailers, verification notes, holds)
 * and writes a static site, index.html and report.json, plus the matrix and a Mermaid timeline in the
 * job summary. No server and nothing fetched at view time: publish the directory with any static host.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GitHistory } from '../../adapters/git/full-history.ts';
import { CONFIG_FILE, parseEnvRepoConfig, pickEnvironments } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { statusMatrix } from '../../core/history/status.ts';
import { repoLinks } from '../../core/report/links.ts';
import { reportModel } from '../../core/report/model.ts';
import { reportPage } from '../../core/report/page.ts';
import { reportMarkdown } from '../../core/report/summary.ts';
import { reportSpec } from '../../specs/report.ts';
import type { InputsOf } from '../../specs/types.ts';
import { remoteOf } from '../shared/identity.ts';
import { defineStep, type Step, type StepContext, type StepResult } from '../shared/types.ts';
import { type HistorySource, readEnvironments } from './read.ts';

/** The checked inputs of report. */
export interface ReportInputs {
  readonly repo: string;
  readonly envs: readonly string[];
  readonly out: string;
  readonly title: string;
  readonly forge: 'auto' | 'github' | 'gitlab';
  readonly token?: string;
}

/** A clone the report reads, with its root's baton.yaml. */
export interface ReportSource extends HistorySource {
  readFile(branch: string, path: string): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

/** The side effects of report, injectable for tests. */
export interface ReportDeps {
  open(remote: ReturnType<typeof remoteOf>, options: { parent?: string; log: (line: string) => void }): Promise<ReportSource>;
  /** Milliseconds since the epoch (ages, the page's date). */
  now(): number;
}

/** The real side effects: a bare clone under RUNNER_TEMP (or the OS temp dir), the system clock. */
export function defaultReportDeps(env: Readonly<Record<string, string | undefined>> = process.env): ReportDeps {
  return {
    open: (remote, options) => GitHistory.open(remote, { ...options, ...(env['RUNNER_TEMP'] ? { parent: env['RUNNER_TEMP'] } : {}) }),
    now: () => Date.now(),
  };
}

/** Checks report's inputs. */
export function reportInputs(values: InputsOf<typeof reportSpec>): ReportInputs {
  const { repo, out, title, forge, token } = values;
  if (!out) throw new UserError('out: give the directory the site is written to.', { input: 'out' });
  return { repo, envs: values.env, out, title, forge, ...(token ? { token } : {}) };
}

/** Runs report with checked inputs. */
export async function runReport(inputs: ReportInputs, deps: ReportDeps, context: StepContext): Promise<StepResult> {
  const source = await deps.open(remoteOf(inputs, context.env), { log: () => {} });
  try {
    const text = await source.readFile(source.defaultBranch, CONFIG_FILE);
    if (text === undefined)
      throw new UserError(`repo: report needs ${CONFIG_FILE} at the env repo root naming the environments.`, { input: 'repo' });
    const config = parseEnvRepoConfig(text);
    const envs = pickEnvironments(config, inputs.envs);
    const read = await readEnvironments(source, envs, { ...config.policies });
    const nowMs = deps.now();
    const matrix = statusMatrix(
      read.map((r) => r.reading),
      nowMs,
    );
    const model = reportModel(read.map((r) => r.input));
    const generated = new Date(nowMs).toISOString();
    const page = reportPage({
      title: inputs.title,
      repo: inputs.repo.replace(/\/\/[^/@]*@/, '//'),
      generated,
      nowMs,
      matrix,
      model,
      links: repoLinks(inputs.repo, inputs.forge),
    });
    const dir = resolve(context.cwd, inputs.out);
    await mkdir(dir, { recursive: true });
    const index = resolve(dir, 'index.html');
    await writeFile(index, page);
    await writeFile(
      resolve(dir, 'report.json'),
      `${JSON.stringify({ generated, matrix, metrics: model.metrics, promotion: model.promotion, deploys: model.deploys }, null, 1)}\n`,
    );
    const deployments = Object.values(model.deploys).reduce((n, list) => n + list.filter((d) => d.kind !== 'rollback').length, 0);
    context.log.info(`report: ${deployments} deployment(s) over ${envs.length} environment(s) written to ${index}`);
    for (const env of matrix.environments.filter((e) => e.error)) context.log.warn(`${env.name}: ${env.error}`);
    return {
      outputs: { page: index, matrix: JSON.stringify(matrix), metrics: JSON.stringify(model.metrics), deployments: String(deployments) },
      summary: reportMarkdown(
        matrix,
        model,
        `The whole report: \`${inputs.out}/index.html\` (publish the directory with GitHub Pages or GitLab Pages).`,
      ),
      annotations: [],
    };
  } finally {
    await source.cleanup();
  }
}

/** Creates the report step with its side effects. */
export function reportStep(deps: ReportDeps): Step {
  return defineStep(reportSpec, (values, context) => runReport(reportInputs(values), deps, context));
}
