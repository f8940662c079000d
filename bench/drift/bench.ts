/**
 * drift on a large environment: 2,000 objects across 10 kinds and 20 namespaces, rendered from plain
 * files and compared with the Kubernetes API test server (TLS, RBAC, JSON as the real server sends it),
 * which runs in a process of its own (cluster.ts) so that its work is not counted as drift's.
 * Prints wall time and API requests of the whole step (read, parse, LIST, compare), and the naive way
 * measured in the same run: one GET per object. Goal: under 3 s, one LIST per kind and namespace.
 * Prints medians; asserts nothing.
 *
 *   node bench/drift/bench.ts [--runs 3]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { loadKubeConfig } from '../../src/adapters/clusters/kube-config.ts';
import { KubeApi } from '../../src/adapters/clusters/kube-http.ts';
import type { KubeDoc } from '../../src/core/drift/types.ts';
import { manualClock } from '../../test/helpers/kube-api.ts';
import { driftDeps, runDriftStep } from '../../test/helpers/drift-harness.ts';
import type { ClusterRequest } from './cluster.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Math.max(1, Number(values.runs));
const NAMESPACES = Array.from({ length: 20 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
const PER_KIND = 10;

const pod = (name: string) => ({
  metadata: { labels: { app: name } },
  spec: {
    containers: [
      {
        name: 'app',
        image: `registry.example/${name}:1.0.0`,
        ports: [{ containerPort: 8080 }],
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
      },
    ],
  },
});
const MAKERS: ((name: string) => KubeDoc)[] = [
  (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1', b: 'two' } }),
  (name) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', data: { token: 'c2VjcmV0' } }),
  (name) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
  }),
  (name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } }),
  (name) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: pod(name) },
  }),
  (name) => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: { replicas: 1, serviceName: name, selector: { matchLabels: { app: name } }, template: pod(name) },
  }),
  (name) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { template: { ...pod(name), spec: { ...pod(name).spec, restartPolicy: 'Never' } } },
  }),
  (name) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: pod(name) } } },
  }),
  (name) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name },
    spec: {
      rules: [
        {
          host: `${name}.example`,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] },
        },
      ],
    },
  }),
  (name) => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 2, maxReplicas: 10 },
  }),
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const clock = manualClock();
const cluster = fork(join(import.meta.dirname, 'cluster.ts'), [], { stdio: 'inherit' });
const reply = async <T>(request: ClusterRequest | undefined, kind: string): Promise<T> => {
  const answer = new Promise<T>((resolve) => {
    const listener = (message: { kind: string } & T) => {
      if (message.kind !== kind) return;
      cluster.off('message', listener);
      resolve(message);
    };
    cluster.on('message', listener);
  });
  if (request) cluster.send(request);
  return answer;
};
const { kubeconfig } = await reply<{ kubeconfig: string }>(undefined, 'ready');
const served = async () => (await reply<{ requests: string[] }>({ kind: 'requests' }, 'requests')).requests;
const dir = await mkdtemp(join(tmpdir(), 'baton-drift-bench-'));
const all: KubeDoc[] = [];
for (const namespace of NAMESPACES) {
  const docs = MAKERS.flatMap((make) =>
    Array.from({ length: PER_KIND }, (_, i) => ({ ...make(`app-${i}`), metadata: { name: `app-${i}`, namespace } }) as KubeDoc),
  );
  all.push(...docs);
  await reply({ kind: 'seed', docs, namespace }, 'seeded');
  await writeFile(join(dir, `${namespace}.yaml`), docs.map((doc) => stringify(doc)).join('---\n'));
}
await reply({ kind: 'drift' }, 'drifted');

const times: number[] = [];
let last: { code: number; lists: number; gets: number; discovery: number; drifted: string } | undefined;
for (let run = 0; run < RUNS; run++) {
  const before = (await served()).length;
  const start = performance.now();
  const result = await runDriftStep({ path: '.', render: 'none', kubeconfig, 'fail-on-drift': 'false' }, driftDeps(clock), dir);
  times.push(performance.now() - start);
  console.log(`  run ${run + 1}: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  const requests = (await served()).slice(before);
  last = {
    code: result.code,
    lists: requests.filter((path) => /\/namespaces\/[^/]+\/[^/]+$/.test(path)).length,
    gets: requests.filter((path) => /\/namespaces\/[^/]+\/[^/]+\/[^/]+$/.test(path)).length,
    discovery: requests.filter((path) => !path.includes('/namespaces/')).length,
    drifted: result.result?.outputs['drifted-count'] ?? '?',
  };
}

// The naive way: one GET per object, 16 at a time.
const kube = new KubeApi(loadKubeConfig({ kubeconfig, env: {}, cwd: process.cwd() }));
const naive: number[] = [];
const naiveBefore = (await served()).length;
for (let run = 0; run < RUNS; run++) {
  const start = performance.now();
  let next = 0;
  const plural: Record<string, string> = {
    ConfigMap: 'configmaps',
    Secret: 'secrets',
    Service: 'services',
    ServiceAccount: 'serviceaccounts',
    Deployment: 'deployments',
    StatefulSet: 'statefulsets',
    Job: 'jobs',
    CronJob: 'cronjobs',
    Ingress: 'ingresses',
    HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  };
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < all.length) {
        const doc = all[next++]!;
        const base = doc.apiVersion === 'v1' ? '/api/v1' : `/apis/${doc.apiVersion}`;
        await kube.getOptional(`${base}/namespaces/${doc.metadata!.namespace}/${plural[String(doc.kind)]}/${doc.metadata!.name}`);
      }
    }),
  );
  naive.push(performance.now() - start);
}
const naiveRequests = ((await served()).length - naiveBefore) / RUNS;

console.log(
  `drift bench: ${all.length} objects, ${MAKERS.length} kinds, ${NAMESPACES.length} namespaces; ${RUNS} run(s); ${cpus().length} CPU(s)`,
);
console.log(`  baton drift (whole step): median ${(median(times) / 1000).toFixed(2)} s; exit ${last?.code}, ${last?.drifted} drifted`);
console.log(
  `    API requests per run: ${last?.lists} LIST (${MAKERS.length * NAMESPACES.length} kind×namespace pairs), ${last?.gets} GET of ` +
    `one object, ${last?.discovery} discovery`,
);
console.log(
  `  naive, one GET per object (16 at a time, reading only): median ${(median(naive) / 1000).toFixed(2)} s, ${naiveRequests} ` +
    `requests per run`,
);
console.log(
  `  ratio naive/baton: ${(median(naive) / median(times)).toFixed(1)}x time, ` +
    `${(naiveRequests / ((last?.lists ?? 1) + (last?.discovery ?? 0))).toFixed(0)}x requests`,
);
cluster.send({ kind: 'stop' } satisfies ClusterRequest);
await once(cluster, 'exit');
await rm(dir, { recursive: true, force: true });
