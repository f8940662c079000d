import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnvRepoConfig } from '../../../../src/core/env-config.ts';
import { parseImageRef } from '../../../../src/core/image-ref.ts';
import { compareUrl, sourceWebUrl } from '../../../../src/core/promote/compare.ts';
import { checkVerified, formatDuration, PromotionRefused } from '../../../../src/core/promote/gate.ts';
import { copyName, parseCopyTo, promotedImage, sourceImages } from '../../../../src/core/promote/images.ts';
import { promotionPairs } from '../../../../src/core/promote/targets.ts';
import { formatNoteLine, type VerdictRecord } from '../../../../src/core/verify/verdict-note.ts';

const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const NOW = Date.parse('2024-06-01T12:00:00Z');
const D = (c: string) => `sha256:${c.repeat(64)}`;

function record(fields: Partial<VerdictRecord> = {}): VerdictRecord {
  return {
    version: 1,
    env: 'staging',
    status: 'healthy',
    reason: 'healthy',
    message: 'ok',
    provider: 'kubernetes',
    targets: [],
    images: [],
    time: '2024-06-01T10:00:00Z',
    ...fields,
  };
}
const note = (...records: VerdictRecord[]) => records.map(formatNoteLine).join('\n\n');
const gate = (current: { commit: string; note?: string }, earlier: { commit: string; note?: string }[] = [], soakMs = 0) =>
  checkVerified({ env: 'staging', current, earlier, soakMs, nowMs: NOW, repo: 'https://git.example/env.git' });

describe('the promotion gate', () => {
  it('passes a healthy record on the current commit that has soaked', () => {
    assert.equal(gate({ commit: C1, note: note(record()) }, [], 2 * 3_600_000).record.status, 'healthy');
  });

  it('takes the newest line for the environment; other environments do not count', () => {
    assert.throws(
      () => gate({ commit: C1, note: note(record(), record({ status: 'failed', reason: 'image-pull', message: 'cannot pull' })) }),
      /says failed \(image-pull: cannot pull\)/,
    );
    assert.throws(
      () => gate({ commit: C1, note: note(record({ env: 'production' })) }),
      /staging is not verified: no verification record for staging/,
    );
  });

  it('tells "not verified" from "verified for another commit", with how to fix it', () => {
    const none = () => gate({ commit: C2 }, [{ commit: C1 }]);
    assert.throws(none, PromotionRefused);
    assert.throws(
      none,
      /no verification record for staging under refs\/notes\/baton on its current commit 222222222222 \(nor on the 1 commit\(s\) of staging before it\); run verify for staging with record: true and expected-revision 222222222222 \(baton verify --repo https:\/\/git\.example\/env\.git --env staging --expected-revision 2{40} …\)/,
    );
    assert.throws(
      () => gate({ commit: C2 }, [{ commit: C1, note: note(record()) }]),
      /staging was verified healthy for 111111111111 \(2024-06-01T10:00:00Z\), but it now runs 222222222222/,
    );
    assert.throws(
      () => gate({ commit: C2, note: note(record({ revision: C1 })) }),
      /the record on 222222222222 verified revision 111111111111, not the commit staging runs/,
    );
  });

  it('refuses an unsoaked record, saying how long to wait', () => {
    assert.throws(
      () => gate({ commit: C1, note: note(record()) }, [], 3 * 3_600_000),
      /verified 2h ago \(2024-06-01T10:00:00Z\); soak 3h needs 1h more\. Promote at or after 2024-06-01T13:00:00\.000Z\./,
    );
    assert.equal(formatDuration(90_500), '1m31s');
    assert.equal(formatDuration(3_600_000 + 60_000), '1h1m');
  });
});

