/**
 * Writes what the step specs declare: actions/<step>/action.yml, templates/<step>.yml and the reference
 * block of docs/<step>.md; and the README's snippets, copies of the examples the e2e tests run.
 * `--check` writes nothing and exits 1 when a file is stale.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stepSpecs } from '../src/specs/index.ts';
import { renderActionYaml, renderGitlabTemplate, updateDocsPage } from '../src/specs/render.ts';
import { syncSnippets } from './snippets.ts';

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');

/** Every generated file and its expected content. */
export async function expectedFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const spec of stepSpecs) {
    files.set(`actions/${spec.name}/action.yml`, renderActionYaml(spec));
    files.set(`templates/${spec.name}.yml`, renderGitlabTemplate(spec));
    const page = await readFile(join(root, 'docs', `${spec.name}.md`), 'utf8').catch(() => undefined);
    // Docs pages may copy examples too (publishing workflows), kept in step with the files like the README's.
    files.set(`docs/${spec.name}.md`, updateDocsPage(spec, page === undefined ? undefined : await syncSnippets(page, root)));
  }
  files.set('README.md', await syncSnippets(await readFile(join(root, 'README.md'), 'utf8'), root));
  return files;
}

const stale: string[] = [];
for (const [file, content] of await expectedFiles()) {
  const current = await readFile(join(root, file), 'utf8').catch(() => undefined);
  if (current === content) continue;
  stale.push(file);
  if (!check) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), content);
  }
}
if (check && stale.length > 0) {
  console.error(`stale generated files (run "npm run generate"): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(stale.length ? `${check ? 'stale' : 'wrote'}: ${stale.join(', ')}` : 'generated files are up to date');
