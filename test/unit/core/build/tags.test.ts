import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildVersion, checkTemplate, computeTags, sanitizeTag } from '../../../../src/core/build/tags.ts';
import type { SourceContext } from '../../../../src/core/build/source-context.ts';
import { UserError } from '../../../../src/core/errors.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const NOW = new Date('2024-06-27T12:00:00Z');

describe('computeTags: the defaults, as docker/metadata-action makes them', () => {
  const cases: [string, SourceContext, string[]][] = [
    ['a branch push', { sha: SHA, branch: 'main' }, ['main', 'sha-0123456']],
    ['a branch with a slash', { sha: SHA, branch: 'feature/Login_Form' }, ['feature-Login_Form', 'sha-0123456']],
    ['a pull request', { sha: SHA, branch: 'feature/x', pr: 42 }, ['pr-42', 'sha-0123456']],
    ['a release tag', { sha: SHA, gitTag: 'v1.2.3' }, ['1.2.3', '1.2', '1', 'latest', 'sha-0123456']],
    ['a tag without v', { sha: SHA, gitTag: '2.0.1' }, ['2.0.1', '2.0', '2', 'latest', 'sha-0123456']],
    ['a prerelease tag', { sha: SHA, gitTag: 'v1.3.0-rc.1' }, ['1.3.0-rc.1', 'sha-0123456']],
    ['a 0.x release', { sha: SHA, gitTag: 'v0.4.1' }, ['0.4.1', '0.4', 'latest', 'sha-0123456']],
    ['a tag that is not semver', { sha: SHA, gitTag: 'nightly/2024' }, ['nightly-2024', 'sha-0123456']],
    ['nothing known', {}, []],
  ];
  for (const [name, context, tags] of cases) it(name, () => assert.deepEqual(computeTags(context, [], NOW), tags));
});

describe('computeTags: templates', () => {
  const context: SourceContext = { sha: SHA, branch: 'main', runNumber: '17' };
  it('expands placeholders and keeps each tag once', () => {
    assert.deepEqual(computeTags(context, ['{{branch}}-{{sha}}', 'build-{{run}}', '{{date}}', 'main', 'edge'], NOW), [
      'main',
      'sha-0123456',
      'main-0123456',
      'build-17',
      '20240627',
      'edge',
    ]);
  });
  it('leaves out a template whose placeholder has no value here', () => {
    assert.deepEqual(computeTags(context, ['pr-{{pr}}', 'v{{version}}', 'stable'], NOW), ['main', 'sha-0123456', 'stable']);
  });
  it('semver parts on a tag build', () => {
    assert.deepEqual(computeTags({ gitTag: 'v3.4.5' }, ['{{major}}.x', 'v{{minor}}', '{{patch}}-slim', '{{tag}}'], NOW), [
      '3.4.5',
      '3.4',
      '3',
      'latest',
      '3.x',
      'v3.4',
      '3.4.5-slim',
      'v3.4.5',
    ]);
  });
});

describe('checkTemplate', () => {
  const bad: [string, RegExp][] = [
    ['{{nope}}', /uses \{\{nope\}\}, which is not a placeholder/],
    ['v{{sha', /has an unclosed \{\{ \}\}/],
    ['-{{sha}}', /cannot make a valid tag/],
    ['a b', /cannot make a valid tag/],
  ];
  for (const [template, message] of bad) {
    it(`refuses ${template}`, () =>
      assert.throws(
        () => checkTemplate(template),
        (error: unknown) => error instanceof UserError && error.input === 'tags' && message.test(error.message),
      ));
  }
  it('takes plain tags and placeholders', () => {
    for (const template of ['latest', '{{branch}}-{{sha}}', 'v{{ version }}']) checkTemplate(template);
  });
});

describe('sanitizeTag and buildVersion', () => {
  it('makes refs tag-safe', () => {
    assert.equal(sanitizeTag('feature/new+thing'), 'feature-new-thing');
    assert.equal(sanitizeTag('.hidden'), 'hidden');
    assert.equal(sanitizeTag('x'.repeat(200)).length, 128);
  });
  it('picks the version like metadata-action', () => {
    assert.equal(buildVersion({ gitTag: 'v1.2.3', sha: SHA }), '1.2.3');
    assert.equal(buildVersion({ pr: 7, branch: 'x', sha: SHA }), 'pr-7');
    assert.equal(buildVersion({ branch: 'main', sha: SHA }), 'main');
    assert.equal(buildVersion({ sha: SHA }), 'sha-0123456');
    assert.equal(buildVersion({}), undefined);
  });
});
