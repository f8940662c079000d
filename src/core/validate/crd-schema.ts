/**
 * Custom resource schemas from CustomResourceDefinitions: the structural OpenAPI v3 schema of each
 * served version, turned into a JSON schema the way kubeconform's openapi2jsonschema does it
 * (`nullable`, `x-kubernetes-int-or-string`, and in strict mode `additionalProperties: false` wherever
 * the CRD does not preserve unknown fields).
 */

/** The JSON schema of one custom resource version. */
export interface CustomResourceSchema {
  readonly apiVersion: string;
  readonly kind: string;
  /** `widgets.example.com` */
  readonly crd: string;
  readonly schema: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function convertChildren(node: Json, strict: boolean): Json {
  const out: Json = { ...node };
  if (isObject(node['properties'])) {
    out['properties'] = Object.fromEntries(Object.entries(node['properties']).map(([k, v]) => [k, isObject(v) ? convert(v, strict) : v]));
  }
  for (const key of ['items', 'additionalProperties', 'not']) if (isObject(node[key])) out[key] = convert(node[key] as Json, strict);
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(node[key])) out[key] = (node[key] as unknown[]).map((v) => (isObject(v) ? convert(v, strict) : v));
  }
  return out;
}

/** Converts one node of a structural schema. */
export function convert(node: Json, strict: boolean): Json {
  const out = convertChildren(node, strict);
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of Object.keys(out)) if (key.startsWith('x-kubernetes-')) delete out[key];
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out['type'];
    out['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node['nullable'] === true) {
    delete out['nullable'];
    if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  } else {
    delete out['nullable'];
  }
  if (strict && !preserve && isObject(out['properties']) && out['additionalProperties'] === undefined) out['additionalProperties'] = false;
  return out;
}

/** Adds the fields every object has, which CRD schemas may leave out. */
function withObjectFields(schema: Json): Json {
  const properties = isObject(schema['properties']) ? { ...schema['properties'] } : {};
  properties['apiVersion'] ??= { type: 'string' };
  properties['kind'] ??= { type: 'string' };
  properties['metadata'] = { type: 'object' };
  return { ...schema, type: 'object', properties };
}

/** The schemas a CRD object declares, one per served version with a schema. */
export function crdSchemas(crd: Json, strict: boolean): CustomResourceSchema[] {
  const spec = isObject(crd['spec']) ? crd['spec'] : {};
  const group = String(spec['group'] ?? '');
  const kind = isObject(spec['names']) ? String(spec['names']['kind'] ?? '') : '';
  const name = isObject(crd['metadata']) ? String(crd['metadata']['name'] ?? `${kind}.${group}`) : `${kind}.${group}`;
  if (!group || !kind) return [];
  const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isObject) : [];
  const shared = isObject(spec['validation']) ? spec['validation']['openAPIV3Schema'] : undefined;
  return versions.flatMap((version) => {
    const own = isObject(version['schema']) ? version['schema']['openAPIV3Schema'] : undefined;
    const raw = own ?? shared;
    if (version['served'] === false || !isObject(raw)) return [];
    return [{ apiVersion: `${group}/${String(version['name'])}`, kind, crd: name, schema: withObjectFields(convert(raw, strict)) }];
  });
}
