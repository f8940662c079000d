import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../../../src/core/errors.ts';
import { booleanFlags, cliPlatform, stepHelp } from '../../../src/platform/cli.ts';
import { parseInputs } from '../../../src/platform/inputs.ts';
import { buildPushSpec } from '../../../src/specs/build-push.ts';
import { bumpSpec } from '../../../src/specs/bump.ts';
import { cliOnlySpecs, stepSpecs } from '../../../src/specs/index.ts';
import type { StepSpec } from '../../../src/specs/types.ts';
import { promoteSpec } from '../../../src/specs/promote.ts';
import { driftSpec } from '../../../src/specs/drift.ts';
import { rollbackSpec } from '../../../src/specs/rollback.ts';
import { validateSpec } from '../../../src/specs/validate.ts';
import { verifySpec } from '../../../src/specs/verify.ts';

/** The parsed inputs of a command line, as the platform hands them to the step. */
function inputs(spec: StepSpec, argv: string[]) {
  const { platform } = cliPlatform(spec, argv);
  return parseInputs(spec, platform.rawInputs(spec), {});
}

/** Every boolean input whose default is true, with a spec that declares it. */
const DEFAULT_TRUE: [StepSpec, string][] = [
  [validateSpec, 'strict'],
  [buildPushSpec, 'push'],
  [verifySpec, 'record'],
  [promoteSpec, 'require-verified'],
  [rollbackSpec, 'hold'],
  [driftSpec, 'fail-on-drift'],
];

describe('boolean flags on the command line', () => {
  test('every boolean input that defaults to true is listed here', () => {
    const found = [...stepSpecs, ...cliOnlySpecs].flatMap((spec) =>
      spec.inputs.filter((i) => i.type === 'boolean' && i.default === 'true').map((i) => `${spec.name} ${i.name}`),
    );
    assert.deepEqual(found.sort(), DEFAULT_TRUE.map(([spec, name]) => `${spec.name} ${name}`).sort());
  });

  for (const [spec, name] of DEFAULT_TRUE) {
    test(`${spec.name} --${name}: on by default, off with --no-${name} or --${name}=false, on with --${name} or --${name}=true`, () => {
      const base = required(spec);
      assert.equal(inputs(spec, base)[name], true);
      assert.equal(inputs(spec, [...base, `--no-${name}`])[name], false);
      assert.equal(inputs(spec, [...base, `--${name}=false`])[name], false);
      assert.equal(inputs(spec, [...base, `--${name}=no`])[name], false);
      assert.equal(inputs(spec, [...base, `--${name}=true`])[name], true);
      assert.equal(inputs(spec, [...base, `--no-${name}`, `--${name}`])[name], true, 'the last flag wins');
    });
  }

  test('a default-false flag turns on with --x and --x=true, stays off with --x=false', () => {
    const base = required(bumpSpec);
    assert.equal(inputs(bumpSpec, base)['dry-run'], false);
    assert.equal(inputs(bumpSpec, [...base, '--dry-run'])['dry-run'], true);
    assert.equal(inputs(bumpSpec, [...base, '--dry-run=true'])['dry-run'], true);
    assert.equal(inputs(bumpSpec, [...base, '--dry-run=false'])['dry-run'], false);
    assert.equal(inputs(bumpSpec, [...base, '--no-dry-run'])['dry-run'], false);
  });

  test('a value that is not a boolean is refused, naming the input', () => {
    assert.throws(
      () => cliPlatform(validateSpec, ['--strict=maybe']),
      (e: unknown) =>
        e instanceof UserError &&
        e.input === 'strict' &&
        /strict: "maybe" is not a boolean; write --strict, --no-strict or --strict=true\|false/.test(e.message),
    );
  });

  test('--no- is only for yes/no options; =value only rewrites booleans; after -- nothing is rewritten', () => {
    assert.throws(
      () => cliPlatform(bumpSpec, ['--no-repo']),
      (e: unknown) => e instanceof UserError && /--no-repo/.test(e.message),
    );
    assert.deepEqual(booleanFlags(bumpSpec, ['--repo=x', '--dry-run=1', '--', '--dry-run=0']), [
      '--repo=x',
      '--dry-run',
      '--',
      '--dry-run=0',
    ]);
  });

  test('--help shows both forms for each yes/no option', () => {
    const help = stepHelp(validateSpec);
    assert.match(help, /^ {2}--strict, --no-strict$/m);
    assert.match(help, /^ {2}--allow-empty, --no-allow-empty$/m);
    assert.match(help, /--strict=false/);
  });
});

/** The required inputs of a spec with plausible values, as flags. */
function required(spec: StepSpec): string[] {
  const values: Record<string, string> = {
    repo: 'https://git.example/env.git',
    image: 'ghcr.io/acme/api:1.0.0',
    to: 'production',
    reason: 'broken',
    paths: '.',
    targets: 'deployment/web',
  };
  // The first input of each needsOneOf group counts as required (validate's paths, verify's targets).
  const needed = new Set((spec.needsOneOf ?? []).map((rule) => rule.inputs[0]));
  return spec.inputs.filter((i) => (i.required || needed.has(i.name)) && !i.secret).flatMap((i) => [`--${i.name}`, values[i.name] ?? 'x']);
}
