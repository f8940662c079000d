import { atLeast, formatKubeVersion, type KubeVersion } from './kube-version.ts';

/**
 * When built-in APIs stopped or started being served. The removals follow the Kubernetes deprecated
 * API migration guide (kubernetes.io/docs/reference/using-api/deprecation-guide/); the introductions
 * are the releases in which the replacement APIs became generally available. The built-in schemas
 * keep removed versions (they merge several releases), so this table is what makes a target version
 * matter.
 */
interface Removal {
  readonly apiVersion: string;
  readonly kinds: readonly string[];
  readonly removedIn: readonly [number, number];
  /** The apiVersion to move to; absent when the API went away without a replacement. */
  readonly use?: string;
}

interface Introduction {
  readonly apiVersion: string;
  readonly kinds: readonly string[];
  readonly since: readonly [number, number];
}

const REMOVALS: readonly Removal[] = [
  { apiVersion: 'extensions/v1beta1', kinds: ['DaemonSet', 'Deployment', 'ReplicaSet'], removedIn: [1, 16], use: 'apps/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: [1, 16], use: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: [1, 16], use: 'policy/v1beta1' },
  { apiVersion: 'apps/v1beta1', kinds: ['Deployment', 'StatefulSet', 'ControllerRevision'], removedIn: [1, 16], use: 'apps/v1' },
  {
    apiVersion: 'apps/v1beta2',
    kinds: ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'ControllerRevision'],
    removedIn: [1, 16],
    use: 'apps/v1',
  },
  {
    apiVersion: 'admissionregistration.k8s.io/v1beta1',
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    removedIn: [1, 22],
    use: 'admissionregistration.k8s.io/v1',
  },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], removedIn: [1, 22], use: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], removedIn: [1, 22], use: 'apiregistration.k8s.io/v1' },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], removedIn: [1, 22], use: 'authentication.k8s.io/v1' },
  {
    apiVersion: 'authorization.k8s.io/v1beta1',
    kinds: ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview'],
    removedIn: [1, 22],
    use: 'authorization.k8s.io/v1',
  },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], removedIn: [1, 22], use: 'certificates.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], removedIn: [1, 22], use: 'coordination.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: [1, 22], use: 'networking.k8s.io/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: [1, 22], use: 'networking.k8s.io/v1' },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1beta1',
    kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
    removedIn: [1, 22],
    use: 'rbac.authorization.k8s.io/v1',
  },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], removedIn: [1, 22], use: 'scheduling.k8s.io/v1' },
  {
    apiVersion: 'storage.k8s.io/v1beta1',
    kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
    removedIn: [1, 22],
    use: 'storage.k8s.io/v1',
  },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: [1, 25], use: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: [1, 25], use: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], removedIn: [1, 25], use: 'events.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: [1, 25], use: 'autoscaling/v2' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: [1, 25], use: 'policy/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: [1, 25] },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: [1, 25], use: 'node.k8s.io/v1' },
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    removedIn: [1, 26],
    use: 'flowcontrol.apiserver.k8s.io/v1',
  },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: [1, 26], use: 'autoscaling/v2' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: [1, 27], use: 'storage.k8s.io/v1' },
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    removedIn: [1, 29],
    use: 'flowcontrol.apiserver.k8s.io/v1',
  },
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    removedIn: [1, 32],
    use: 'flowcontrol.apiserver.k8s.io/v1',
  },
];

const INTRODUCTIONS: readonly Introduction[] = [
  { apiVersion: 'apps/v1', kinds: ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'ControllerRevision'], since: [1, 9] },
  { apiVersion: 'networking.k8s.io/v1', kinds: ['Ingress', 'IngressClass'], since: [1, 19] },
  { apiVersion: 'batch/v1', kinds: ['CronJob'], since: [1, 21] },
  { apiVersion: 'policy/v1', kinds: ['PodDisruptionBudget'], since: [1, 21] },
  { apiVersion: 'discovery.k8s.io/v1', kinds: ['EndpointSlice'], since: [1, 21] },
  { apiVersion: 'autoscaling/v2', kinds: ['HorizontalPodAutoscaler'], since: [1, 23] },
  { apiVersion: 'storage.k8s.io/v1', kinds: ['CSIStorageCapacity'], since: [1, 24] },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], since: [1, 29] },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
    since: [1, 30],
  },
  { apiVersion: 'resource.k8s.io/v1', kinds: ['DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice'], since: [1, 34] },
];

/** Why an apiVersion/kind is not served by the target release, with what to use instead. */
export interface ApiAvailability {
  readonly message: string;
  readonly fix: string;
}

/**
 * Checks an apiVersion and kind against the target release: undefined when it is served (or unknown
 * to the table), else why not.
 */
export function checkApiAvailability(apiVersion: string, kind: string, target: KubeVersion): ApiAvailability | undefined {
  const version = formatKubeVersion(target);
  const removal = REMOVALS.find((r) => r.apiVersion === apiVersion && r.kinds.includes(kind));
  if (removal && atLeast(target, removal.removedIn[0], removal.removedIn[1])) {
    const [major, minor] = removal.removedIn;
    return {
      message: `${apiVersion} ${kind} was removed in Kubernetes ${major}.${minor}; the target is ${version}.`,
      fix: removal.use
        ? `Use apiVersion: ${removal.use} (see the Kubernetes deprecated API migration guide).`
        : `${kind} has no replacement in ${version}; remove it.`,
    };
  }
  const intro = INTRODUCTIONS.find((r) => r.apiVersion === apiVersion && r.kinds.includes(kind));
  if (intro && !atLeast(target, intro.since[0], intro.since[1])) {
    return {
      message: `${apiVersion} ${kind} is served from Kubernetes ${intro.since[0]}.${intro.since[1]}; the target is ${version}.`,
      fix: 'Raise kubernetes-version to the release the cluster runs, or use an apiVersion that release serves.',
    };
  }
  return undefined;
}
