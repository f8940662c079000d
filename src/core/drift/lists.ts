/**
 * Lists Kubernetes merges by key (strategic merge patch `patchMergeKey`): their order means nothing, so
 * items are matched by key, the way the API server and `kubectl diff` match them.
 */

/** How the items of a list field are matched. */
export type ListKey = (item: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>> | undefined;

const byName: ListKey = (item) => (typeof item['name'] === 'string' ? { name: item['name'] } : undefined);

/** Container ports by containerPort and protocol, Service ports by port and protocol (TCP when unset). */
const byPort: ListKey = (item) => {
  const protocol = typeof item['protocol'] === 'string' ? item['protocol'] : 'TCP';
  if (item['containerPort'] !== undefined) return { containerPort: Number(item['containerPort']), protocol };
  if (item['port'] !== undefined) return { port: Number(item['port']), protocol };
  return undefined;
};

const by =
  (field: string): ListKey =>
  (item) =>
    item[field] !== undefined ? { [field]: item[field] } : undefined;

/** The key of each keyed list field, by field name. */
const LIST_KEYS: Readonly<Record<string, ListKey>> = {
  containers: byName,
  initContainers: byName,
  ephemeralContainers: byName,
  volumes: byName,
  env: byName,
  imagePullSecrets: byName,
  ports: byPort,
  volumeMounts: by('mountPath'),
  volumeDevices: by('devicePath'),
  hostAliases: by('ip'),
};

/** The key function of a list field, or undefined when its order matters (or its items have no key). */
export function listKeyOf(field: string): ListKey | undefined {
  return Object.hasOwn(LIST_KEYS, field) ? LIST_KEYS[field] : undefined;
}

/** `name=web`, `containerPort=80,protocol=TCP`: a key as paths show it. */
export function keyText(key: Readonly<Record<string, unknown>>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

/** A stable string for a key, for matching. */
export function keyString(key: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(Object.entries(key).map(([k, v]) => [k, typeof v === 'number' ? v : String(v)]));
}
