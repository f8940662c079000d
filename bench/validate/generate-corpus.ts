/**
 * Writes a corpus for the validate benchmark: `files` YAML files of `perFile` resources each, mixed
 * kinds (Deployments, StatefulSets, CronJobs, Services, ConfigMaps, Ingresses, HPAs, PDBs), with a
 * share of invalid resources (wrong types, unknown fields, bad quantities, removed APIs).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What to generate. */
export interface CorpusOptions {
  readonly dir: string;
  readonly files: number;
  readonly perFile: number;
  /** Share of invalid resources, 0..1. */
  readonly invalid: number;
}

const container = (n: number, cpu = '100m') => `        - name: app
          image: registry.example.com/team/svc-${n % 97}:1.${n % 13}.${n % 7}
          ports:
            - containerPort: 8080
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: SERVICE_ID, value: "${n}"}
          resources:
            requests: {cpu: ${cpu}, memory: 128Mi}
            limits: {memory: 256Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false`;

const KINDS: ReadonlyArray<(n: number, bad: boolean) => string> = [
  (n, bad) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${n}
  namespace: team-${n % 20}
  labels: {app: svc-${n}}
spec:
  replicas: ${bad ? '"three"' : 3}
  selector:
    matchLabels: {app: svc-${n}}
  template:
    metadata:
      labels: {app: svc-${n}}
    spec:
      containers:
${container(n)}`,
  (n, bad) => `apiVersion: v1
kind: Service
metadata:
  name: svc-${n}
  namespace: team-${n % 20}
spec:
  selector: {app: svc-${n}}
  ports:
    - {port: 80, targetPort: 8080${bad ? ', protocl: TCP' : ''}}`,
  (n, bad) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg-${n}
  namespace: team-${n % 20}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
  limit: ${bad ? 42 : '"42"'}`,
  (n, bad) => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-${n}
  namespace: team-${n % 20}
spec:
  serviceName: db-${n}
  replicas: 1
  selector:
    matchLabels: {app: db-${n}}
  template:
    metadata:
      labels: {app: db-${n}}
    spec:
      containers:
${container(n, bad ? 'lots' : '250m')}`,
  (n, bad) => `apiVersion: ${bad ? 'batch/v1beta1' : 'batch/v1'}
kind: CronJob
metadata:
  name: job-${n}
  namespace: team-${n % 20}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext: {runAsNonRoot: true}
          containers:
            - name: job
              image: registry.example.com/team/job:2.${n % 9}.0
              resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {memory: 128Mi}}`,
  (n, bad) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web-${n}
  namespace: team-${n % 20}
spec:
  rules:
    - host: svc-${n}.example.com
      http:
        paths:
          - path: /
            pathType: ${bad ? 'Everything' : 'Prefix'}
            backend:
              service: {name: svc-${n}, port: {number: 80}}`,
  (n, bad) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: svc-${n}
  namespace: team-${n % 20}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: svc-${n}}
  minReplicas: 2
  maxReplicas: ${bad ? '"ten"' : 10}
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}`,
  (n, bad) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: svc-${n}
  namespace: team-${n % 20}
spec:
  ${bad ? 'minAvailable: 1\n  maxUnavailabel: 1' : 'minAvailable: 1'}
  selector:
    matchLabels: {app: svc-${n}}`,
];

/** Writes the corpus; returns how many resources are invalid. */
export async function generateCorpus(options: CorpusOptions): Promise<number> {
  let n = 0;
  let invalid = 0;
  const every = Math.round(1 / options.invalid);
  for (let f = 0; f < options.files; f++) {
    const dir = join(options.dir, `team-${f % 20}`, `app-${Math.floor(f / 20) % 50}`);
    if (f < 1000) await mkdir(dir, { recursive: true });
    const docs: string[] = [];
    for (let i = 0; i < options.perFile; i++, n++) {
      const bad = n % every === every - 1;
      if (bad) invalid++;
      docs.push(KINDS[n % KINDS.length]!(n, bad));
    }
    await writeFile(join(dir, `file-${f}.yaml`), `${docs.join('\n---\n')}\n`);
  }
  return invalid;
}
