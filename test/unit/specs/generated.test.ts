import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { stepSpecs } from '../../../src/specs/index.ts';
import { renderActionYaml, renderGitlabTemplate, updateDocsPage } from '../../../src/specs/render.ts';

const root = join(import.meta.dirname, '../../..');

for (const spec of stepSpecs) {
  test(`${spec.name}: generated files are up to date (run "npm run generate")`, async () => {
    assert.equal(await readFile(join(root, `actions/${spec.name}/action.yml`), 'utf8'), renderActionYaml(spec));
    assert.equal(await readFile(join(root, `templates/${spec.name}.yml`), 'utf8'), renderGitlabTemplate(spec));
    const page = await readFile(join(root, `docs/${spec.name}.md`), 'utf8');
    assert.equal(page, updateDocsPage(spec, page));
  });

  test(`${spec.name}: action.yml runs the bundle on node24 and declares every input and output`, async () => {
    const action = parse(renderActionYaml(spec));
    assert.deepEqual(action.runs, { using: 'node24', main: `../../dist/${spec.name}/index.cjs` });
    assert.deepEqual(
      Object.keys(action.inputs),
      spec.inputs.map((i) => i.name),
    );
    assert.deepEqual(
      Object.keys(action.outputs),
      spec.outputs.map((o) => o.name),
    );
  });

  test(`${spec.name}: the GitLab component has snake_case spec:inputs and passes each as a variable`, () => {
    const [header, job] = renderGitlabTemplate(spec)
      .split('\n---\n')
      .map((part) => parse(part));
    const names = Object.keys(header.spec.inputs);
    for (const input of spec.inputs) assert.ok(names.includes(input.name.replace(/-/g, '_')), input.name);
    const body = Object.values(job)[0] as {
      variables: Record<string, unknown>;
      script: string[];
      artifacts: { reports: { dotenv: string } };
    };
    for (const input of spec.inputs) {
      const snake = input.name.replace(/-/g, '_');
      // Free text goes unexpanded: GitLab would otherwise put the value of a $VARIABLE named in it.
      const expected = input.freeText ? { value: `$[[ inputs.${snake} ]]`, expand: false } : `$[[ inputs.${snake} ]]`;
      assert.deepEqual(body.variables[`BATON_INPUT_${snake.toUpperCase()}`], expected, input.name);
    }
    assert.deepEqual(body.script, [`baton ${spec.name}`]);
    assert.equal(body.artifacts.reports.dotenv, 'baton.env');
    for (const input of spec.inputs.filter((i) => i.type === 'enum')) {
      assert.ok(Array.isArray(header.spec.inputs[input.name.replace(/-/g, '_')].options));
    }
  });
}
