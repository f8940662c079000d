/**
 * Runs the drift step the way the platforms do (raw inputs checked by the spec, then the step) against
 * the test servers, with an environment directory written from objects and a cluster "applied" from the
 * same objects the way the API server stores them (defaults filled in, server metadata added).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ArgoCdDriftClient } from '../../src/adapters/clusters/argocd-drift.ts';
import type { Clock } from '../../src/adapters/clusters/clock.ts';
import { loadKubeConfig } from '../../src/adapters/clusters/kube-config.ts';
import { KubeApi } from '../../src/adapters/clusters/kube-http.ts';
import { GitHubIssues } from '../../src/adapters/forges/github-issues.ts';
import { GitLabIssues } from '../../src/adapters/forges/gitlab-issues.ts';
import { renderHelm } from '../../src/adapters/render/helm.ts';
import { renderKustomize } from '../../src/adapters/render/kustomize.ts';
import type { KubeDoc } from '../../src/core/drift/types.ts';
import { describeError, exitCodeFor } from '../../src/core/errors.ts';
import { parseInputs, type RawInputs } from '../../src/platform/inputs.ts';
import { driftSpec } from '../../src/specs/drift.ts';
import type { StepContext, StepResult } from '../../src/steps/shared/types.ts';
import { type DriftDeps, DriftFailure, driftStep } from '../../src/steps/drift/step.ts';
import type { KubeApiServer } from './kube-api.ts';

/** What one run of the step came to. */
export interface DriftRun {
  readonly code: 0 | 1 | 2;
  readonly result?: StepResult;
  readonly message: string;
  readonly logs: string[];
}

function context(env: Record<string, string | undefined>, cwd: string): StepContext & { logs: string[] } {
  const logs: string[] = [];
  return {
    logs,
    env,
    cwd,
    log: {
      info: (m) => void logs.push(m),
      warn: (m) => void logs.push(`warning: ${m}`),
      secret: () => {},
      group: async (title, body) => {
        logs.push(`== ${title}`);
        return body();
      },
    },
  };
}

/** Deps for tests: the given clock, the real adapters, forges chosen by the test. */
export function driftDeps(clock: Clock, extra: Partial<DriftDeps> = {}): DriftDeps {
  return {
    clock,
    renderers: { kustomize: renderKustomize, helm: renderHelm },
    kubernetes: (source) => new KubeApi(loadKubeConfig(source)),
    argocd: (options) => new ArgoCdDriftClient(options),
    issues: ({ repoUrl, token, env }) =>
      repoUrl.includes('gitlab') ? new GitLabIssues({ repoUrl, token, env }) : new GitHubIssues({ repoUrl, token, env }),
    commitStatus: async () => {
      throw new Error('no forge for commit statuses in this test');
    },
    ...extra,
  };
}

/** Runs drift with raw inputs as a platform would; never throws. */
export async function runDriftStep(
  raw: RawInputs,
  deps: DriftDeps,
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<DriftRun> {
  const ctx = context(env, cwd);
  try {
    const inputs = parseInputs(driftSpec, raw, env);
    const result = await driftStep(deps).run(inputs, ctx);
    return { code: 0, result, message: '', logs: ctx.logs };
  } catch (error) {
    const result = error instanceof DriftFailure ? error.result : undefined;
    return { code: exitCodeFor(error), ...(result ? { result } : {}), message: describeError(error), logs: ctx.logs };
  }
}

/** A temporary env-repo checkout with files; returns its directory and a cleanup. */
export async function envRepo(files: Record<string, string | KubeDoc[]>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-drift-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), typeof content === 'string' ? content : content.map((doc) => stringify(doc)).join('---\n'));
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function withDefaults(doc: KubeDoc): KubeDoc {
  const copy = structuredClone(doc) as Record<string, unknown> & { spec?: Record<string, unknown> };
  const pod = (copy.spec?.['template'] as { spec?: Record<string, unknown> } | undefined)?.spec;
  if (pod) {
    pod['restartPolicy'] ??= 'Always';
    pod['dnsPolicy'] ??= 'ClusterFirst';
    for (const c of (pod['containers'] as Record<string, unknown>[] | undefined) ?? []) {
      c['imagePullPolicy'] ??= 'IfNotPresent';
      c['terminationMessagePath'] ??= '/dev/termination-log';
      for (const p of (c['ports'] as Record<string, unknown>[] | undefined) ?? []) p['protocol'] ??= 'TCP';
    }
    copy.spec!['revisionHistoryLimit'] ??= 10;
  }
  if (doc.kind === 'Service' && copy.spec) {
    copy.spec['type'] ??= 'ClusterIP';
    copy.spec['clusterIP'] ??= '10.96.12.34';
    for (const p of (copy.spec['ports'] as Record<string, unknown>[] | undefined) ?? []) {
      p['protocol'] ??= 'TCP';
      p['targetPort'] ??= p['port'];
    }
  }
  const metadata = (copy['metadata'] ?? {}) as Record<string, unknown>;
  metadata['annotations'] = {
    ...((metadata['annotations'] as Record<string, string>) ?? {}),
    'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(doc),
  };
  copy['metadata'] = metadata;
  return copy as KubeDoc;
}

/** Creates the objects in the test cluster as `kubectl apply` would leave them. */
export function applyAll(api: KubeApiServer, docs: readonly KubeDoc[], namespace: string): void {
  for (const doc of docs) {
    const stored = withDefaults(doc);
    api.create({ ...stored, metadata: { ...stored.metadata, namespace: doc.metadata?.namespace ?? namespace } } as Parameters<
      KubeApiServer['create']
    >[0]);
  }
}
