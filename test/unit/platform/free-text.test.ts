import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../../../src/core/errors.ts';
import { refuseSecretsInFreeText } from '../../../src/platform/free-text.ts';
import { parseInputs } from '../../../src/platform/inputs.ts';
import { bumpSpec } from '../../../src/specs/bump.ts';
import { cliOnlySpecs, stepSpecs } from '../../../src/specs/index.ts';
import { rollbackSpec } from '../../../src/specs/rollback.ts';
import type { StepSpec } from '../../../src/specs/types.ts';

const TOKEN = 'ghs_0123456789abcdefSECRET';
const base = { repo: 'https://git.example/env.git', image: 'ghcr.io/acme/api:1.2.0', env: 'staging' };

function check(raw: Record<string, string>, env: Record<string, string> = {}, spec: StepSpec = bumpSpec) {
  const values = parseInputs(spec, raw, env);
  return () => refuseSecretsInFreeText(spec, values, env);
}

function refused(input: string, source: RegExp) {
  return (e: unknown) =>
    e instanceof UserError &&
    e.input === input &&
    e.message.startsWith(`${input}: holds the value of `) &&
    source.test(e.message) &&
    !e.message.includes(TOKEN);
}

describe('a secret inside free text is refused', () => {
  test('the token input inside the message', () => {
    assert.throws(check({ ...base, token: TOKEN, message: `release with ${TOKEN}` }), refused('message', /the token input/));
  });
  test('a CI token variable inside the author, even when no input names it', () => {
    assert.throws(check({ ...base, author: `${TOKEN} <ci@example.com>` }, { CI_JOB_TOKEN: TOKEN }), refused('author', /\$CI_JOB_TOKEN/));
    assert.throws(
      check({ ...base, labels: `ok, x${TOKEN}` }, { CI_REGISTRY_PASSWORD: TOKEN }),
      refused('labels', /\$CI_REGISTRY_PASSWORD/),
    );
    assert.throws(check({ ...base, labels: `ok, x${TOKEN}` }, { GITHUB_TOKEN: TOKEN }), refused('labels', /the token input/));
  });
  test('the token from BATON_TOKEN inside a rollback reason', () => {
    const raw = { repo: base.repo, env: 'staging', reason: `broken, see ${TOKEN}` };
    assert.throws(check(raw, { BATON_TOKEN: TOKEN }, rollbackSpec), refused('reason', /the token input/));
  });
  test('free text without a secret passes; a secret elsewhere is fine; tiny values are not searched', () => {
    check({ ...base, token: TOKEN, message: 'release 1.2.0', labels: 'release' }, { GITHUB_TOKEN: TOKEN })();
    check({ ...base, message: 'abc deploy' }, { GITHUB_TOKEN: 'abc' })();
  });
  test('every free-text input is text people write: author, labels, message, reason, titles', () => {
    const names = new Set([...stepSpecs, ...cliOnlySpecs].flatMap((spec) => spec.inputs.filter((i) => i.freeText).map((i) => i.name)));
    assert.deepEqual([...names].sort(), ['alert-label', 'author', 'labels', 'message', 'reason', 'title']);
    for (const spec of [...stepSpecs, ...cliOnlySpecs])
      for (const input of spec.inputs) assert.ok(!(input.freeText && input.secret), `${spec.name} ${input.name}`);
  });
});
