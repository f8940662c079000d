import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inertText, mayActAsCommand } from '../../../src/platform/workflow-commands.ts';
import { workflowCommands } from '../../helpers/runner.ts';

describe('workflow commands in printed text', () => {
  const acting = [
    '::error::x',
    '  ::set-output name=a::b',
    'a\n::add-mask::x',
    'a\r::warning::x',
    'a\r\n::group::x',
    'see ##[error]x',
    '::stop-commands::abc',
  ];
  const inert = ['plain text', 'a :: b', 'envs/staging/::error::x.yaml', 'a\n b :: c', '# heading', ''];
  for (const text of acting) test(`acts: ${JSON.stringify(text)}`, () => assert.equal(mayActAsCommand(text), true));
  for (const text of inert) test(`inert: ${JSON.stringify(text)}`, () => assert.equal(mayActAsCommand(text), false));

  test('text that could act is wrapped in stop-commands with a one-time token; the runner sees only that', () => {
    const text = 'x\n::error::pwned\r::set-output name=a::b';
    const wrapped = inertText(text, () => 'tok123');
    assert.equal(wrapped, `::stop-commands::tok123\n${text}\n::tok123::`);
    assert.deepEqual(
      workflowCommands(wrapped).map((c) => c.name),
      ['stop-commands'],
    );
    assert.deepEqual(
      workflowCommands(text).map((c) => c.name),
      ['error', 'set-output'],
    );
  });

  test('plain text is printed as it is, and each token is new', () => {
    assert.equal(inertText('a -> b'), 'a -> b');
    assert.notEqual(inertText('::x::'), inertText('::x::'));
  });
});
