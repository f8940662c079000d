/**
 * The report over a real smart-HTTP git server, from a generated year of an env repo (about 2,000
 * deploys over dev, staging and production, with failed verdicts, rollbacks, holds and releases): the
 * metrics are checked against values computed here from what the generator applied (not from git), and
 * the page is opened in Debian's headless Chromium at desktop and phone widths: the matrix cells, the
 * chart bars and the timelines are there, nothing is fetched but the file itself, and no console errors.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import type { StatusMatrix } from '../../../src/core/history/status.ts';
import type { MonthMetrics } from '../../../src/core/report/model.ts';
import { defaultReportDeps, reportStep } from '../../../src/steps/report/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { type MemoryRun, runInMemory } from '../../helpers/memory-platform.ts';
import { type GeneratedHistory, generateReportHistory, REPORT_ENVS, REPORT_IMAGES } from '../../helpers/report-history.ts';

const USER = 'x-access-token';
const TOKEN = 'report-token-5f1e0';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The metrics, computed straight from the generator's record of what it applied. */
function expectedMetrics(history: GeneratedHistory): Record<string, MonthMetrics[]> {
  interface State {
    time: number;
    kind: string;
    keys: string[];
    verdicts: { time: number; status: string }[];
    rolledBack: boolean;
    commit: string;
  }
  const states = new Map<string, State[]>(REPORT_ENVS.map((env) => [env, []]));
  const firstSeen = new Map<string, number>();
  const log = [
    ...history.commits.map((c) => ({ ...c, type: 'commit' as const })),
    ...history.verdicts.map((v) => ({ ...v, type: 'verdict' as const })),
  ].sort((a, b) => a.seq - b.seq);
  for (const entry of log) {
    const list = states.get(entry.env)!;
    if (entry.type === 'verdict') {
      list.at(-1)!.verdicts.push({ time: entry.time, status: entry.status });
      continue;
    }
    if (entry.kind === 'release') continue;
    const key = `${entry.image}@${entry.version}`;
    firstSeen.set(key, Math.min(firstSeen.get(key) ?? Number.POSITIVE_INFINITY, entry.time));
    if (list.at(-1)?.commit === entry.commit) {
      list.at(-1)!.keys.push(key);
      continue;
    }
    if (entry.kind === 'rollback') list.at(-1)!.rolledBack = true;
    list.push({ time: entry.time, kind: entry.kind, keys: [key], verdicts: [], rolledBack: false, commit: entry.commit });
  }
  const month = (ms: number) => new Date(ms).toISOString().slice(0, 7);
  const mid = (values: number[]) => {
    if (values.length === 0) return null;
    const s = [...values].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const result: Record<string, MonthMetrics[]> = {};
  for (const [env, list] of states) {
    const byMonth = new Map<string, { n: number; failed: number; leads: number[]; restores: number[]; failures: number }>();
    const at = (m: string) => byMonth.get(m) ?? byMonth.set(m, { n: 0, failed: 0, leads: [], restores: [], failures: 0 }).get(m)!;
    for (const s of list.filter((x) => x.kind !== 'rollback')) {
      const m = at(month(s.time));
      m.n += 1;
      if (s.rolledBack || s.verdicts.some((v) => v.status !== 'healthy')) m.failed += 1;
      const healthy = s.verdicts.find((v) => v.status === 'healthy');
      if (healthy) m.leads.push(healthy.time - Math.min(...s.keys.map((k) => firstSeen.get(k)!)));
    }
    let open: number | undefined;
    for (const v of list.flatMap((s) => s.verdicts).sort((a, b) => a.time - b.time)) {
      if (v.status !== 'healthy' && open === undefined) {
        open = v.time;
        at(month(open)).failures += 1;
      } else if (v.status === 'healthy' && open !== undefined) {
        at(month(open)).restores.push(v.time - open);
        open = undefined;
      }
    }
    result[env] = [...byMonth.keys()].sort().map((m) => {
      const x = byMonth.get(m)!;
      return {
        month: m,
        deployments: x.n,
        leadTimeMs: mid(x.leads),
        changeFailureRate: x.n ? x.failed / x.n : null,
        timeToRestoreMs: mid(x.restores),
        failures: x.failures,
      };
    });
  }
  return result;
}

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('report from a year of history', () => {
  let server: GitServer;
  let history: GeneratedHistory;
  let work: string;
  let run: MemoryRun;
  let browser: Browser;

  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    history = await generateReportHistory({ dir: join(server.root, 'env.git') });
    work = await mkdtemp(join(tmpdir(), 'baton-report-test-'));
    const deps = { ...defaultReportDeps({}), now: () => history.end };
    run = await runInMemory(reportStep(deps), { repo: server.url('env'), token: TOKEN, out: join(work, 'site') });
    assert.equal(run.code, 0, run.error);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('holds about 2,000 deploys, failures and rollbacks among them', () => {
    const deploys = history.commits.filter((c) => c.kind === 'deploy' || c.kind === 'promotion').length;
    assert.ok(deploys > 1800 && deploys < 2300, `${deploys} deploys`);
    assert.ok(history.commits.filter((c) => c.kind === 'rollback').length > 50);
    assert.ok(history.verdicts.filter((v) => v.status === 'failed').length > 100);
    const initial = new Set(history.commits.filter((c) => c.kind === 'initial').map((c) => c.env)).size;
    assert.equal(run.outputs['deployments'], String(deploys + initial));
  });

  it('computes the four metrics per environment and month as counted independently', () => {
    const metrics = JSON.parse(run.outputs['metrics']!) as Record<string, MonthMetrics[]>;
    const expected = expectedMetrics(history);
    for (const env of REPORT_ENVS) {
      assert.ok(expected[env]!.length >= 12, `${env}: a year of months`);
      assert.deepEqual(metrics[env], expected[env], env);
    }
  });

  it('shows every image in every environment at the version last applied', () => {
    const matrix = JSON.parse(run.outputs['matrix']!) as StatusMatrix;
    const last = new Map<string, string>();
    for (const c of [...history.commits].sort((a, b) => a.seq - b.seq))
      if (c.kind !== 'release') last.set(`${c.env} ${c.image}`, c.version);
    assert.deepEqual(
      matrix.environments.map((e) => e.name),
      [...REPORT_ENVS],
    );
    for (const image of REPORT_IMAGES) {
      const row = matrix.rows.find((r) => r.image === image)!;
      for (const env of REPORT_ENVS) assert.equal(row.cells[env]!.tag, last.get(`${env} ${image}`), `${env} ${image}`);
    }
    assert.equal(
      matrix.rows.find((r) => r.image === REPORT_IMAGES[0])!.cells['production']!.hold?.actor,
      'bob',
      'the last rollback holds production',
    );
    assert.match(run.summary, /\| Image \| dev \| staging \| production \| \|/);
    assert.match(run.summary, /```mermaid\ntimeline\n/);
  });

  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`renders in Chromium at ${name} width, offline, without console errors`, async () => {
      const page = await browser.newPage({ viewport });
      const errors: string[] = [];
      const fetched: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('request', (request) => fetched.push(request.url()));
      await page.goto(`file://${join(work, 'site/index.html')}`);
      await page.waitForSelector('html[data-rendered="true"]');

      // The matrix: one cell per image and environment, each with the version the history ends on.
      const matrix = JSON.parse(run.outputs['matrix']!) as StatusMatrix;
      assert.equal(await page.locator('#matrix td.cell').count(), REPORT_ENVS.length * REPORT_IMAGES.length);
      for (const row of matrix.rows) {
        for (const env of REPORT_ENVS) {
          const cell = page.locator(`#matrix td.cell[data-env="${env}"][data-image="${row.image}"]`);
          assert.equal(await cell.locator('.version').textContent(), row.cells[env]!.tag);
          assert.equal(await cell.locator('.badge').count(), 1);
          assert.equal(await cell.locator('.hold').count(), row.cells[env]!.hold ? 1 : 0);
        }
      }
      // Links: the env-repo commit that set the value, the source change and the CI run from the trailers.
      const first = page.locator('#matrix td.cell[data-env="dev"]').first();
      assert.match(
        (await first.locator('a.commit').getAttribute('href')) ?? '',
        new RegExp(`^${server.url('env').replace(/\.git$/, '')}/commit/[0-9a-f]{40}$`),
      );
      assert.match(
        (await first.locator('a', { hasText: 'source' }).getAttribute('href')) ?? '',
        /^https:\/\/github\.com\/acme\/app\/commit\/[0-9a-f]+$/,
      );
      assert.match(
        (await first.locator('a', { hasText: 'run' }).getAttribute('href')) ?? '',
        /^https:\/\/github\.com\/acme\/app\/actions\/runs\/\d+$/,
      );
      // The charts: four per environment and the promotion chart, one bar per month with a value.
      const expected = expectedMetrics(history);
      assert.equal(await page.locator('svg.bars').count(), REPORT_ENVS.length * 4 + 1);
      for (const env of REPORT_ENVS) {
        const bars = expected[env]!.flatMap((m) => [m.deployments, m.leadTimeMs, m.changeFailureRate, m.timeToRestoreMs]).filter(
          (v) => v !== null,
        ).length;
        assert.equal(await page.locator(`#charts .grid[data-env="${env}"] rect.bar`).count(), bars, env);
      }
      assert.equal(await page.locator('#promotion-chart rect.bar').count(), 2);
      assert.equal(await page.locator('ol.events[data-env="dev"] li').count(), 50);
      await page.locator('details:has(ol.events[data-env="dev"]) button').click();
      assert.equal(await page.locator('ol.events[data-env="dev"] li').count(), 100);

      const png = await page.screenshot({ path: join(work, `${name}.png`), fullPage: true });
      const size = pngSize(png);
      // The page never gets wider than the screen (the matrix scrolls inside its box on a phone).
      assert.equal(size.width, viewport.width);
      assert.ok(size.height > viewport.height, 'the whole page, taller than one screen');
      assert.ok(png.length > 50_000, `a picture with content (${png.length} bytes)`);
      assert.deepEqual(errors, []);
      assert.deepEqual(
        fetched.filter((url) => !url.startsWith('file://')),
        [],
        'nothing fetched but the page itself',
      );
      await page.close();
    });
  }

  it('refuses an unknown environment (exit 2) and writes nothing', async () => {
    const deps = { ...defaultReportDeps({}), now: () => history.end };
    const out = join(work, 'not-written');
    const bad = await runInMemory(reportStep(deps), { repo: server.url('env'), token: TOKEN, env: 'qa', out });
    assert.equal(bad.code, 2);
    assert.match(bad.error ?? '', /^env: "qa" is not an environment in baton\.yaml \(known: dev, staging, production\)/);
    await assert.rejects(readFile(join(out, 'index.html')), { code: 'ENOENT' });
  });

  it('writes report.json next to the page, and no secret anywhere in the site', async () => {
    const text = await readFile(join(work, 'site/report.json'), 'utf8');
    const json = JSON.parse(text) as { metrics: Record<string, unknown[]> };
    assert.ok(!text.includes(TOKEN) && !(await readFile(join(work, 'site/index.html'), 'utf8')).includes(TOKEN), 'no token in the site');
    assert.deepEqual(Object.keys(json.metrics), [...REPORT_ENVS]);
  });
});
