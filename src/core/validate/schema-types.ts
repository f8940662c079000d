/** What validate needs from a JSON schema, whoever compiled it. */

/** One problem a schema found, in the shape ajv reports (compiled validators and ajv alike). */
export interface SchemaIssue {
  readonly keyword: string;
  /** JSON pointer of the offending value inside the object. */
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** Validates one object; returns its problems, empty when valid. */
export type ObjectValidator = (object: unknown) => readonly SchemaIssue[];

/** The schema of one apiVersion/kind and where it came from (for messages). */
export interface SchemaEntry {
  readonly validate: ObjectValidator;
  /** `built-in (Kubernetes 1.36)`, `CRD widgets.example.com`, `schemas/widget_v1.json`. */
  readonly source: string;
}

/** Finds the schema of an apiVersion/kind; undefined when there is none. */
export interface SchemaSource {
  lookup(apiVersion: string, kind: string): SchemaEntry | undefined;
}
