/**
 * Bare command-line arguments: a step whose spec marks a list input `positional` takes them as values
 * of it (after the flag values); any other step refuses them as bad input.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../../src/core/errors.ts';
import { cliPlatform, stepHelp } from '../../../src/platform/cli.ts';
import type { StepSpec } from '../../../src/specs/types.ts';
import { validateSpec } from '../../../src/specs/validate.ts';

const NO_POSITIONAL: StepSpec = {
  ...validateSpec,
  name: 'other',
  inputs: validateSpec.inputs.map((input) => ({ ...input, positional: false })),
};

test('bare arguments join the positional list input, after its flags', () => {
  const { platform } = cliPlatform(validateSpec, ['envs/prod', '--paths', 'a.yaml', 'other/', '--strict']);
  assert.deepEqual(platform.rawInputs(validateSpec)['paths'], ['a.yaml', 'envs/prod', 'other/']);
  assert.match(stepHelp(validateSpec), /^Usage: baton validate \[options\] \[paths\.\.\.\]/);
});

test('a step without a positional input refuses bare arguments', () => {
  assert.throws(
    () => cliPlatform(NO_POSITIONAL, ['envs/prod']),
    (error: unknown) => error instanceof UserError && /Unexpected argument 'envs\/prod'/.test(error.message),
  );
});
