import { formats } from '@kubernetes-models/validate';
import { Ajv, type AnySchema } from 'ajv';
import type { ObjectValidator, SchemaIssue } from '../../core/validate/schema-types.ts';

let shared: Ajv | undefined;

/** One ajv for all JSON schemas (CRDs, schema locations): all errors, the Kubernetes formats (quantity, int32, …). */
function ajv(): Ajv {
  if (!shared) {
    // Why strict: false: CRD and kubeconform schemas carry keywords ajv does not know (x-kubernetes-*, javaType).
    shared = new Ajv({ allErrors: true, strict: false, logger: false, validateFormats: true, validateSchema: false });
    for (const [name, format] of Object.entries(formats)) shared.addFormat(name, format as never);
  }
  return shared;
}

/** Compiles a JSON schema into a validator; a schema that does not compile throws with ajv's reason. */
export function compileSchema(schema: Record<string, unknown>): ObjectValidator {
  const { $schema: _ignored, ...rest } = schema;
  const validate = ajv().compile(rest as AnySchema);
  return (object) => (validate(object) ? [] : ((validate.errors ?? []) as SchemaIssue[]));
}
