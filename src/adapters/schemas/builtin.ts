import { withUnknownFields } from '../../core/validate/field-shapes.ts';
import type { ObjectValidator, SchemaIssue } from '../../core/validate/schema-types.ts';
import { BUILTIN_KINDS, type CompiledSchemaModule, KUBERNETES_MODELS_VERSION } from './builtin-kinds.ts';

/** Where the built-in schemas come from, for messages and reports. */
export const BUILTIN_SOURCE = `built-in (kubernetes-models ${KUBERNETES_MODELS_VERSION}, Kubernetes 1.36 OpenAPI)`;

type Compiled = CompiledSchemaModule['validate'] & { errors?: SchemaIssue[] | null };

/** True when Baton ships a schema for this apiVersion/kind. */
export function hasBuiltinSchema(apiVersion: string, kind: string): boolean {
  return Object.hasOwn(BUILTIN_KINDS, `${apiVersion}/${kind}`);
}

/**
 * Loads the compiled validator of a built-in kind (once). In strict mode unknown fields are reported
 * too; see field-shapes.ts for how.
 */
export async function loadBuiltinSchema(apiVersion: string, kind: string, strict: boolean): Promise<ObjectValidator | undefined> {
  const load = BUILTIN_KINDS[`${apiVersion}/${kind}`];
  if (!load) return undefined;
  const compiled = (await load()).validate as Compiled;
  const validate: ObjectValidator = (object) => (compiled(object) ? [] : [...(compiled.errors ?? [])]);
  return strict ? withUnknownFields(validate, droppedByGenerator) : validate;
}

/**
 * Why: kubernetes-models' generator strips OpenAPI annotations (`description`, `x-*`) from schemas, and
 * with them the real fields of those names (PriorityClass.description, CRD column descriptions,
 * JSONSchemaProps.x-kubernetes-*). Strict mode must not call them unknown.
 */
function droppedByGenerator(key: string): boolean {
  return key === 'description' || key.startsWith('x-kubernetes-');
}
