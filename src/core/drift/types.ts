/** The shapes drift detection works on: objects as Git renders them and as the cluster serves them. */

/** A Kubernetes object as plain JSON. */
export interface KubeDoc {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly managedFields?: readonly ManagedFieldsEntry[];
    readonly [field: string]: unknown;
  };
  readonly [field: string]: unknown;
}

/** One entry of `metadata.managedFields`: who wrote which fields (FieldsV1). */
export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly fieldsType?: string;
  readonly fieldsV1?: Readonly<Record<string, unknown>>;
  readonly subresource?: string;
}

/** Which object: group (empty for the core group), kind, namespace (empty when cluster-scoped), name. */
export interface ObjectKey {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** One step of a path into an object: a field name, or a list item with its index and key when keyed. */
export type PathSegment = string | { readonly index: number; readonly key?: Readonly<Record<string, unknown>> };

/** One field that differs: what Git sets and what runs (undefined: absent). */
export interface FieldDiff {
  /** Readable path: `spec.template.spec.containers[name=web].image`. */
  readonly path: string;
  readonly want: unknown;
  readonly got: unknown;
  /** True when this is a container's image: named first in every report. */
  readonly image?: boolean;
}

/** What is wrong with one object. */
export type DriftKind = 'missing' | 'changed' | 'extra' | 'unreadable' | 'out-of-sync';

/** One object that drifted (or could not be read). */
export interface ObjectDrift {
  readonly key: ObjectKey;
  readonly kind: DriftKind;
  /** Field-level differences (changed), images first. */
  readonly diffs: readonly FieldDiff[];
  /** One line for people: why, or what the agent said. */
  readonly message?: string;
}

/** The verdict of one drift check. */
export interface DriftReport {
  readonly verdict: 'in-sync' | 'drifted';
  /** Objects compared (desired objects, or resources the agent tracks). */
  readonly checked: number;
  /** Every drifted or unreadable object, image drift first. */
  readonly drifts: readonly ObjectDrift[];
  /** Where the desired and live state came from, for people. */
  readonly source: string;
}

/** `apps/Deployment/shop/web`, `v1/ConfigMap/shop/web` style label of an object. */
export function keyLabel(key: ObjectKey): string {
  return `${key.kind}/${key.namespace ? `${key.namespace}/` : ''}${key.name}`;
}

/** The group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: string | undefined): string {
  const text = apiVersion ?? '';
  const slash = text.indexOf('/');
  return slash < 0 ? '' : text.slice(0, slash);
}

/** Built-in and common kinds that live outside namespaces: a namespace in Git is meaningless for them. */
export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'CSIDriver',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'ClusterIssuer',
]);

/** The key of an object, with `namespace` for a namespaced object that names none. */
export function keyOf(doc: KubeDoc, namespace = ''): ObjectKey {
  const kind = String(doc.kind ?? '');
  const ns = CLUSTER_SCOPED.has(kind) ? '' : (doc.metadata?.namespace ?? namespace);
  return { group: groupOf(doc.apiVersion), kind, namespace: ns, name: String(doc.metadata?.name ?? '') };
}

/** A string that identifies a key, for maps. */
export function keyId(key: ObjectKey): string {
  return `${key.group}|${key.kind}|${key.namespace}|${key.name}`;
}

/**
 * What the environment owns, to find objects Git no longer has: a label selector the API server
 * evaluates, or an Argo CD application, whose objects carry its tracking label
 * (`app.kubernetes.io/instance`) or tracking annotation (`argocd.argoproj.io/tracking-id:
 * <app>:<group>/<kind>:<namespace>/<name>`, the default since Argo CD 3.0) that no selector can match.
 */
export type Ownership = { readonly selector: string } | { readonly argocdApp: string };

/** True when a live object belongs to the Argo CD application (by label or tracking annotation). */
export function trackedByArgo(doc: KubeDoc, app: string): boolean {
  const label = doc.metadata?.labels?.['app.kubernetes.io/instance'];
  const tracking = doc.metadata?.annotations?.['argocd.argoproj.io/tracking-id'];
  return label === app || tracking?.startsWith(`${app}:`) === true;
}
