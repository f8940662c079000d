/** The golden suite's independent "only values changed" check must itself catch what it claims to. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { valueDiffProblems } from '../../../helpers/value-diff.ts';

const BEFORE = 'images: &i # list\n  - name: nginx\n    newTag: "1.25" # web\n  - name: redis\n';

describe('valueDiffProblems', () => {
  const accepted: ReadonlyArray<readonly [string, string, string]> = [
    ['a value replaced', BEFORE, BEFORE.replace('"1.25"', '"1.26"')],
    ['a plain value quoted', 'a: 1.9\n', 'a: "1.10"\n'],
    ['a digest line added', BEFORE, BEFORE.replace('# web\n', '# web\n    digest: sha256:abc\n')],
    ['a field added in a flow map', 'x: {name: a, newTag: "1"}\n', 'x: {name: a, newTag: "2", digest: "sha256:abc"}\n'],
    ['an empty value filled', 'tag:\n', 'tag: 1.0\n'],
  ];
  for (const [name, before, after] of accepted) {
    it(`accepts ${name}`, () => assert.deepEqual(valueDiffProblems(before, after), []));
  }

  it('accepts a digest line removed', () => {
    const withDigest = BEFORE.replace('# web\n', '# web\n    digest: sha256:abc\n');
    assert.deepEqual(valueDiffProblems(withDigest, BEFORE), []);
  });

  const rejected: ReadonlyArray<readonly [string, string]> = [
    ['a comment changed', BEFORE.replace('# web', '# www')],
    ['a comment dropped', BEFORE.replace(' # web', '')],
    ['indentation changed', BEFORE.replace('    newTag', '     newTag')],
    ['a key renamed', BEFORE.replace('newTag', 'newTog')],
    ['an anchor dropped', BEFORE.replace(' &i', '')],
    ['a line ending changed', BEFORE.replace('redis\n', 'redis\r\n')],
    ['an unrelated field added', BEFORE.replace('# web\n', '# web\n    foo: bar\n')],
    ['a quote style changed on a key', BEFORE.replace('name: redis', '"name": redis')],
    ['a BOM added', `\uFEFF${BEFORE}`],
  ];
  for (const [name, after] of rejected) {
    it(`rejects ${name}`, () => assert.notDeepEqual(valueDiffProblems(BEFORE, after), []));
  }
});