describe('promotion pairs', () => {
  const config = parseEnvRepoConfig(
    'environments:\n  dev: {path: d}\n  staging: {path: s, promote-from: dev}\n  prod: {path: p, promote-from: staging}\n  eu: ' +
      '{path: e, promote-from: staging}\n',
  );
  it('uses promote-from, or from; several targets at once', () => {
    assert.deepEqual(
      promotionPairs(config, undefined, ['prod', 'eu']).map((p) => `${p.from.name}->${p.to.name}`),
      ['staging->prod', 'staging->eu'],
    );
    assert.deepEqual(
      promotionPairs(config, 'dev', ['prod']).map((p) => `${p.from.name}->${p.to.name}`),
      ['dev->prod'],
    );
  });
  it('refuses unknown names, from == to, no source, and cycles', () => {
    assert.throws(
      () => promotionPairs(config, undefined, ['qa']),
      /^UserError: to: "qa" is not an environment in baton\.yaml \(known: dev, staging, prod, eu\)/,
    );
    assert.throws(() => promotionPairs(config, 'prod', ['prod']), /from: "prod" is also the target/);
    assert.throws(() => promotionPairs(config, undefined, ['dev']), /from: "dev" has no promote-from/);
    const cyclic = parseEnvRepoConfig(
      'environments:\n  a: {path: a, promote-from: c}\n  b: {path: b, promote-from: a}\n  c: {path: c, promote-from: b}\n  d: {path: ' +
        'd, promote-from: a}\n',
    );
    assert.throws(() => promotionPairs(cyclic, undefined, ['d']), /baton\.yaml: promote-from forms a cycle \(a → b → c → a\)/);
  });
});

describe('promoted images', () => {
  const refs = new Map([
    ['ghcr.io/acme/api', parseImageRef('ghcr.io/acme/api:1.4.2')],
    ['ghcr.io/acme/web', parseImageRef(`ghcr.io/acme/web:2.0@${D('f')}`)],
  ]);
  it('takes the pinned digest, else the one verify saw running; never one it did not', () => {
    const images = sourceImages(refs, record({ images: [`ghcr.io/acme/api@${D('a')}`, `ghcr.io/acme/web@${D('f')}`] }));
    assert.deepEqual(
      images.map((i) => [i.digest, i.from]),
      [
        [D('a'), 'verified'],
        [D('f'), 'file'],
      ],
    );
    assert.deepEqual(
      sourceImages(refs, undefined).map((i) => i.digest ?? 'registry'),
      ['registry', D('f')],
    );
    assert.throws(
      () => sourceImages(refs, record({ images: [`ghcr.io/acme/web@${D('e')}`] })),
      /ghcr\.io\/acme\/web is pinned to sha256:ffffffffffff but verify saw sha256:eeeeeeeeeeee running/,
    );
  });
  it('copy-to keeps the last part of the name under the copy-to path', () => {
    assert.deepEqual(parseCopyTo('prod.example.com:5000/team/apps/'), { registry: 'prod.example.com:5000', prefix: 'team/apps' });
    assert.deepEqual(parseCopyTo('localhost:5000'), { registry: 'localhost:5000', prefix: '' });
    assert.deepEqual(copyName(parseImageRef('staging.example.com/acme/api'), parseCopyTo('prod.example.com/team')), {
      registry: 'prod.example.com',
      repository: 'team/api',
    });
    const image = promotedImage(parseImageRef('staging.example.com/acme/api:1.0'), D('a'), 'verified', parseCopyTo('prod.example.com'));
    assert.deepEqual(image.target, { registry: 'prod.example.com', repository: 'api', tag: '1.0', digest: D('a') });
    assert.throws(() => parseCopyTo('team/apps'), /copy-to: "team\/apps" must start with a registry host/);
  });
});

describe('compare links', () => {
  const hosts = { github: ['ghe.example.com'], gitlab: ['gitlab.example.com'] };
  it('for GitHub and GitLab, from https, ssh and scp-like source URLs', () => {
    assert.equal(compareUrl('https://github.com/acme/api.git', 'a1', 'b2', hosts), 'https://github.com/acme/api/compare/a1...b2');
    assert.equal(
      compareUrl('git@gitlab.example.com:group/sub/api.git', 'a1', 'b2', hosts),
      'https://gitlab.example.com/group/sub/api/-/compare/a1...b2',
    );
    assert.equal(compareUrl('ssh://git@ghe.example.com/acme/api', 'a1', 'b2', hosts), 'https://ghe.example.com/acme/api/compare/a1...b2');
    assert.equal(compareUrl('https://code.example.org/acme/api', 'a1', 'b2', hosts), undefined, 'an unknown forge gets no link');
    assert.equal(sourceWebUrl('not a url'), undefined);
  });
});
