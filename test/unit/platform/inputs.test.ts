import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../../../src/core/errors.ts';
import { parseDuration, parseInputs, splitList } from '../../../src/platform/inputs.ts';
import { bumpSpec } from '../../../src/specs/bump.ts';

describe('parseInputs', () => {
  test('applies defaults, env fallbacks and types', () => {
    const values = parseInputs(
      bumpSpec,
      { repo: 'https://git.example/env.git', image: 'a:1\nb:2, c:3', 'dry-run': 'true' },
      { BATON_TOKEN: 'tok' },
    );
    assert.deepEqual(values['image'], ['a:1', 'b:2', 'c:3']);
    assert.equal(values['dry-run'], true);
    assert.equal(values['pin'], 'tag');
    assert.equal(values['token'], 'tok');
    assert.deepEqual(values['labels'], []);
    assert.equal(values['branch'], undefined);
  });
  const bad: Array<[Record<string, string>, string, RegExp]> = [
    [{ image: 'a:1' }, 'repo', /repo: this input is required/],
    [{ repo: 'r' }, 'image', /image: this input is required/],
    [{ repo: 'r', image: 'a:1', pin: 'sha' }, 'pin', /pin: "sha" is not one of tag, digest, tag\+digest/],
    [{ repo: 'r', image: 'a:1', 'dry-run': 'maybe' }, 'dry-run', /dry-run: "maybe" is not a boolean/],
    [{ repo: 'r', image: 'a:1', imag: 'x' }, 'imag', /imag: bump has no such input/],
  ];
  for (const [raw, input, message] of bad) {
    test(`rejects bad ${input}`, () => {
      assert.throws(
        () => parseInputs(bumpSpec, raw, {}),
        (e: unknown) => e instanceof UserError && e.input === input && message.test(e.message),
      );
    });
  }
});

describe('helpers', () => {
  test('splitList', () => assert.deepEqual(splitList(['a, b', '\nc\n']), ['a', 'b', 'c']));
  test('parseDuration', () => {
    assert.equal(parseDuration('90s', 'timeout'), 90_000);
    assert.equal(parseDuration('1h30m', 'timeout'), 5_400_000);
    assert.equal(parseDuration('250ms', 'timeout'), 250);
    assert.throws(() => parseDuration('10 minutes', 'timeout'), /timeout: "10 minutes" is not a duration/);
  });
});
