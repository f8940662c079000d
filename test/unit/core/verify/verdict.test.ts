/** From targets to the verdict, and the verdict as a git note. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combinedOutcome, type TargetResult, verdictCode, verdictDetails, verdictOf } from '../../../../src/core/verify/verdict.ts';
import { formatNoteLine, latestVerdict, parseVerdictNote, verdictRecord } from '../../../../src/core/verify/verdict-note.ts';

const ok: TargetResult = {
  target: 'deployment/prod/web',
  outcome: 'healthy',
  reason: 'rolled-out',
  message: 'web rolled out',
  facts: { images: ['ghcr.io/acme/web@sha256:aa'] },
};
const waiting: TargetResult = {
  target: 'deployment/prod/api',
  outcome: 'progressing',
  reason: 'progressing',
  message: 'api: 2 of 3 updated replicas are available',
};
const broken: TargetResult = { target: 'deployment/prod/db', outcome: 'failed', reason: 'image-pull', message: 'db cannot pull' };

test('all must be healthy at once; one failure fails', () => {
  assert.equal(combinedOutcome([ok, ok]), 'healthy');
  assert.equal(combinedOutcome([ok, waiting]), 'progressing');
  assert.equal(combinedOutcome([ok, waiting, broken]), 'failed');
  assert.equal(combinedOutcome([]), 'progressing');
});

test('reasons: failed names the failures, timeout the last state of each target still waiting', () => {
  assert.equal(verdictOf([ok], 1000).reason, 'web rolled out');
  assert.equal(verdictOf([ok, ok], 1000).reason, 'all 2 targets healthy');
  assert.equal(verdictOf([ok, broken, waiting], 1000).reason, '1 of 3 targets failed: db cannot pull');
  const timeout = verdictOf([ok, waiting], 600_000);
  assert.equal(timeout.status, 'timeout');
  assert.equal(timeout.reason, 'timed out after 10m: api: 2 of 3 updated replicas are available');
  assert.equal(verdictCode(timeout), 'timeout:progressing');
  assert.equal(verdictCode(verdictOf([broken], 1)), 'image-pull');
});

test('details: one JSON object per target with its facts', () => {
  const details = JSON.parse(verdictDetails(verdictOf([ok, waiting], 5)));
  assert.deepEqual(details[0], {
    target: 'deployment/prod/web',
    outcome: 'healthy',
    reason: 'rolled-out',
    message: 'web rolled out',
    images: ['ghcr.io/acme/web@sha256:aa'],
  });
  assert.equal(details[1].outcome, 'progressing');
});

test('note lines round-trip; the newest line per environment wins; other lines are left alone', () => {
  const first = verdictRecord(verdictOf([broken], 1), {
    env: 'staging',
    provider: 'kubernetes',
    time: '2025-01-01T00:00:00.000Z',
    revision: 'abc1234',
  });
  const second = verdictRecord(verdictOf([ok], 1), {
    env: 'staging',
    provider: 'kubernetes',
    time: '2025-01-01T00:05:00.000Z',
    runUrl: 'https://ci/run/2',
  });
  const prod = verdictRecord(verdictOf([ok], 1), { env: 'production', provider: 'argocd', time: '2025-01-01T00:06:00.000Z' });
  const note = [
    'hand-written line',
    formatNoteLine(first),
    formatNoteLine(second),
    'baton-verify: {broken json',
    formatNoteLine(prod),
  ].join('\n');
  assert.equal(parseVerdictNote(note).length, 3);
  assert.equal(latestVerdict(note, 'staging')?.status, 'healthy');
  assert.deepEqual(latestVerdict(note, 'staging')?.images, ['ghcr.io/acme/web@sha256:aa']);
  assert.equal(latestVerdict(note, 'production')?.provider, 'argocd');
  assert.equal(latestVerdict(note, 'dev'), undefined);
  assert.equal(first.reason, 'image-pull');
});
