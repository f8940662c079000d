import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseInputs } from '../../../src/platform/inputs.ts';
import { bumpSpec } from '../../../src/specs/bump.ts';
import type { historySpec } from '../../../src/specs/history.ts';
import { promoteSpec } from '../../../src/specs/promote.ts';
import type { InputsOf, StepSpec } from '../../../src/specs/types.ts';
import type { verifySpec } from '../../../src/specs/verify.ts';

/** True only when A and B are the same type; a wrong derivation fails `tsc`, which CI runs. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(check: Equal<A, B>) => assert.equal(check, true);

describe('InputsOf<typeof spec>', () => {
  type Bump = InputsOf<typeof bumpSpec>;
  test('types each input by its declaration', () => {
    same<Bump['repo'], string>(true);
    same<Bump['branch'], string | undefined>(true);
    same<Bump['image'], readonly string[]>(true);
    same<Bump['pin'], 'tag' | 'digest' | 'tag+digest'>(true);
    same<Bump['mode'], 'push' | 'pr' | undefined>(true);
    same<Bump['forge'], 'auto' | 'github' | 'gitlab'>(true);
    same<Bump['dry-run'], boolean>(true);
    same<Bump['author'], string>(true);
    same<InputsOf<typeof historySpec>['limit'], number>(true);
    same<InputsOf<typeof promoteSpec>['soak'], number>(true);
    same<InputsOf<typeof promoteSpec>['pin'], 'tag+digest' | 'digest'>(true);
    same<InputsOf<typeof verifySpec>['expect-status'], number | undefined>(true);
    same<keyof Bump, (typeof bumpSpec)['inputs'][number]['name']>(true);
  });

  test('a spec without literal names falls back to a record', () => {
    same<InputsOf<StepSpec>[string], string | boolean | number | readonly string[] | undefined>(true);
  });

  test('parseInputs returns what the type says', () => {
    const values = parseInputs(bumpSpec, { repo: ' https://git.example/env.git ', image: 'a:1', mode: 'pr', branch: '  ' }, {});
    assert.equal(values.repo, 'https://git.example/env.git');
    assert.equal(values.branch, undefined);
    assert.equal(values.mode, 'pr');
    assert.equal(values.pin, 'tag');
    assert.equal(values.forge, 'auto');
    assert.equal(values['dry-run'], false);
    assert.deepEqual(values.labels, []);
    const promote = parseInputs(promoteSpec, { repo: 'r', to: 'production', soak: '1m' }, {});
    assert.equal(promote.soak, 60_000);
    assert.equal(promote['require-verified'], true);
    for (const input of bumpSpec.inputs) assert.ok(Object.hasOwn(values, input.name), `${input.name} is set`);
  });
});
