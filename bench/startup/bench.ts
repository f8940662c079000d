/**
 * How long each command takes to start and answer, against bare `node -e 0` measured in the same run:
 * `baton --help`, `baton --version`, `baton <step> --help` for every step, and every action bundle
 * `dist/<step>/index.cjs` refusing bad input (exit 2) the way the runner starts it: with no `INPUT_*` at
 * all, and with a boolean or choice input set to nonsense. Runs the committed dist/ (run `npm run build` first to measure a change).
 * Prints the median wall time of several runs and the difference and ratio to bare node; asserts nothing.
 * `--dist DIR` (repeatable) measures other builds (e.g. `git archive <commit> dist | tar -x -C DIR`, or
 * `node scripts/build.ts --out DIR`): a before and an after measured in the same, interleaved run.
 *
 *   node bench/startup/bench.ts [--runs 9] [--dist DIR]...
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cliOnlySpecs, stepSpecs } from '../../src/specs/index.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, dist: { type: 'string', multiple: true } } });
const RUNS = Math.max(1, Number(values.runs));
const DISTS = (values.dist?.length ? values.dist : [join(import.meta.dirname, '../../dist')]).map((dir) => resolve(dir));

interface Case {
  readonly label: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  /** The exit code a correct run gives; a case that answers otherwise is reported, not timed silently. */
  readonly code: number;
}

/** The environment a GitHub runner gives a `node24` action, without any `INPUT_*`. */
function runnerEnv(dir: string): Record<string, string> {
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary'), event: join(dir, 'event.json') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(files.event, '{}');
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_WORKSPACE: dir,
  };
}

/** The environment of a shell: PATH and HOME only, so no runner or proxy variable changes a run. */
function plainEnv(dir: string): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', HOME: dir };
}

/** Wall time in milliseconds of one `node <args>`, and its exit code. */
function runOnce(test: Case, cwd: string): { ms: number; code: number | null } {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, test.args, { cwd, env: test.env ?? plainEnv(cwd), encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, code: child.status };
}

/**
 * Median wall time of each case. Runs go round-robin over the cases (after one unmeasured warm-up
 * round), so a machine that gets busier or quieter during the bench affects every case alike.
 */
function measureAll(cases: readonly Case[], cwd: string): { median: number; code: number | null }[] {
  const times = cases.map(() => [] as number[]);
  const codes: (number | null)[] = cases.map(() => null);
  for (let run = 0; run <= RUNS; run++) {
    cases.forEach((test, index) => {
      const { ms, code } = runOnce(test, cwd);
      codes[index] = code;
      if (run > 0) times[index]!.push(ms);
    });
  }
  return times.map((list, index) => {
    list.sort((a, b) => a - b);
    return { median: list[Math.floor(list.length / 2)]!, code: codes[index]! };
  });
}

/** The cases of one build: the `baton` command and every action bundle. */
function casesOf(dist: string, env: Record<string, string>, dir: string): Case[] {
  const cli = join(dist, 'cli/index.cjs');
  const cases: Case[] = [
    { label: 'baton --help', args: [cli, '--help'], code: 0 },
    { label: 'baton --version', args: [cli, '--version'], code: 0 },
    // Why: the command turns on Node's compile cache, so repeated runs above are warm; a fresh runner is not.
    {
      label: 'baton --help (no compile cache)',
      args: [cli, '--help'],
      env: { ...plainEnv(dir), NODE_DISABLE_COMPILE_CACHE: '1' },
      code: 0,
    },
    {
      label: 'baton bump --help (no cache)',
      args: [cli, 'bump', '--help'],
      env: { ...plainEnv(dir), NODE_DISABLE_COMPILE_CACHE: '1' },
      code: 0,
    },
  ];
  for (const spec of [...stepSpecs, ...cliOnlySpecs])
    cases.push({ label: `baton ${spec.name} --help`, args: [cli, spec.name, '--help'], code: 0 });
  for (const entry of readdirSync(dist).sort()) {
    const bundle = join(dist, entry, 'index.cjs');
    if (entry === 'cli' || !existsSync(bundle)) continue;
    cases.push({ label: `dist/${entry} no inputs`, args: [bundle], env, code: 2 });
    // A value the spec refuses (a boolean or a choice given nonsense), as a typo in a workflow would be.
    const typed = [...stepSpecs, ...cliOnlySpecs]
      .find((spec) => spec.name === entry)
      ?.inputs.find((input) => input.type === 'boolean' || input.type === 'enum');
    if (typed) {
      const variable = `INPUT_${typed.name.replace(/ /g, '_').toUpperCase()}`;
      cases.push({ label: `dist/${entry} bad ${typed.name}`, args: [bundle], env: { ...env, [variable]: 'not-a-choice' }, code: 2 });
    }
  }
  return cases;
}

const dir = mkdtempSync(join(tmpdir(), 'baton-startup-'));
try {
  const env = runnerEnv(dir);
  const bareNode: Case = { label: 'node -e 0', args: ['-e', '0'], code: 0 };
  const perDist = DISTS.map((dist) => casesOf(dist, env, dir));
  const results = measureAll([bareNode, ...perDist.flat()], dir);
  const bare = results[0]!.median;
  let offset = 1;
  for (const [index, cases] of perDist.entries()) {
    console.log(`\n${DISTS[index]}: median of ${RUNS} run(s), wall time in ms`);
    console.log(`${'command'.padEnd(36)} ${'median'.padStart(8)} ${'- node'.padStart(8)} ${'x node'.padStart(7)}`);
    console.log(`${'node -e 0'.padEnd(36)} ${bare.toFixed(0).padStart(8)} ${'0'.padStart(8)} ${'1.00'.padStart(7)}`);
    for (const test of cases) {
      const { median, code } = results[offset++]!;
      const note = code === test.code ? '' : `   (exit ${code}, expected ${test.code})`;
      console.log(
        `${test.label.padEnd(36)} ${median.toFixed(0).padStart(8)} ${(median - bare).toFixed(0).padStart(8)} ` +
          `${(median / bare).toFixed(2).padStart(7)}${note}`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
