import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageRef } from '../../../../src/core/image-ref.ts';
import { repoLinks, webBase } from '../../../../src/core/report/links.ts';
import { type EnvInput, incidents, median, monthOf, type ReportCommit, reportModel } from '../../../../src/core/report/model.ts';
import { escapeHtml } from '../../../../src/core/report/page.ts';
import { mermaidTimeline } from '../../../../src/core/report/summary.ts';
import { formatNoteLine, type VerdictRecord } from '../../../../src/core/verify/verdict-note.ts';

const API = 'ghcr.io/acme/api';
const H = 3_600_000;
const T0 = Date.parse('2030-01-10T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function verdict(env: string, at: number, status: 'healthy' | 'failed'): string {
  const record: VerdictRecord = {
    version: 1,
    env,
    status,
    reason: status,
    message: status,
    provider: 'http',
    targets: [],
    images: [],
    time: iso(at),
  };
  return formatNoteLine(record);
}

function commit(n: number, at: number, tag: string, extra: { trailers?: string; note?: string; held?: string[] } = {}): ReportCommit {
  return {
    commit: String(n).repeat(40).slice(0, 40),
    time: iso(at),
    author: 'ci',
    subject: `bump api to ${tag}`,
    message: `bump api to ${tag}\n\n${extra.trailers ?? 'Baton-Env: x'}\n`,
    images: new Map([[API, parseImageRef(`${API}:${tag}`)]]),
    held: extra.held ?? [],
    ...(extra.note ? { note: extra.note } : {}),
  };
}

