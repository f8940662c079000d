/**
 * How long the report takes on a year of an env repo's history: about 2,000 deploys over dev, staging
 * and production with verdict notes, rollbacks and holds (generated with git fast-import), served by the
 * smart-HTTP test server. Each run is the whole step the way CI runs it: clone, read every path's
 * history and notes, compute, write the page. The goal is under 5 s. Prints each run, the median and
 * the CPU used; asserts nothing.
 *
 *   node bench/report/bench.ts [--runs 3] [--days 365]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultReportDeps, reportStep } from '../../src/steps/report/step.ts';
import { startGitServer } from '../../test/helpers/git-server.ts';
import { runInMemory } from '../../test/helpers/memory-platform.ts';
import { generateReportHistory } from '../../test/helpers/report-history.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, days: { type: 'string', default: '365' } } });
const RUNS = Math.max(1, Number(values.runs));
const TOKEN = 'bench-token';

const server = await startGitServer({ users: { 'x-access-token': TOKEN } });
const work = await mkdtemp(join(tmpdir(), 'baton-report-bench-'));
try {
  const generating = performance.now();
  const history = await generateReportHistory({ dir: join(server.root, 'env.git'), days: Number(values.days) });
  const deploys = history.commits.filter((c) => c.kind === 'deploy' || c.kind === 'promotion').length;
  console.log(
    `history: ${history.commits.length} commits (${deploys} deploys and promotions), ${history.verdicts.length} verdicts, generated ` +
      `in ${Math.round(performance.now() - generating)} ms`,
  );
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await runInMemory(reportStep({ ...defaultReportDeps({}), now: () => history.end }), {
      repo: server.url('env'),
      token: TOKEN,
      out: join(work, 'site'),
    });
    const ms = performance.now() - started;
    if (result.code !== 0) throw new Error(`report failed: ${result.error}`);
    const used = process.cpuUsage(cpu);
    times.push(ms);
    const size = (await stat(join(work, 'site/index.html'))).size;
    console.log(
      `run ${run}: ${Math.round(ms)} ms (this process's CPU ${Math.round((used.user + used.system) / 1000)} ms; git runs in child ` +
        `processes), page ${Math.round(size / 1024)} KiB`,
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ms over ${RUNS} run(s) (goal: under 5000 ms)`);
} finally {
  await server.stop();
  await rm(work, { recursive: true, force: true });
}
