import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDockerfile, targetStage } from '../../../../src/core/build/dockerfile.ts';
import { expandPairs, expandWords } from '../../../../src/core/build/dockerfile-words.ts';
import { UserError } from '../../../../src/core/errors.ts';

describe('parseDockerfile', () => {
  it('joins continuations, drops comments inside them, and keeps line numbers', () => {
    const file = parseDockerfile(
      '# a comment\nFROM alpine AS base\nRUN echo a \\\n  # inner comment\n  && echo b\n\nCOPY --chown=1:2 --link a /b\n',
      'Dockerfile',
    );
    const [run, copy] = file.stages[0]!.instructions;
    assert.deepEqual([run!.keyword, run!.args, run!.line], ['RUN', 'echo a   && echo b', 3]);
    assert.deepEqual([copy!.flags, copy!.args, copy!.line], [{ chown: '1:2', link: 'true' }, 'a /b', 7]);
  });
  it('honours the escape directive', () => {
    const file = parseDockerfile('# escape=`\nFROM scratch\nCOPY a `\n  C:\\dest\n', 'Dockerfile');
    assert.equal(file.stages[0]!.instructions[0]!.args, 'a   C:\\dest');
  });
  it('skips heredoc bodies', () => {
    const file = parseDockerfile('FROM alpine\nRUN <<EOF\nFROM not-a-stage\nEOF\nCMD ["x"]\n', 'Dockerfile');
    assert.equal(file.stages.length, 1);
    assert.deepEqual(
      file.stages[0]!.instructions.map((i) => i.keyword),
      ['RUN', 'CMD'],
    );
  });
  it('reads stages, global args and names case-insensitively', () => {
    const file = parseDockerfile('ARG V=1\nFROM a:${V} as Build\nFROM scratch\n', 'Dockerfile');
    assert.deepEqual(
      file.globalArgs.map((a) => a.args),
      ['V=1'],
    );
    assert.deepEqual(
      file.stages.map((s) => [s.base, s.name]),
      [
        ['a:${V}', 'build'],
        ['scratch', undefined],
      ],
    );
    assert.equal(targetStage(file, 'BUILD').name, 'build');
    assert.equal(targetStage(file, undefined).base, 'scratch');
  });
  const bad: [string, string, RegExp][] = [
    ['no FROM', 'COPY a b\n', /^file: Dockerfile:1: COPY comes before the first FROM; only ARG may\.$/],
    ['an empty file', '# nothing\n', /^file: Dockerfile:1: there is no FROM instruction\.$/],
    ['a bad FROM', 'FROM a b c d\n', /^file: Dockerfile:1: FROM takes an image and an optional "AS <name>"\.$/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name}`, () =>
      assert.throws(
        () => parseDockerfile(text, 'Dockerfile'),
        (e: unknown) => e instanceof UserError && e.input === 'file' && message.test(e.message),
      ));
  }
  it('names the stages when the target is not one', () => {
    assert.throws(
      () => targetStage(parseDockerfile('FROM a AS one\nFROM b AS two\n', 'Dockerfile'), 'three'),
      /^UserError: target: "three" is not a stage of Dockerfile \(stages: one, two\)\.$/,
    );
  });
});

describe('expandWords', () => {
  const vars = new Map([
    ['A', 'x'],
    ['EMPTY', ''],
  ]);
  const cases: [string, string[]][] = [
    ['$A ${A}b c', ['x', 'xb', 'c']],
    ['${EMPTY:-def} ${A:-def} ${A:+alt} ${EMPTY:+alt}', ['def', 'x', 'alt']],
    ['"a b" \'$A\' "$A"', ['a b', '$A', 'x']],
    ['a\\ b \\$A', ['a b', '$A']],
    ['$ alone $1', ['$', 'alone', '$1']],
  ];
  for (const [text, words] of cases) it(text, () => assert.deepEqual(expandWords(text, vars), words));
  it('reads pairs, also the legacy ENV form', () => {
    assert.deepEqual(expandPairs('A=1 B="two words"', vars, '\\', true), [
      ['A', '1'],
      ['B', 'two words'],
    ]);
    assert.deepEqual(expandPairs('KEY some value $A', vars, '\\', true), [['KEY', 'some value x']]);
  });
});
