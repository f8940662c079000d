import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { stripSpace } from '../../../src/adapters/git/git-commit.ts';

/** Messages with every kind of space `git commit --cleanup=whitespace` touches. */
const MESSAGES = [
  'Bump api\n',
  'Bump api',
  '\n\n  \nBump api  \t\n\n\n\nbody line\r\n\n# not a comment here\n\n\nBaton-Image: api\n\n\n',
  'a\n \n\t\n b \n',
  '',
  '   \n\n',
  'tabs\tinside\tstay\t\n\vvertical\f\n',
  'ünïcödé ✓  \n\n\n',
];

describe('stripSpace', () => {
  it('cleans a message byte for byte as git stripspace does', () => {
    for (const message of MESSAGES) {
      const git = execFileSync('git', ['stripspace'], { input: message, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
      assert.equal(stripSpace(message), git, JSON.stringify(message));
    }
  });
});
