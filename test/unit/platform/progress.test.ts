import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressLine } from '../../../src/platform/progress.ts';

function stream(isTTY: boolean, columns = 40) {
  const written: string[] = [];
  return { written, isTTY, columns, write: (text: string) => written.push(text) };
}

describe('progress line', () => {
  it('on a terminal: one line, each status overwriting the last, cleared before other output', () => {
    const s = stream(true);
    const line = progressLine(s);
    line.update('build-push: build…');
    line.update('build-push: push…');
    line.clear();
    line.clear();
    assert.deepEqual(s.written, ['\rbuild-push: build…', '\rbuild-push: push… ', `\r${' '.repeat(17)}\r`]);
    assert.ok(
      s.written.every((text) => !text.includes('\n') && !text.includes('\x1b')),
      'no new lines, no ANSI codes',
    );
  });

  it('on a terminal: a status wider than the terminal is cut to fit, whitespace folded', () => {
    const s = stream(true, 24);
    progressLine(s).update(`[12s] deployment/api:\n${'x'.repeat(40)}`);
    assert.equal(s.written[0], `\r${'[12s] deployment/api: xxxxxxxxxxxxxxxxxx'.slice(0, 23)}`);
  });

  it('in a log (not a terminal): each status is a plain line', () => {
    const s = stream(false);
    const line = progressLine(s);
    line.update('[0s] waiting');
    line.update('[1m0s] waiting');
    line.clear();
    assert.deepEqual(s.written, ['[0s] waiting\n', '[1m0s] waiting\n']);
  });
});
