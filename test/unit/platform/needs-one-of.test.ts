import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../../../src/core/errors.ts';
import { parseInputs } from '../../../src/platform/inputs.ts';
import { lazyStep } from '../../../src/platform/lazy-step.ts';
import { driftSpec } from '../../../src/specs/drift.ts';
import { cliOnlySpecs, stepSpecs } from '../../../src/specs/index.ts';
import { validateSpec } from '../../../src/specs/validate.ts';
import { verifySpec } from '../../../src/specs/verify.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';

/**
 * A spec's needsOneOf groups: a run with none of a group's inputs is bad input found while parsing, so
 * the step's module (its adapters, schemas, clients) never loads for it.
 */
describe('needsOneOf', () => {
  test('every group names inputs its spec declares, and its message starts with the first', () => {
    for (const spec of [...stepSpecs, ...cliOnlySpecs]) {
      const names = new Set(spec.inputs.map((input) => input.name));
      for (const rule of spec.needsOneOf ?? []) {
        for (const name of [...rule.inputs, ...(rule.when ? [rule.when.input] : [])])
          assert.ok(names.has(name), `${spec.name}: ${name} is no input`);
        assert.ok(rule.message.startsWith(`${rule.inputs[0]}: `), `${spec.name}: ${rule.message}`);
      }
    }
  });

  const cases: Array<[string, typeof validateSpec | typeof verifySpec | typeof driftSpec, Record<string, string>, string | undefined]> = [
    ['validate with neither paths nor env', validateSpec, {}, 'paths'],
    ['validate with env', validateSpec, { env: 'staging' }, undefined],
    ['validate with paths', validateSpec, { paths: '.' }, undefined],
    ['verify (kubernetes) with neither targets nor selector', verifySpec, {}, 'targets'],
    ['verify (kubernetes) with a selector', verifySpec, { selector: 'app=web' }, undefined],
    ['verify (http) without targets', verifySpec, { provider: 'http', url: 'https://example.com' }, undefined],
    ['drift (kubernetes) with neither path nor env', driftSpec, {}, 'path'],
    ['drift (kubernetes) with env', driftSpec, { env: 'staging' }, undefined],
    ['drift (flux) without path', driftSpec, { provider: 'flux', targets: 'kustomization/apps' }, undefined],
  ];
  for (const [label, spec, raw, input] of cases) {
    test(label, () => {
      if (input === undefined) assert.doesNotThrow(() => parseInputs(spec, raw, {}));
      else
        assert.throws(
          () => parseInputs(spec, raw, {}),
          (e: unknown) => e instanceof UserError && e.input === input,
        );
    });
  }

  test('the step module is not loaded when a group is empty, and the message is the one users know', async () => {
    let loads = 0;
    const step = lazyStep(validateSpec, async () => {
      loads++;
      throw new Error('the step module must not load');
    });
    const run = await runInMemory(step, {});
    assert.equal(run.code, 2);
    assert.match(run.error ?? '', /^paths: nothing to check; give paths .* or env/);
    assert.equal(loads, 0);
  });
});
