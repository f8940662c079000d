/**
 * Holds the GraphQL documents sent to the GitHub test API to GitHub's published GraphQL schema (the npm
 * package `@octokit/graphql-schema`, `schema.graphql`): the document must validate against the schema
 * (fields, arguments, input types, variables used as declared) and the variables must coerce to their
 * declared types. The REST description does not cover `/graphql`; this does. The schema is built once
 * per process, on first use.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema, type OperationDefinitionNode, parse, validate } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';

let schema: GraphQLSchema | undefined;

function githubSchema(): GraphQLSchema {
  if (!schema) {
    // The package exports only its ESM index; the SDL file sits next to it.
    const index = fileURLToPath(import.meta.resolve('@octokit/graphql-schema'));
    // The published SDL defines a few enterprise fields twice; the document checks do not depend on them.
    schema = buildSchema(readFileSync(join(dirname(index), 'schema.graphql'), 'utf8'), { assumeValidSDL: true });
  }
  return schema;
}

/** What is wrong with a GraphQL request by GitHub's schema; empty when nothing is. */
export function checkGraphqlRequest(query: string, variables: Readonly<Record<string, unknown>> = {}): string[] {
  let document: ReturnType<typeof parse>;
  try {
    document = parse(query);
  } catch (error) {
    return [`GraphQL: ${(error as Error).message}`];
  }
  const problems = validate(githubSchema(), document).map((error) => `GraphQL: ${error.message}`);
  if (problems.length > 0) return problems;
  for (const definition of document.definitions) {
    if (definition.kind !== 'OperationDefinition') continue;
    const coerced = getVariableValues(githubSchema(), (definition as OperationDefinitionNode).variableDefinitions ?? [], variables);
    for (const error of coerced.errors ?? []) problems.push(`GraphQL: ${error.message}`);
  }
  return problems;
}
