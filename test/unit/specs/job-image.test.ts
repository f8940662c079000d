/**
 * The GitLab job image, end to end on paper: the Dockerfile makes a Node 24 image with git and the
 * `baton` command from dist/cli (and the build context lets that file in); the repository pipeline pushes
 * it as $CI_REGISTRY_IMAGE/baton:$CI_COMMIT_SHA; and every component runs
 * <image_registry>/baton:$[[ component.sha ]], whose default names that very repository.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { DockerIgnore } from '../../../src/adapters/builders/dockerignore.ts';
import { parseDockerfile } from '../../../src/core/build/dockerfile.ts';
import { stepSpecs } from '../../../src/specs/index.ts';
import { BATON_IMAGE_REGISTRY, renderGitlabTemplate } from '../../../src/specs/render.ts';

const root = join(import.meta.dirname, '../../..');
const read = (path: string) => readFile(join(root, path), 'utf8');

test('the Dockerfile: Node 24, git, and the baton command from the CLI bundle', async () => {
  const dockerfile = parseDockerfile(await read('Dockerfile'), 'Dockerfile');
  const final = dockerfile.stages.at(-1)!;
  const nodeArg = dockerfile.globalArgs.find((arg) => arg.args.startsWith('NODE_IMAGE='));
  assert.equal(final.base, '${NODE_IMAGE}');
  assert.match(nodeArg?.args ?? '', /^NODE_IMAGE=node:24[-.\w]*$/);
  const text = final.instructions.map((i) => `${i.keyword} ${i.args}`).join('\n');
  assert.match(text, /RUN apt-get update[\s\S]*install -y --no-install-recommends git ca-certificates/);
  assert.match(text, /COPY dist\/cli\/ \/opt\/baton\//);
  assert.match(text, /exec node \/opt\/baton\/index\.cjs/);
  assert.match(text, /exec node \/opt\/baton\/index\.cjs "\$@"\\n' > \/usr\/local\/bin\/baton/);
  assert.ok(!final.instructions.some((i) => i.keyword === 'ENTRYPOINT'), 'GitLab runs the script through the shell: no ENTRYPOINT');
  const ignore = new DockerIgnore(await read('.dockerignore'));
  assert.equal(ignore.ignores('dist/cli/index.cjs'), false, 'the build context holds the CLI loader');
  for (const file of await readdir(join(root, 'src/entry/steps'))) {
    const bundle = `dist/cli/${file.replace(/\.ts$/, '.cjs')}`;
    assert.equal(ignore.ignores(bundle), false, `the build context holds the step bundle ${bundle}`);
  }
  assert.equal(ignore.ignores('node_modules/yaml/package.json'), true);
  assert.equal(ignore.ignores('.git/config'), true);
});

test('the repository pipeline pushes the image every component of that commit runs', async () => {
  // `!reference [job, key]` is GitLab's tag; read as the plain list it is written as.
  const pipeline = parse((await read('.gitlab-ci.yml')).replaceAll('!reference ', '')) as Record<string, { script?: string[] }>;
  const script = (pipeline['baton-image']?.script ?? []).join('\n');
  assert.match(script, /buildah push "\$CI_REGISTRY_IMAGE\/baton:\$CI_COMMIT_SHA"/);
  // The component project is acme/baton, so its $CI_REGISTRY_IMAGE is the components' default registry path.
  assert.equal(BATON_IMAGE_REGISTRY, '$CI_REGISTRY/acme/baton');
  for (const spec of stepSpecs) {
    const [header, body] = renderGitlabTemplate(spec)
      .split('\n---\n')
      .map((part) => parse(part));
    assert.deepEqual(header.spec.component, ['sha'], spec.name);
    assert.equal(header.spec.inputs.image_registry.default, BATON_IMAGE_REGISTRY, spec.name);
    const job = Object.values(body)[0] as { image: string; resource_group?: string };
    assert.equal(job.image, '$[[ inputs.image_registry ]]/baton:$[[ component.sha ]]', spec.name);
  }
});

test('the jobs that change or watch an environment share one resource group per environment', () => {
  const groups = Object.fromEntries(
    stepSpecs.map((spec) => [
      spec.name,
      (Object.values(parse(renderGitlabTemplate(spec).split('\n---\n')[1]!))[0] as { resource_group?: string }).resource_group,
    ]),
  );
  assert.equal(groups['bump'], 'baton-$[[ inputs.env ]]');
  assert.equal(groups['verify'], 'baton-$[[ inputs.env ]]');
  assert.equal(groups['build-push'], undefined);
  assert.equal(groups['validate'], undefined);
  if ('promote' in groups) assert.equal(groups['promote'], 'baton-$[[ inputs.to ]]');
  if ('rollback' in groups) assert.equal(groups['rollback'], 'baton-$[[ inputs.env ]]');
});
