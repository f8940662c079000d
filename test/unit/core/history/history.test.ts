import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { historyMarkdown } from '../../../../src/core/history/format.ts';
import { buildHistory, type CommitSnapshot, parseTrailers } from '../../../../src/core/history/states.ts';
import { statusMarkdown, statusMatrix } from '../../../../src/core/history/status.ts';
import { formatNoteLine, type VerdictRecord } from '../../../../src/core/verify/verdict-note.ts';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const k = (tag: string) => `images:\n  - name: ghcr.io/acme/api\n    newTag: ${tag}\n`;
const verdict = (images: string[]): VerdictRecord => ({
  version: 1,
  env: 'prod',
  status: 'healthy',
  reason: 'healthy',
  message: 'ok',
  provider: 'kubernetes',
  targets: [],
  images,
  time: '2024-06-01T10:00:00Z',
});

function snap(id: string, files: Record<string, string>, message = `commit ${id}`, note?: string): CommitSnapshot {
  return {
    commit: id.repeat(40),
    time: `2024-06-0${id.charCodeAt(0) - 96}T00:00:00Z`,
    author: 'a',
    subject: message.split('\n')[0]!,
    message,
    files: new Map(Object.entries(files)),
    ...(note ? { note } : {}),
  };
}

describe('buildHistory', () => {
  const snapshots = [
    snap(
      'e',
      { 'envs/p/kustomization.yaml': k('1.2.0'), 'envs/p/x.yaml': 'replicas: 3\n' },
      'config',
      formatNoteLine(verdict([`ghcr.io/acme/api@${D('c')}`])),
    ),
    snap(
      'd',
      { 'envs/p/kustomization.yaml': k('1.2.0') },
      'prod: bump ghcr.io/acme/api to 1.2.0\n\nbody\n\nBaton-Image: ghcr.io/acme/api:1.2.0@' + D('b'),
    ),
    snap(
      'c',
      { 'envs/p/kustomization.yaml': k('1.1.0') },
      'prod: roll back\n\nwhy\n\nBaton-Rollback: ' + 'a'.repeat(40) + '\nBaton-Reason: slow\nBaton-Actor: bob',
    ),
    snap('b', { 'envs/p/kustomization.yaml': 'images: [\n' }),
    snap('a', { 'envs/p/kustomization.yaml': k('1.1.0') }),
  ];
  const entries = buildHistory(snapshots, 'prod');

  it('folds config-only commits into the state below and keeps their verdict', () => {
    assert.deepEqual(
      entries.map((e) => e.subject),
      ['prod: bump ghcr.io/acme/api to 1.2.0', 'prod: roll back', 'commit b', 'commit a'],
    );
    assert.deepEqual(
      entries[0]!.folded.map((f) => f.subject),
      ['config'],
    );
    assert.equal(entries[0]!.verdict?.status, 'healthy');
    assert.equal(entries[0]!.verdictOn, 'e'.repeat(40));
  });

  it('knows digests from the record first, then from the trailer', () => {
    assert.deepEqual(entries[0]!.images.get('ghcr.io/acme/api'), {
      ref: { registry: 'ghcr.io', repository: 'acme/api', tag: '1.2.0' },
      digest: D('c'),
      digestFrom: 'verified',
    });
    assert.equal(buildHistory(snapshots.slice(1), 'prod')[0]!.images.get('ghcr.io/acme/api')!.digestFrom, 'trailer');
  });

  it('reads rollbacks back from trailers, and keeps unreadable states with their problem', () => {
    assert.deepEqual(entries[1]!.rollback, { reason: 'slow', actor: 'bob', to: 'a'.repeat(40) });
    assert.match(entries[2]!.problems[0]!, /kustomization\.yaml:\d+:\d+/);
    assert.deepEqual(entries[0]!.changed, ['ghcr.io/acme/api']);
    assert.match(
      historyMarkdown('prod', entries, true),
      /\| now \| `dddddddddddd` \| .* \| \*\*ghcr\.io\/acme\/api 1\.2\.0@sha256:cccccccccccc \(verified\)\*\* \| healthy 2024-06-01T10:00:00Z \|/,
    );
    assert.match(historyMarkdown('prod', entries, true), /rollback by bob: slow/);
  });

  it('parses trailers of the last paragraph only', () => {
    assert.deepEqual(
      [...parseTrailers('s\n\nKey: not a trailer\n\nA: 1\nA: 2\nB-C: x')],
      [
        ['A', ['1', '2']],
        ['B-C', ['x']],
      ],
    );
    assert.equal(parseTrailers('subject only').size, 0);
  });
});

describe('statusMatrix', () => {
  it('marks images that differ between environments, with ages and holds', () => {
    const version = (tag: string) => ({ ref: { registry: 'ghcr.io', repository: 'acme/api', tag } });
    const env = (name: string, tag: string, hold = false) => ({
      name,
      path: `envs/${name}`,
      branch: 'main',
      commit: 'f'.repeat(40),
      images: new Map([['ghcr.io/acme/api', version(tag)]]),
      since: new Map([['ghcr.io/acme/api', { commit: 'f'.repeat(40), time: '2024-06-01T00:00:00Z' }]]),
      holds: hold ? [{ image: 'ghcr.io/acme/api', actor: 'al', time: 't', reason: 'why', selector: '', file: 'f', line: 1 }] : [],
    });
    const matrix = statusMatrix([env('staging', '1.1'), env('prod', '1.0', true)], Date.parse('2024-06-01T02:00:00Z'));
    assert.equal(matrix.rows[0]!.differs, true);
    assert.equal(matrix.rows[0]!.cells['staging']!.ageMs, 7_200_000);
    assert.match(
      statusMarkdown(matrix),
      /\| `ghcr\.io\/acme\/api` \| `1\.1`<br>not verified · 2h ago · `ffffffff` \| `1\.0`<br>not verified · 2h ago · `ffffffff`<br>\*\*held\*\* by al: why \| \*\*differs\*\* \|/,
    );
    assert.equal(statusMatrix([env('a', '1'), env('b', '1')], 0).rows[0]!.differs, false);
  });
});
