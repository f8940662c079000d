import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerIgnore } from '../../../../src/adapters/builders/dockerignore.ts';

describe('DockerIgnore, as moby/patternmatcher matches', () => {
  const ignore = new DockerIgnore(
    '# comment\n*.log\n/tmp\nnode_modules\n**/*.secret\ndocs/**/draft-?.md\nbuild\n!build/keep.txt\n./dist/\n',
  );
  const cases: [string, boolean][] = [
    ['app.log', true],
    ['sub/app.log', false],
    ['tmp', true],
    ['tmp/x', true],
    ['node_modules/a/b.js', true],
    ['src/node_modules/a.js', false],
    ['a/b/c.secret', true],
    ['c.secret', true],
    ['docs/x/y/draft-1.md', true],
    ['docs/draft-1.md', true],
    ['docs/draft-10.md', false],
    ['build/out.bin', true],
    ['build/keep.txt', false],
    ['dist/app.js', true],
    ['Dockerfile', false],
  ];
  for (const [path, ignored] of cases) it(`${path} → ${ignored ? 'ignored' : 'kept'}`, () => assert.equal(ignore.ignores(path), ignored));
  it('knows when exceptions exist', () => {
    assert.equal(ignore.hasExceptions, true);
    assert.equal(new DockerIgnore('a\n').hasExceptions, false);
  });
});
