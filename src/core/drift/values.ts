/**
 * When a value Git sets equals the one that runs, as Kubernetes means it: quantities by amount, integers
 * written as strings where the API field is an integer, and defaulted fields that Git spells out.
 */
import { sameQuantity } from './quantity.ts';

/** Parents whose values are resource quantities (`resources.requests.cpu`, a ResourceQuota's `hard`). */
const QUANTITY_PARENTS = new Set([
  'requests',
  'limits',
  'capacity',
  'allocatable',
  'hard',
  'min',
  'max',
  'default',
  'defaultRequest',
  'maxLimitRequestRatio',
]);
/** Fields that hold quantities themselves. */
const QUANTITY_FIELDS = new Set(['sizeLimit', 'storage', 'averageValue']);

/**
 * Integer fields (and int-or-string fields) of the built-in API: YAML such as `port: "80"` or
 * `replicas: "3"` reaches the API server as a string, which it converts; the live object holds the number.
 */
const INT_FIELDS = new Set([
  'replicas',
  'minReplicas',
  'maxReplicas',
  'port',
  'containerPort',
  'hostPort',
  'nodePort',
  'targetPort',
  'revisionHistoryLimit',
  'progressDeadlineSeconds',
  'minReadySeconds',
  'terminationGracePeriodSeconds',
  'initialDelaySeconds',
  'periodSeconds',
  'timeoutSeconds',
  'successThreshold',
  'failureThreshold',
  'backoffLimit',
  'completions',
  'parallelism',
  'activeDeadlineSeconds',
  'ttlSecondsAfterFinished',
  'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit',
  'startingDeadlineSeconds',
  'runAsUser',
  'runAsGroup',
  'fsGroup',
  'defaultMode',
  'mode',
  'priority',
  'weight',
  'maxSurge',
  'maxUnavailable',
  'minAvailable',
  'averageUtilization',
  'partition',
  'number',
]);

/**
 * Values the API server fills in when a field is left out. Git may spell them out; a live object that
 * lacks them (an older server, a field the server prunes) then still matches. Keyed by field name, with
 * the parent field when the name alone is ambiguous.
 */
export const DEFAULTS: Readonly<Record<string, unknown>> = {
  protocol: 'TCP',
  imagePullPolicy: 'IfNotPresent',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
  sessionAffinity: 'None',
  'spec.type': 'ClusterIP',
  'strategy.type': 'RollingUpdate',
  revisionHistoryLimit: 10,
  progressDeadlineSeconds: 600,
  terminationGracePeriodSeconds: 30,
  podManagementPolicy: 'OrderedReady',
  concurrencyPolicy: 'Allow',
  suspend: false,
  enableServiceLinks: true,
};

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** The field name and its parent's name, from a path of field names (list items left out). */
export interface FieldContext {
  readonly field: string;
  readonly parent: string;
  /** The kind of the object, for kind-specific defaults. */
  readonly kind: string;
}

/** The default of a field, when Kubernetes has one Baton knows. */
export function defaultOf(context: FieldContext): unknown {
  const qualified = `${context.parent}.${context.field}`;
  if (qualified in DEFAULTS) {
    // `spec.type` is a Service's type; a Deployment's strategy type is qualified by `strategy`.
    if (qualified === 'spec.type' && context.kind !== 'Service') return undefined;
    return DEFAULTS[qualified];
  }
  return Object.hasOwn(DEFAULTS, context.field) ? DEFAULTS[context.field] : undefined;
}

/** True when Git's scalar `want` and the live `got` mean the same thing in this field. */
export function sameScalar(want: unknown, got: unknown, context: FieldContext): boolean {
  if (Object.is(want, got) || want === got) return true;
  if (got === undefined) return want === defaultOf(context) && want !== undefined;
  if (INT_FIELDS.has(context.field)) {
    const a = numeric(want);
    if (a !== undefined && a === numeric(got)) return true;
  }
  if (QUANTITY_PARENTS.has(context.parent) || QUANTITY_FIELDS.has(context.field)) return sameQuantity(want, got);
  return false;
}