describe('report model', () => {
  // staging: 1.0 (healthy), 1.1 fails and is rolled back to 1.0 (held), restored, then 1.2 healthy.
  const staging: EnvInput = {
    name: 'staging',
    commits: [
      commit(1, T0, '1.0', { note: verdict('staging', T0 + 0.5 * H, 'healthy') }),
      commit(2, T0 + 2 * H, '1.1', {
        trailers: 'Baton-Source: https://git.example/app/commit/abc\nBaton-Source-Time: 2030-01-09T23:00:00Z',
        note: verdict('staging', T0 + 2.5 * H, 'failed'),
      }),
      commit(3, T0 + 3 * H, '1.0', {
        trailers: `Baton-Rollback: ${'1'.repeat(40)}\nBaton-Reason: errors\nBaton-Actor: bob`,
        note: verdict('staging', T0 + 4 * H, 'healthy'),
        held: [API],
      }),
      commit(4, T0 + 30 * 24 * H, '1.2', { note: verdict('staging', T0 + 30 * 24 * H + H, 'healthy') }),
    ],
  };
  const production: EnvInput = {
    name: 'production',
    promoteFrom: 'staging',
    commits: [commit(5, T0 + 30 * 24 * H + 5 * H, '1.2', { trailers: 'Baton-Promoted-From: staging@4444' })],
  };
  const model = reportModel([staging, production]);

  it('folds commits into deploys, promotions and rollbacks with their verdicts', () => {
    assert.deepEqual(
      model.deploys['staging']!.map((d) => [d.kind, d.changes[0]!.to, d.failed, d.verdicts.map((v) => v.status)]),
      [
        ['deploy', '1.0', false, ['healthy']],
        ['deploy', '1.1', true, ['failed']],
        ['rollback', '1.0', false, ['healthy']],
        ['deploy', '1.2', false, ['healthy']],
      ],
    );
    assert.equal(model.deploys['production']![0]!.kind, 'promotion');
    assert.equal(model.deploys['production']![0]!.promotedFrom, 'staging');
    assert.equal(model.deploys['staging']![1]!.source, 'https://git.example/app/commit/abc');
    const merged: EnvInput = {
      name: 'qa',
      commits: [{ ...commit(7, T0, '3.0'), message: 'Merge pull request #42 from acme/baton/qa\n\nqa: bump api\n' }],
    };
    assert.equal(reportModel([merged]).deploys['qa']![0]!.request, 'Merge pull request #42 from acme/baton/qa');
  });

  it('computes the four metrics per month', () => {
    const [jan, feb] = model.metrics['staging']!;
    assert.equal(jan!.month, '2030-01');
    // Rollbacks are not deployments: 1.0 and 1.1 in January, 1.2 in February.
    assert.equal(jan!.deployments, 2);
    assert.equal(jan!.changeFailureRate, 0.5);
    // Lead time: 1.0 first seen at T0, healthy at +0.5 h (1.1 never healthy: no lead time).
    assert.equal(jan!.leadTimeMs, 0.5 * H);
    // Restore: failed at +2.5 h, healthy again at +4 h.
    assert.equal(jan!.timeToRestoreMs, 1.5 * H);
    assert.equal(jan!.failures, 1);
    assert.equal(feb!.month, '2030-02');
    assert.equal(feb!.deployments, 1);
    assert.equal(feb!.changeFailureRate, 0);
    assert.equal(feb!.leadTimeMs, H);
    assert.equal(feb!.timeToRestoreMs, null);
  });

  it('uses Baton-Source-Time as the start of the lead time when a commit has it', () => {
    const healthyLater: EnvInput = {
      name: 'qa',
      commits: [commit(6, T0, '2.0', { trailers: 'Baton-Source-Time: 2030-01-09T22:00:00Z', note: verdict('qa', T0 + H, 'healthy') })],
    };
    assert.equal(reportModel([healthyLater]).metrics['qa']![0]!.leadTimeMs, 3 * H);
  });

  it('promotion lead time: from the version reaching staging to reaching production', () => {
    assert.deepEqual(model.promotion, [{ from: 'staging', to: 'production', count: 1, medianMs: 5 * H }]);
  });

  it('timeline: newest first, with holds placed and verdicts', () => {
    const kinds = model.timelines['staging']!.map((e) => e.kind);
    assert.deepEqual(kinds, ['verdict', 'release', 'deploy', 'verdict', 'hold', 'rollback', 'verdict', 'deploy', 'verdict', 'deploy']);
    assert.ok(model.timelines['staging']!.some((e) => e.kind === 'hold' && e.text.includes(API)));
    assert.match(
      model.timelines['staging']!.find((e) => e.kind === 'rollback')!.text,
      /rollback: ghcr\.io\/acme\/api 1\.1 → 1\.0 \(errors\)/,
    );
    const times = model.timelines['staging']!.map((e) => Date.parse(e.time));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
  });

  it('incidents: a run of failures restores at the next healthy verdict; an open one has no restore', () => {
    const v = (h: number, status: 'healthy' | 'failed') => ({ time: iso(T0 + h * H), status }) as VerdictRecord;
    assert.deepEqual(incidents([v(0, 'failed'), v(1, 'failed'), v(3, 'healthy'), v(4, 'failed')]), [
      { start: iso(T0), restoredMs: 3 * H },
      { start: iso(T0 + 4 * H) },
    ]);
  });

  it('helpers: median, month, links, escaping, the Mermaid timeline', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
    assert.equal(median([]), null);
    assert.equal(monthOf('2030-01-31T23:30:00-02:00'), '2030-02');
    assert.equal(webBase('https://x-access-token:s3cret@github.com/acme/env.git'), 'https://github.com/acme/env');
    assert.equal(webBase('/srv/env'), undefined);
    const gh = repoLinks('https://github.com/acme/env.git');
    assert.equal(gh.commit('abc'), 'https://github.com/acme/env/commit/abc');
    assert.equal(gh.request('Merge pull request #12 from acme/baton/staging'), 'https://github.com/acme/env/pull/12');
    const gl = repoLinks('https://gitlab.example.com/acme/env.git');
    assert.equal(gl.commit('abc'), 'https://gitlab.example.com/acme/env/-/commit/abc');
    assert.equal(gl.request('staging: bump\n\nSee merge request acme/env!7'), 'https://gitlab.example.com/acme/env/-/merge_requests/7');
    assert.equal(repoLinks('/srv/env').commit('abc'), undefined);
    assert.equal(escapeHtml(`<a href="x">'&`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    const mermaid = mermaidTimeline(['staging'], model.timelines);
    assert.match(mermaid, /^```mermaid\ntimeline\n/);
    assert.match(mermaid, /section staging\n/);
    assert.doesNotMatch(
      mermaid
        .split('\n')
        .filter((l) => l.startsWith('        '))
        .map((l) => l.split(' : ')[1])
        .join(''),
      /[:#;]/,
    );
  });
});
