/**
 * Strategy tables after the peers' own policy tests: Flux image-reflector-controller's semver,
 * alphabetical and numerical policies with filterTags, and Argo CD Image Updater's semver,
 * newest-build, digest and alphabetical strategies with allow and ignore tags.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseTag, isPolicyDowngrade, tagVersion } from '../../../../src/core/update/strategies.ts';
import { parseUpdatePolicy } from '../../../../src/core/update/policy-config.ts';
import type { TagCandidate } from '../../../../src/core/update/types.ts';

const policy = (fields: Record<string, unknown>) => parseUpdatePolicy('p', { image: 'ghcr.io/acme/app', ...fields });
const tags = (...list: string[]): TagCandidate[] => list.map((tag) => ({ tag }));
const pick = (fields: Record<string, unknown>, list: readonly TagCandidate[]) => chooseTag(policy(fields), list).tag;

describe('semver (Flux SemVer policy, Argo CD semver strategy)', () => {
  const versions = tags('1.0.0', '1.0.1', '1.1.0', '1.2.0-alpha', '1.2.0-rc.1', '2.0.0', 'latest', 'v1.0.2', 'foo', '1.0.0-beta');
  const cases: [string, string | undefined][] = [
    ['*', '2.0.0'],
    ['1.0.x', 'v1.0.2'],
    ['^1.0', '1.1.0'],
    ['~1.0', 'v1.0.2'],
    ['>=1.0.0 <2.0.0', '1.1.0'],
    ['>=1.0.0, <2.0.0', '1.1.0'], // Masterminds' comma AND
    ['>=1.2.0-0 <2', '1.2.0-rc.1'], // a prerelease in the range admits prereleases of that tuple
    ['3.x', undefined],
  ];
  for (const [range, want] of cases)
    test(`range ${range} → ${want}`, () => assert.equal(pick({ strategy: 'semver', range }, versions), want));

  test('prereleases only when asked', () => {
    const list = tags('1.0.0', '1.1.0-rc.1', '1.1.0-rc.2');
    assert.equal(pick({ strategy: 'semver', range: '>=1.0.0' }, list), '1.0.0');
    assert.equal(pick({ strategy: 'semver', range: '>=1.0.0', prereleases: true }, list), '1.1.0-rc.2');
  });
  test('build metadata is not ordered on: a tie, broken by the tag text', () => {
    assert.equal(pick({ strategy: 'semver' }, tags('1.0.0+b', '1.0.0+a', '0.9.0+z')), '1.0.0+b');
    assert.equal(pick({ strategy: 'semver' }, tags('1.0.0+a', '1.0.0+b')), '1.0.0+b');
  });
  test('v-prefixed and short versions count (Masterminds parses them)', () => {
    assert.equal(tagVersion('v1.2')?.version, '1.2.0');
    assert.equal(tagVersion('3')?.version, '3.0.0');
    assert.equal(tagVersion('latest'), undefined);
    assert.equal(pick({ strategy: 'semver', range: '^1' }, tags('v1', 'v1.2', '1.1.9')), 'v1.2');
  });
  test('ties between spellings are broken the same whatever the listing order', () => {
    assert.equal(pick({ strategy: 'semver' }, tags('v1.0.0', '1.0.0')), 'v1.0.0');
    assert.equal(pick({ strategy: 'semver' }, tags('1.0.0', 'v1.0.0')), 'v1.0.0');
  });
  test('invalid tags in the list are passed over', () => {
    const chosen = chooseTag(policy({ strategy: 'semver' }), tags('latest', 'main', '1.2.3', 'sha-abc'));
    assert.equal(chosen.tag, '1.2.3');
    assert.equal(chosen.unreadable, 3);
  });
  test('no tags at all', () => assert.equal(pick({ strategy: 'semver' }, []), undefined));
});

describe('alphabetical (Flux Alphabetical policy, Argo CD alphabetical/name)', () => {
  const ubuntu = tags('xenial', 'yakkety', 'zesty', 'artful', 'bionic');
  test('asc picks the last in byte order, desc the first', () => {
    assert.equal(pick({ strategy: 'alphabetical' }, ubuntu), 'zesty');
    assert.equal(pick({ strategy: 'alphabetical', order: 'desc' }, ubuntu), 'artful');
  });
  test('RFC 3339 timestamps sort as times', () => {
    const list = tags('2020-11-17T22-24-00Z', '2021-01-09T19-31-52Z', '2020-12-31T23-59-59Z');
    assert.equal(pick({ strategy: 'alphabetical' }, list), '2021-01-09T19-31-52Z');
  });
  test('byte order, not locale order: upper case sorts before lower case', () => {
    assert.equal(pick({ strategy: 'alphabetical' }, tags('Beta', 'alpha')), 'alpha');
  });
  test('filter and extract: compared by the extracted value', () => {
    const list = tags('main-a1b2c3-1611', 'main-ffffff-1609', 'feat-zzz-9999', 'main-000000-1612', 'latest');
    const fields = { strategy: 'alphabetical', filter: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' } };
    assert.equal(pick(fields, list), 'main-000000-1612');
  });
});

describe('numerical (Flux Numerical policy)', () => {
  const list = tags('-62', '-88', '73', '72', '15', '16', '15', '0', '-2', '1.5', 'abc');
  test('asc picks the highest number, desc the lowest', () => {
    assert.equal(pick({ strategy: 'numerical' }, list), '73');
    assert.equal(pick({ strategy: 'numerical', order: 'desc' }, list), '-88');
  });
  test('numbers compare as numbers, not text', () => assert.equal(pick({ strategy: 'numerical' }, tags('9', '10', '100', '99')), '100'));
  test('a tie (1 and 01) goes to the greater text', () => assert.equal(pick({ strategy: 'numerical' }, tags('01', '1')), '1'));
  test('invalid numbers are counted and left out', () => {
    const chosen = chooseTag(policy({ strategy: 'numerical' }), tags('12', 'x12', '1.2.3'));
    assert.deepEqual([chosen.tag, chosen.unreadable], ['12', 2]);
  });
  test('filter with $ts extract: build numbers in CI tags', () => {
    const ci = tags('main-abc1234-100', 'main-def5678-99', 'dev-aaa0000-500', 'main-bad');
    const fields = { strategy: 'numerical', filter: { pattern: '^main-[a-f0-9]+-(?<ts>\\d+)$', extract: '${ts}' } };
    assert.equal(pick(fields, ci), 'main-abc1234-100');
  });
});

describe('newest-build (Argo CD newest-build, by image creation time)', () => {
  const list: TagCandidate[] = [
    { tag: 'a', created: '2024-01-01T00:00:00Z' },
    { tag: 'b', created: '2024-03-01T00:00:00Z' },
    { tag: 'c', created: '2024-02-01T00:00:00Z' },
    { tag: 'd' },
    { tag: 'e', created: 'yesterday' },
  ];
  test('the most recently created wins; unreadable times are left out', () => {
    const chosen = chooseTag(policy({ strategy: 'newest-build' }), list);
    assert.deepEqual([chosen.tag, chosen.unreadable], ['b', 2]);
  });
  test('equal creation times: the greater tag', () => {
    assert.equal(
      pick({ strategy: 'newest-build' }, [
        { tag: 'x1', created: '2024-01-01T00:00:00Z' },
        { tag: 'x2', created: '2024-01-01T00:00:00Z' },
      ]),
      'x2',
    );
  });
  test('allow-tags narrows before time decides', () => {
    assert.equal(pick({ strategy: 'newest-build', allow: ['regexp:^[ac]$'] }, list), 'c');
  });
});

describe('allow and ignore tags (Argo CD allow-tags / ignore-tags)', () => {
  const list = tags('1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.0.0-rc1', 'v1.3.0-debug');
  test('regexp: allow', () => assert.equal(pick({ strategy: 'semver', allow: ['regexp:^1\\.'] }, list), '1.2.0'));
  test('glob ignore', () => assert.equal(pick({ strategy: 'semver', ignore: ['2.*'] }, list), '1.2.0'));
  test('several globs, and any', () => {
    assert.equal(pick({ strategy: 'alphabetical', allow: ['any'], ignore: ['v*', '2.0.0*'] }, list), '1.2.0');
    assert.equal(pick({ strategy: 'alphabetical', allow: '1.0.*, 1.1.*' }, list), '1.1.0');
  });
  test('ignore wins over allow', () => assert.equal(pick({ strategy: 'semver', allow: ['*'], ignore: ['*'] }, list), undefined));
});

describe('digest (Argo CD digest strategy)', () => {
  test('follows latest by default and pins tag and digest', () => {
    const p = policy({ strategy: 'digest' });
    assert.equal(p.tag, 'latest');
    assert.equal(p.pin, 'tag+digest');
    assert.equal(isPolicyDowngrade(p, { tag: 'latest' }, { tag: 'latest' }), false);
  });
});

describe('downgrades under the policy order', () => {
  test('semver: a lower version is a downgrade, an unreadable current tag never blocks', () => {
    const p = policy({ strategy: 'semver' });
    assert.equal(isPolicyDowngrade(p, { tag: '1.3.0' }, { tag: '1.2.0' }), true);
    assert.equal(isPolicyDowngrade(p, { tag: '1.1.0' }, { tag: '1.2.0' }), false);
    assert.equal(isPolicyDowngrade(p, { tag: 'latest' }, { tag: '1.2.0' }), false);
  });
  test('numerical desc: the lower number ranks higher', () => {
    const p = policy({ strategy: 'numerical', order: 'desc' });
    assert.equal(isPolicyDowngrade(p, { tag: '3' }, { tag: '5' }), true);
  });
});
