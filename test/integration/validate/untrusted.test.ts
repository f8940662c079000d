/**
 * validate runs on pull requests, whose files are untrusted: symbolic links leading out of the given
 * paths are findings naming the link and their targets are never read (no value from outside reaches
 * findings, SARIF or the summary); absurd nesting is a finding naming the file; a large List is read
 * item by item for positions, and a finding deep inside it names the right line.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseInputs, type RawInputs } from '../../../src/platform/inputs.ts';
import type { StepContext, StepResult } from '../../../src/steps/shared/types.ts';
import { ValidationFailed } from '../../../src/steps/validate/output.ts';
import type { Renderers } from '../../../src/steps/shared/render-env.ts';
import { defaultValidateDeps, validateStep } from '../../../src/steps/validate/step.ts';

/** A value that must never appear in anything validate prints or writes. */
const OUTSIDE_VALUE = 'outside-value-7c1f';
const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inside}\ndata: {a: b}\n';

let root = '';
const rendered: string[] = [];
const renderers: Renderers = {
  kustomize: async (dir) => {
    rendered.push(dir);
    return { ok: true, text: CONFIGMAP, command: `kustomize build ${dir}` };
  },
  helm: async (dir) => {
    rendered.push(dir);
    return { ok: true, text: CONFIGMAP, command: `helm template ${dir}` };
  },
};
const step = validateStep({ ...defaultValidateDeps(), renderers });

async function validate(raw: RawInputs): Promise<{ failed: boolean; result: StepResult; log: string }> {
  const logs: string[] = [];
  const context: StepContext = {
    cwd: join(root, 'repo'),
    env: {},
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), secret: () => {}, group: (_t, body) => body() },
  };
  try {
    const result = await step.run(parseInputs(step.spec, raw, {}), context);
    return { failed: false, result, log: logs.join('\n') };
  } catch (error) {
    if (error instanceof ValidationFailed) return { failed: true, result: error.result, log: logs.join('\n') };
    throw error;
  }
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'baton-validate-untrusted-'));
  await mkdir(join(root, 'outside/dir'), { recursive: true });
  // Outside the repo: a manifest whose content would show in a finding (an unknown field and its value).
  await writeFile(
    join(root, 'outside/secret.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, ${OUTSIDE_VALUE}: 1}\ndata: {k: ${OUTSIDE_VALUE}}\n`,
  );
  await writeFile(join(root, 'outside/dir/more.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y, ${OUTSIDE_VALUE}: 2}\n`);
  await writeFile(join(root, 'outside/not-yaml'), `${OUTSIDE_VALUE}: [unclosed\n`);
  const env = join(root, 'repo/envs/pr');
  await mkdir(join(env, 'app'), { recursive: true });
  await writeFile(join(env, 'app/configmap.yaml'), CONFIGMAP);
  await symlink('../../../../outside/secret.yaml', join(env, 'app/linked.yaml'));
  await symlink('../../../../outside/dir', join(env, 'app/linked-dir'));
  await symlink('configmap.yaml', join(env, 'app/inside-link.yaml'));
  await symlink('../../../../outside/nowhere.yaml', join(env, 'app/dangling-outside.yaml'));
  // A kustomization whose tree holds a link out: the renderer must not run on it.
  const overlay = join(root, 'repo/envs/overlay');
  await mkdir(overlay, { recursive: true });
  await writeFile(join(overlay, 'kustomization.yaml'), 'resources: [patch.yaml]\n');
  await symlink('../../../outside/not-yaml', join(overlay, 'patch.yaml'));
  const clean = join(root, 'repo/envs/clean');
  await mkdir(clean, { recursive: true });
  await writeFile(join(clean, 'kustomization.yaml'), 'resources: []\n');
});
after(() => rm(root, { recursive: true, force: true }));

describe('symbolic links leading out of the paths', () => {
  test('are findings naming the link; their targets are not read; links inside are followed', async () => {
    const { failed, result, log } = await validate({ paths: 'envs/pr', output: 'sarif', reports: 'json=out/report.json' });
    assert.equal(failed, true);
    const links = result.annotations.filter((a) => a.title === 'baton validate: symlink-outside').map((a) => a.file);
    assert.deepEqual(links.sort(), ['envs/pr/app/linked-dir', 'envs/pr/app/linked.yaml']);
    // configmap.yaml and inside-link.yaml (the same file through a link inside): two resources, no more.
    assert.equal(result.outputs['resources'], '2');
    const everything = [log, result.summary, JSON.stringify(result), await readFile(join(root, 'repo/out/report.json'), 'utf8')].join('\n');
    assert.doesNotMatch(everything, new RegExp(OUTSIDE_VALUE));
    assert.doesNotMatch(everything, /outside\/secret\.yaml|outside\/dir/);
  });

  test('a rendered directory holding a link out is not rendered', async () => {
    rendered.length = 0;
    const { failed, result, log } = await validate({ paths: ['envs/overlay', 'envs/clean'] });
    assert.equal(failed, true);
    assert.deepEqual(rendered, ['envs/clean']);
    assert.equal(result.annotations[0]?.file, 'envs/overlay/patch.yaml');
    assert.doesNotMatch(`${log}${result.summary}`, new RegExp(OUTSIDE_VALUE));
  });
});

describe('hostile shapes', () => {
  test('10,000-deep nesting is a finding naming the file, not a stack overflow', async () => {
    const dir = join(root, 'repo/envs/deep');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'flow.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {a: ${'['.repeat(10_000)}${']'.repeat(10_000)}}\n`,
    );
    await writeFile(
      join(dir, 'block.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\nx:\n${Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i)}- `).join('\n')}1\n`,
    );
    // Just over the limit, where no stack overflows: the verdict must not depend on the machine's stack.
    await writeFile(
      join(dir, 'limit.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\ndata: {a: ${'['.repeat(1000)}${']'.repeat(1000)}}\n`,
    );
    // The same through the yaml package (an anchor sends the document there).
    await writeFile(
      join(dir, 'anchored.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: &n g}\ndata: {a: ${'['.repeat(1000)}${']'.repeat(1000)}}\n`,
    );
    await writeFile(join(dir, 'ok.yaml'), CONFIGMAP);
    const { failed, result, log } = await validate({ paths: 'envs/deep' });
    assert.equal(failed, true);
    const deep = result.annotations.filter((a) => a.title === 'baton validate: too-deep').map((a) => a.file);
    assert.deepEqual(deep.sort(), ['envs/deep/anchored.yaml', 'envs/deep/block.yaml', 'envs/deep/flow.yaml', 'envs/deep/limit.yaml']);
    assert.match(
      result.annotations.find((a) => a.file === 'envs/deep/flow.yaml')!.message,
      /envs\/deep\/flow\.yaml nests values deeper than 1000 levels/,
    );
    assert.doesNotMatch(`${log}${result.summary}`, /Maximum call stack/);
    assert.equal(result.outputs['resources'], '1');
  });

  test('a finding deep in a 20,000-item List names the line of the item', async () => {
    const items = Array.from(
      { length: 20_000 },
      (_, i) => `  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: cm-${i}${i === 19_999 ? ', colour: red' : ''}}\n`,
    );
    await writeFile(join(root, 'repo/list.yaml'), `apiVersion: v1\nkind: List\nitems:\n${items.join('')}`);
    const { failed, result } = await validate({ paths: 'list.yaml' });
    assert.equal(failed, true);
    assert.equal(result.outputs['resources'], '20000');
    const finding = result.annotations[0]!;
    assert.deepEqual([finding.file, finding.line, finding.column], ['list.yaml', 3 + 19_999 * 3 + 3, 32]);
  });
});
