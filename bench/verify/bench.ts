/**
 * How fast verify reports what a rollout did, from the moment the (test) cluster flips: the rollout is
 * done, or its new pod is stuck in ImagePullBackOff. Baton against the naive way measured in the same
 * run: `kubectl rollout status` semantics (kubectl's own rules, nothing else), which learns of a stuck
 * image pull only when the Deployment's progress deadline (600 s by default) passes.
 *
 * The done case runs in real time against the Kubernetes API test server (TLS, watches). The
 * ImagePullBackOff case needs the default 60 s grace and 600 s deadline, so it runs on the manual clock
 * (the server's Date header and the pods' timestamps follow it) and reports virtual seconds; a real-time
 * run with a 2 s grace shows the overhead on top of the grace. Prints medians; asserts nothing.
 *
 *   node bench/verify/bench.ts [--runs 7]
 */
import { parseArgs } from 'node:util';
import { type Clock, systemClock } from '../../src/adapters/clusters/clock.ts';
import { loadKubeConfig } from '../../src/adapters/clusters/kube-config.ts';
import { KubeApi } from '../../src/adapters/clusters/kube-http.ts';
import { ResourceCatalog } from '../../src/adapters/clusters/kube-resources.ts';
import { WatchSet } from '../../src/adapters/clusters/kube-watch.ts';
import { TargetProbe } from '../../src/adapters/clusters/kubernetes.ts';
import type { Observation, Probe } from '../../src/adapters/clusters/probe.ts';
import { deploymentRolloutStatus } from '../../src/core/verify/rollout-status.ts';
import { parseTarget } from '../../src/core/verify/targets.ts';
import type { KubeObject } from '../../src/core/verify/types.ts';
import type { Verdict } from '../../src/core/verify/verdict.ts';
import { runProbes } from '../../src/steps/verify/runner.ts';
import { type KubeApiServer, manualClock, realScheduler, startKubeApi } from '../../test/helpers/kube-api.ts';
import { type App, type Behaviour, type Scheduler, seedDeployment, startRollout } from '../../test/helpers/rollout-scenarios.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const RUNS = Math.max(1, Number(values.runs));
const APP: App = { name: 'web', namespace: 'prod', replicas: 3 };
const GRACE_MS = 60_000;

/** `kubectl rollout status deployment/web` semantics: kubectl's rules on the Deployment, nothing more. */
class KubectlRolloutStatus implements Probe {
  readonly label = 'deployment/prod/web';
  readonly #api: KubeApi;
  #watches?: WatchSet;
  constructor(api: KubeApi) {
    this.#api = api;
  }
  /** kubectl watches the Deployment (by name) too. */
  watch(changed: () => void): void {
    this.#watches = new WatchSet(this.#api, changed);
    this.#watches.add('/apis/apps/v1/namespaces/prod/deployments', { fieldSelector: 'metadata.name=web' });
  }
  close(): void {
    this.#watches?.stop();
  }
  async observe(): Promise<Observation[]> {
    const { body } = await this.#api.get<KubeObject>('/apis/apps/v1/namespaces/prod/deployments/web');
    const status = deploymentRolloutStatus(body);
    const outcome = status.error ? 'failed' : status.done ? 'healthy' : 'progressing';
    return [{ target: this.label, outcome, reason: 'kubectl', message: status.error ?? status.message }];
  }
}

/** Records when the rollout's outcome became visible in the API: done, or the first failing pull. */
function watchFlip(api: KubeApiServer, clock: Pick<Clock, 'now'>): () => number | undefined {
  let flipAt: number | undefined;
  const update = api.update.bind(api);
  api.update = (kind, namespace, name, mutate) => {
    const object = update(kind, namespace, name, mutate);
    if (flipAt === undefined && kind === 'Deployment' && deploymentRolloutStatus(object).done && object.metadata.generation === 2)
      flipAt = clock.now();
    const waiting = kind === 'Pod' ? JSON.stringify(object.status?.['containerStatuses'] ?? '') : '';
    if (flipAt === undefined && /ErrImagePull|ImagePullBackOff/.test(waiting)) flipAt = clock.now();
    return object;
  };
  return () => flipAt;
}

