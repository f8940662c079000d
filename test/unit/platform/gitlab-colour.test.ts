import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gitlabPlatform } from '../../../src/platform/gitlab.ts';

/** Runs `body` with process.stdout captured. */
function captured(body: () => void): string {
  const write = process.stdout.write.bind(process.stdout);
  let text = '';
  process.stdout.write = ((chunk: string) => {
    text += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    body();
  } finally {
    process.stdout.write = write;
  }
  return text;
}

describe('GitLab log colours', () => {
  it('colours warnings and errors unless NO_COLOR is set', () => {
    const coloured = captured(() => gitlabPlatform({}).log.warn('slow'));
    assert.equal(coloured, '\x1b[33mwarning: slow\x1b[0m\n');
    const plain = captured(() => {
      const platform = gitlabPlatform({ NO_COLOR: '1' });
      platform.log.warn('slow');
      platform.fail('bad input', 2);
    });
    process.exitCode = 0;
    assert.equal(plain, 'warning: slow\nERROR: bad input\n');
  });
});
