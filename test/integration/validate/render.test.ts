/**
 * Rendering: a kustomize base with two overlays through the real `kubectl kustomize` (or `kustomize`
 * when installed), a broken overlay that reports the renderer's own error, and `helm template` through
 * a stand-in executable on PATH (helm cannot be installed here; see test/fixtures/validate/helm/bin/helm).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { helmTemplateArgs, renderHelm } from '../../../src/adapters/render/helm.ts';
import { renderKustomize } from '../../../src/adapters/render/kustomize.ts';
import type { RenderOptions } from '../../../src/adapters/render/types.ts';
import type { Report } from '../../../src/core/validate/types.ts';
import { parseInputs } from '../../../src/platform/inputs.ts';
import { validateSpec } from '../../../src/specs/validate.ts';
import type { StepContext } from '../../../src/steps/shared/types.ts';
import { defaultValidateDeps, runValidation, type ValidateDeps } from '../../../src/steps/validate/step.ts';
import { validateInputs } from '../../../src/steps/validate/inputs.ts';
import { skipWithout } from '../../helpers/registry.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/validate');
const STAND_IN = join(FIXTURES, 'helm/bin');

function context(cwd: string, logs: string[] = []): StepContext {
  return {
    cwd,
    env: {},
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(`warning: ${m}`), secret: () => {}, group: (_t, body) => body() },
  };
}

const deps: ValidateDeps = {
  ...defaultValidateDeps(),
  renderers: {
    kustomize: renderKustomize,
    helm: (dir: string, options: RenderOptions) => renderHelm(dir, { ...options, env: { PATH: `${STAND_IN}:${process.env['PATH']}` } }),
  },
  manifestHead: async () => {
    throw new Error('not used');
  },
  readStdin: async () => '',
};

async function validate(cwd: string, raw: Record<string, string | string[]>): Promise<Report> {
  return runValidation(validateInputs(parseInputs(validateSpec, raw, {})), deps, context(cwd));
}

function summary(report: Report): string[] {
  return report.findings.map((f) => {
    const rendered = f.location.rendered;
    return `${f.level} ${f.rule} ${f.location.file}${rendered ? ` #${rendered.document}@${rendered.line}:${rendered.column}` : ''}`;
  });
}

describe('kustomize', { skip: skipWithout('kubectl') }, () => {
  test('a base and two overlays, each rendered and validated', async () => {
    const report = await validate(join(FIXTURES, 'kustomize'), { paths: ['overlays'] });
    assert.equal(report.counts.files, 2, 'two rendered streams');
    assert.equal(report.counts.resources, 4);
    assert.deepEqual(summary(report), [
      // production's patch sets replicas to a string; kustomize's origin annotation names the base file.
      'error schema base/deployment.yaml #2@29:13',
    ]);
    const finding = report.findings[0]!;
    assert.match(finding.message, /\/spec\/replicas: expected integer, got string "three"/);
    assert.equal(finding.resource?.namespace, 'production');
    assert.equal(finding.location.rendered?.by, 'kustomize overlays/production');
  });

  test('the staging overlay alone is valid; its findings would point at its kustomization', async () => {
    const report = await validate(join(FIXTURES, 'kustomize'), { paths: ['overlays/staging'], render: 'kustomize' });
    assert.deepEqual(report.findings, []);
    assert.equal(report.counts.resources, 2);
    assert.ok(report.resources.every((r) => r.location.file === 'overlays/staging/kustomization.yaml'));
  });

  test('render: none reads the files as they are (the base alone, no namespace)', async () => {
    const report = await validate(join(FIXTURES, 'kustomize'), { paths: ['base'], render: 'none' });
    assert.equal(report.counts.files, 2);
    assert.deepEqual(report.findings, []);
  });

  test("a broken overlay reports the renderer's own error", async () => {
    const report = await validate(FIXTURES, { paths: ['kustomize-broken/overlay'] });
    assert.equal(report.findings.length, 2, summary(report).join('\n'));
    const render = report.findings.find((f) => f.rule === 'render')!;
    assert.equal(render.location.file, 'kustomize-broken/overlay/kustomization.yaml');
    assert.match(render.message, /^(kubectl kustomize|kustomize build) kustomize-broken\/overlay failed: .*does-not-exist\.yaml/s);
    assert.doesNotMatch(render.message, /run\.go:\d+\]/, 'klog headers are dropped');
    assert.ok(report.findings.some((f) => f.rule === 'no-objects'));
  });

  test('render: kustomize on a directory without a kustomization is bad input', async () => {
    await assert.rejects(
      validate(join(FIXTURES, 'kustomize'), { paths: ['base/..'], render: 'kustomize' }),
      /paths: "\." has no kustomization\.yaml, so render: kustomize cannot render it/,
    );
  });
});

describe('helm (stand-in executable)', () => {
  const chartDir = join(FIXTURES, 'helm');

  test('helm template with the chart defaults renders a valid release', async () => {
    const report = await validate(chartDir, { paths: ['charts/api'] });
    assert.equal(report.counts.resources, 2);
    assert.deepEqual(report.findings, []);
    assert.equal(report.resources[1]?.location.file, 'charts/api/templates/deployment.yaml');
  });

  test("the environment's values file is passed, and findings name the template from # Source", async () => {
    const report = await validate(chartDir, { paths: ['charts/api'], env: 'production' });
    assert.deepEqual(summary(report).sort(), [
      'error image-tag charts/api/templates/deployment.yaml #2@44:18',
      'error schema charts/api/templates/deployment.yaml #2@52:20',
    ]);
    assert.match(report.findings.map((f) => f.message).join('\n'), /"lots" is not a Kubernetes quantity/);
  });

  test("a failed helm template becomes a render finding with helm's message", async () => {
    const report = await validate(chartDir, { paths: ['charts/api'], values: ['charts/api/values.yaml'] });
    const render = report.findings.find((f) => f.rule === 'render')!;
    assert.equal(render.location.file, 'charts/api/Chart.yaml');
    assert.match(
      render.message,
      /^helm template api charts\/api --kube-version 1\.36\.0 --include-crds --values charts\/api\/values\.yaml failed: Error: stand-in helm: unexpected arguments/,
    );
  });

  test('the arguments baton gives helm: release from the directory, target version, CRDs, values in order', () => {
    assert.deepEqual(helmTemplateArgs('charts/My_API', { cwd: '.', kubernetesVersion: '1.30.2', valuesFiles: ['a.yaml', 'b.yaml'] }), [
      'template',
      'my-api',
      'charts/My_API',
      '--kube-version',
      '1.30.2',
      '--include-crds',
      '--values',
      'a.yaml',
      '--values',
      'b.yaml',
    ]);
  });

  test('helm missing from PATH is bad input that says what to do', async () => {
    await assert.rejects(
      renderHelm('charts/api', { cwd: chartDir, kubernetesVersion: '1.36.0', env: { PATH: '/nonexistent' } }),
      /helm is not on PATH; install helm .*render the chart first \(helm template <release> charts\/api > rendered.yaml\)/,
    );
    // render: none would read Go templates as manifests and report junk; the message must not send users there.
    await assert.rejects(
      renderHelm('charts/api', { cwd: chartDir, kubernetesVersion: '1.36.0', env: { PATH: '/nonexistent' } }),
      (error: Error) => !/set render to none/.test(error.message),
    );
  });
});