interface Trial {
  readonly behaviour: Behaviour;
  readonly clock: 'real' | 'manual';
  readonly who: 'baton' | 'baton-poll' | 'kubectl';
  readonly graceMs: number;
}

/** One run: a fresh cluster, a rollout, a verifier; the time from the flip to the verdict. */
async function trial(t: Trial): Promise<{ ms: number; verdict: Verdict }> {
  const manual = t.clock === 'manual' ? manualClock() : undefined;
  const real = t.clock === 'real' ? realScheduler() : undefined;
  const clock: Clock = manual ?? systemClock;
  const scheduler: Scheduler = manual ?? real!;
  const api = await startKubeApi({ clock });
  try {
    seedDeployment(api, scheduler, APP, 'ghcr.io/acme/web:1.0.0');
    const flip = watchFlip(api, clock);
    startRollout(api, scheduler, APP, { image: 'ghcr.io/acme/web:1.1.0', behaviour: t.behaviour, stepMs: t.clock === 'real' ? 300 : 3000 });
    const kube = new KubeApi(loadKubeConfig({ kubeconfig: api.kubeconfig(), env: {}, cwd: process.cwd() }));
    const rules = { graceMs: t.graceMs, restartThreshold: 3 };
    const probe =
      t.who === 'kubectl'
        ? new KubectlRolloutStatus(kube)
        : new TargetProbe(
            { api: kube, catalog: new ResourceCatalog(kube), clock, rules },
            { ...parseTarget('deployment/prod/web'), name: 'web' },
            'prod',
          );
    const verdict = await runProbes([probe], {
      clock,
      timeoutMs: 900_000,
      intervalMs: 2000,
      watch: t.who !== 'baton-poll' && t.clock === 'real',
      log: () => {},
    });
    const end = clock.now();
    return { ms: end - (flip() ?? end), verdict };
  } finally {
    real?.cancel();
    await api.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measure(t: Trial): Promise<{ median: number; status: string }> {
  const times: number[] = [];
  let status = '';
  for (let i = 0; i < RUNS; i++) {
    const { ms, verdict } = await trial(t);
    times.push(ms);
    status = verdict.status;
  }
  return { median: median(times), status };
}

function show(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

const rows: string[][] = [];
async function row(label: string, baton: Trial, naive: Trial): Promise<void> {
  const a = await measure(baton);
  const b = await measure(naive);
  const ratio = a.median > 0 ? `${(b.median / a.median).toFixed(1)}x` : '—';
  rows.push([label, `${show(a.median)} (${a.status})`, `${show(b.median)} (${b.status})`, ratio]);
}

await row(
  'done → verdict, real time, watch',
  { behaviour: 'healthy', clock: 'real', who: 'baton', graceMs: GRACE_MS },
  { behaviour: 'healthy', clock: 'real', who: 'kubectl', graceMs: GRACE_MS },
);
await row(
  'ImagePullBackOff → verdict, virtual time, grace 60 s',
  { behaviour: 'image-pull', clock: 'manual', who: 'baton-poll', graceMs: GRACE_MS },
  { behaviour: 'image-pull', clock: 'manual', who: 'kubectl', graceMs: GRACE_MS },
);
const polled = await measure({ behaviour: 'healthy', clock: 'real', who: 'baton-poll', graceMs: GRACE_MS });
const quick = await measure({ behaviour: 'image-pull', clock: 'real', who: 'baton', graceMs: 2000 });

const header = ['scenario (median of ' + RUNS + ' runs)', 'Baton', 'kubectl rollout status semantics', 'naive / Baton'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(`\nBaton without watches (poll every 2 s), done → verdict: ${show(polled.median)} (${polled.status})`);
console.log(`Baton, ImagePullBackOff → verdict, real time, grace 2 s: ${show(quick.median)} (${quick.status}); goal: grace + 2 s`);
console.log('Goals: done within 2 s of the flip; ImagePullBackOff within grace + 2 s (kubectl: the 600 s progress deadline).');
console.log('Flip: the Deployment status that kubectl calls done, or the first ErrImagePull the kubelet reports.');
console.log(
  'kubectl watches the Deployment too, so "done" costs it no more than Baton; its ImagePullBackOff verdict waits for ' +
    'progressDeadlineSeconds (600).',
);
