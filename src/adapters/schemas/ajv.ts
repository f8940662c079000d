import { formats } from '@kubernetes-models/validate';
import { Ajv, type AnySchema, type Options } from 'ajv';
import { isKubernetesDuration } from '../../core/validate/duration.ts';
import type { ObjectValidator, SchemaIssue } from '../../core/validate/schema-types.ts';

let shared: Ajv | undefined;

/**
 * An ajv with all errors and the Kubernetes formats (quantity, int32, …). `duration` is the API
 * server's (Go durations such as `5m0s`), not JSON Schema's ISO 8601, which real custom resources fail.
 */
export function newAjv(extra: Options = {}): Ajv {
  // Why strict: false: CRD and kubeconform schemas carry keywords ajv does not know (x-kubernetes-*, javaType).
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false, validateFormats: true, validateSchema: false, ...extra });
  for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format as never);
  ajv.addFormat('duration', { type: 'string', validate: isKubernetesDuration });
  return ajv;
}

/** One ajv for the self-contained schemas (CRDs), shared by the whole process. */
function ajv(): Ajv {
  shared ??= newAjv();
  return shared;
}

/** Turns a compiled ajv function into a validator that returns its issues. */
export function asValidator(validate: ((object: unknown) => boolean) & { errors?: unknown }): ObjectValidator {
  return (object) => (validate(object) ? [] : ((validate.errors ?? []) as SchemaIssue[]));
}

/** Compiles a JSON schema into a validator; a schema that does not compile throws with ajv's reason. */
export function compileSchema(schema: Record<string, unknown>): ObjectValidator {
  const { $schema: _ignored, ...rest } = schema;
  return asValidator(ajv().compile(rest as AnySchema));
}
