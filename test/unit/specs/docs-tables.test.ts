/**
 * The docs a user reads hold every input the shipped metadata declares, and the README's workflow and
 * pipeline are the files the e2e chains run: nothing a user can set is undocumented, and no snippet drifts.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { snippetPaths, syncSnippets } from '../../../scripts/snippets.ts';
import { specFor } from '../../../src/specs/index.ts';

const root = join(import.meta.dirname, '../../..');
const read = (path: string) => readFile(join(root, path), 'utf8');

/** The rows of the generated inputs table of a docs page: first column (GitHub/CLI) and second (GitLab). */
function inputRows(page: string): { github: Set<string>; gitlab: Set<string> } {
  const table = page.slice(page.indexOf('### Inputs'), page.indexOf('### Outputs'));
  const rows = table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| GitHub') && !line.startsWith('| ---'));
  const cell = (row: string, i: number) => row.split(' | ')[i]?.replace(/^\| /, '').replace(/`/g, '').trim() ?? '';
  return { github: new Set(rows.map((row) => cell(row, 0))), gitlab: new Set(rows.map((row) => cell(row, 1))) };
}

test('every input of every action.yml is in the inputs table of its docs page', async () => {
  for (const step of await readdir(join(root, 'actions'))) {
    const action = parse(await read(`actions/${step}/action.yml`)) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    const page = await read(`docs/${step}.md`);
    const { github } = inputRows(page);
    for (const name of Object.keys(action.inputs)) assert.ok(github.has(name), `docs/${step}.md lacks input ${name}`);
    for (const name of Object.keys(action.outputs))
      assert.match(page.slice(page.indexOf('### Outputs')), new RegExp(`\\| \`${name}\` \\|`), `docs/${step}.md lacks output ${name}`);
  }
});

test('every input of every GitLab template is documented: in its table, or on the page that presents it', async () => {
  for (const file of await readdir(join(root, 'templates'))) {
    const name = file.replace(/\.yml$/, '');
    const header = parse((await read(`templates/${file}`)).split('\n---\n')[0]!) as { spec: { inputs: Record<string, unknown> } };
    if (specFor(name)) {
      const { gitlab } = inputRows(await read(`docs/${name}.md`));
      for (const input of Object.keys(header.spec.inputs)) assert.ok(gitlab.has(input), `docs/${name}.md lacks GitLab input ${input}`);
      continue;
    }
    // A hand-written template: the docs page that names it must name each of its inputs.
    const pages = await Promise.all((await readdir(join(root, 'docs'))).map(async (page) => ({ page, text: await read(`docs/${page}`) })));
    const presenting = pages.filter(({ text }) => text.includes(`templates/${file}`));
    assert.ok(presenting.length > 0, `no page in docs/ presents templates/${file}`);
    for (const input of Object.keys(header.spec.inputs)) {
      assert.ok(
        presenting.some(({ text }) => text.includes(`\`${input}\``)),
        `templates/${file}: input ${input} is named on no page that presents it (${presenting.map((p) => p.page).join(', ')})`,
      );
    }
  }
});

test("the README's snippets are the example files, which the e2e chains run", async () => {
  const readme = await read('README.md');
  assert.equal(readme, await syncSnippets(readme, root), 'README snippets are stale: run "npm run generate"');
  const paths = snippetPaths(readme);
  assert.deepEqual(paths, ['examples/github/deliver.yml', 'examples/gitlab/deliver.gitlab-ci.yml']);
  assert.match(await read('test/e2e/github-chain.test.ts'), /'examples\/github\/deliver\.yml'/);
  assert.match(await read('test/e2e/gitlab-chain.test.ts'), /'examples\/gitlab\/deliver\.gitlab-ci\.yml'/);
  for (const path of paths) assert.ok((await read(path)).split('\n').filter(Boolean).length <= 15, `${path}: at most 15 lines`);
});
