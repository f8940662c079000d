/**
 * A small GraphQL front end for test servers: parses one operation (no fragments, no directives),
 * validates its selections against a static schema and projects results onto them, producing errors
 * shaped like GitHub's (`message`, `locations`, `path`, `extensions`).
 */

/** A literal or variable in an argument. */
export type GraphqlValue =
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'string' | 'enum'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, GraphqlValue>> }
  | { readonly kind: 'list'; readonly values: readonly GraphqlValue[] };

/** A field in a selection set. */
export interface GraphqlField {
  readonly alias?: string;
  readonly name: string;
  readonly args: Readonly<Record<string, GraphqlValue>>;
  readonly selections?: readonly GraphqlField[];
  readonly line: number;
  readonly column: number;
}

/** One parsed operation. */
export interface GraphqlOperation {
  readonly type: 'query' | 'mutation';
  readonly name?: string;
  readonly variables: readonly { readonly name: string; readonly type: string; readonly defaultValue?: GraphqlValue }[];
  readonly selections: readonly GraphqlField[];
}

/** An error entry as GraphQL servers return them. */
export interface GraphqlError {
  readonly message: string;
  readonly type?: string;
  readonly path?: readonly (string | number)[];
  readonly locations?: readonly { readonly line: number; readonly column: number }[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** Static schema: type name → field name → type name of the field (`scalar` for leaves). */
export type GraphqlSchema = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** Thrown for text that is not GraphQL. */
export class GraphqlSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

interface Token {
  readonly kind: 'punct' | 'name' | 'number' | 'string' | 'end';
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const at = (start: number) => ({ line, column: start - lineStart + 1 });
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') {
      line++;
      lineStart = ++i;
    } else if (/[\s,\r\t\uFEFF]/.test(ch)) {
      i++;
    } else if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('...', i)) {
      tokens.push({ kind: 'punct', text: '...', ...at(i) });
      i += 3;
    } else if ('{}()[]:!$=@|&'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, ...at(i) });
      i++;
    } else if (ch === '"') {
      const start = i;
      let text = '';
      for (i++; i < source.length && source[i] !== '"'; i++) {
        if (source[i] === '\n') throw new GraphqlSyntaxError('Unterminated string', line, start - lineStart + 1);
        text += source[i] === '\\' ? unescapeChar(source[++i] ?? '') : source[i];
      }
      if (i >= source.length) throw new GraphqlSyntaxError('Unterminated string', line, start - lineStart + 1);
      i++;
      tokens.push({ kind: 'string', text, ...at(start) });
    } else {
      const match = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|^([_A-Za-z][_0-9A-Za-z]*)/.exec(source.slice(i));
      if (!match) throw new GraphqlSyntaxError(`Parse error on "${ch}"`, line, i - lineStart + 1);
      tokens.push({ kind: match[1] ? 'number' : 'name', text: match[0], ...at(i) });
      i += match[0].length;
    }
  }
  tokens.push({ kind: 'end', text: '', line, column: i - lineStart + 1 });
  return tokens;
}

function unescapeChar(ch: string): string {
  return ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[ch] ?? ch;
}

class Parser {
  #tokens: Token[];
  #index = 0;
  constructor(source: string) {
    this.#tokens = tokenize(source);
  }
  get #peek(): Token {
    return this.#tokens[this.#index]!;
  }
  #next(): Token {
    return this.#tokens[this.#index++]!;
  }
  #expect(text: string): Token {
    const token = this.#next();
    if (token.text !== text || token.kind === 'string') {
      const shown = token.kind === 'end' ? 'end of file' : `"${token.text}"`;
      throw new GraphqlSyntaxError(`Parse error on ${shown} (expected "${text}")`, token.line, token.column);
    }
    return token;
  }
  #name(): Token {
    const token = this.#next();
    if (token.kind !== 'name') {
      throw new GraphqlSyntaxError(`Parse error on "${token.text}" (expected a name)`, token.line, token.column);
    }
    return token;
  }
  #is(text: string): boolean {
    return this.#peek.kind === 'punct' && this.#peek.text === text;
  }

  operation(): GraphqlOperation {
    let type: 'query' | 'mutation' = 'query';
    let name: string | undefined;
    const variables: GraphqlOperation['variables'][number][] = [];
    if (this.#peek.kind === 'name') {
      const keyword = this.#name();
      if (keyword.text !== 'query' && keyword.text !== 'mutation') {
        throw new GraphqlSyntaxError(`Parse error on "${keyword.text}"`, keyword.line, keyword.column);
      }
      type = keyword.text;
      if (this.#peek.kind === 'name') name = this.#name().text;
      if (this.#is('(')) variables.push(...this.#variableDefinitions());
    }
    const selections = this.#selectionSet();
    const rest = this.#peek;
    if (rest.kind !== 'end') throw new GraphqlSyntaxError(`Parse error on "${rest.text}"`, rest.line, rest.column);
    return { type, ...(name ? { name } : {}), variables, selections };
  }

  #variableDefinitions(): GraphqlOperation['variables'][number][] {
    this.#expect('(');
    const definitions: GraphqlOperation['variables'][number][] = [];
    while (!this.#is(')')) {
      this.#expect('$');
      const name = this.#name().text;
      this.#expect(':');
      const type = this.#type();
      let defaultValue: GraphqlValue | undefined;
      if (this.#is('=')) {
        this.#next();
        defaultValue = this.#value();
      }
      definitions.push({ name, type, ...(defaultValue ? { defaultValue } : {}) });
    }
    this.#expect(')');
    return definitions;
  }

  #type(): string {
    let text: string;
    if (this.#is('[')) {
      this.#next();
      text = `[${this.#type()}]`;
      this.#expect(']');
    } else {
      text = this.#name().text;
    }
    if (this.#is('!')) {
      this.#next();
      text += '!';
    }
    return text;
  }

  #selectionSet(): GraphqlField[] {
    this.#expect('{');
    const fields: GraphqlField[] = [];
    while (!this.#is('}')) {
      if (this.#is('...') || this.#is('@')) {
        const token = this.#peek;
        throw new GraphqlSyntaxError('Fragments and directives are not supported here', token.line, token.column);
      }
      fields.push(this.#field());
    }
    this.#expect('}');
    if (fields.length === 0) throw new GraphqlSyntaxError('Parse error on "}"', this.#peek.line, this.#peek.column);
    return fields;
  }

  #field(): GraphqlField {
    const first = this.#name();
    let alias: string | undefined;
    let name = first.text;
    if (this.#is(':')) {
      this.#next();
      alias = first.text;
      name = this.#name().text;
    }
    const args: Record<string, GraphqlValue> = {};
    if (this.#is('(')) {
      this.#next();
      while (!this.#is(')')) {
        const arg = this.#name().text;
        this.#expect(':');
        args[arg] = this.#value();
      }
      this.#expect(')');
    }
    const selections = this.#is('{') ? this.#selectionSet() : undefined;
    return {
      ...(alias ? { alias } : {}),
      name,
      args,
      ...(selections ? { selections } : {}),
      line: first.line,
      column: first.column,
    };
  }

  #value(): GraphqlValue {
    const token = this.#next();
    if (token.kind === 'string') return { kind: 'string', value: token.text };
    if (token.kind === 'number') return { kind: 'number', value: Number(token.text) };
    if (token.kind === 'name') {
      if (token.text === 'true' || token.text === 'false') return { kind: 'boolean', value: token.text === 'true' };
      if (token.text === 'null') return { kind: 'null' };
      return { kind: 'enum', value: token.text };
    }
    if (token.text === '$') return { kind: 'variable', name: this.#name().text };
    if (token.text === '[') {
      const values: GraphqlValue[] = [];
      while (!this.#is(']')) values.push(this.#value());
      this.#next();
      return { kind: 'list', values };
    }
    if (token.text === '{') {
      const fields: Record<string, GraphqlValue> = {};
      while (!this.#is('}')) {
        const name = this.#name().text;
        this.#expect(':');
        fields[name] = this.#value();
      }
      this.#next();
      return { kind: 'object', fields };
    }
    throw new GraphqlSyntaxError(`Parse error on "${token.text}"`, token.line, token.column);
  }
}

/** Parses a document holding one operation; throws {@link GraphqlSyntaxError}. */
export function parseGraphql(source: string): GraphqlOperation {
  return new Parser(source).operation();
}

/** Resolves an argument value against the request's variables into plain JSON. */
export function argumentValue(value: GraphqlValue | undefined, variables: Readonly<Record<string, unknown>>): unknown {
  if (value === undefined) return undefined;
  switch (value.kind) {
    case 'variable':
      return variables[value.name];
    case 'null':
      return null;
    case 'list':
      return value.values.map((item) => argumentValue(item, variables));
    case 'object':
      return Object.fromEntries(Object.entries(value.fields).map(([key, item]) => [key, argumentValue(item, variables)]));
    default:
      return value.value;
  }
}

/** Checks selections against the schema; returns GraphQL validation errors (empty when valid). */
export function validateSelections(schema: GraphqlSchema, typeName: string, fields: readonly GraphqlField[]): GraphqlError[] {
  const errors: GraphqlError[] = [];
  const type = schema[typeName] ?? {};
  for (const field of fields) {
    if (field.name === '__typename') continue;
    const fieldType = type[field.name];
    const location = { locations: [{ line: field.line, column: field.column }] };
    if (fieldType === undefined) {
      errors.push({
        message: `Field '${field.name}' doesn't exist on type '${typeName}'`,
        ...location,
        extensions: { code: 'undefinedField', typeName, fieldName: field.name },
      });
    } else if (fieldType !== 'scalar' && !field.selections) {
      errors.push({
        message:
          `Field must have selections (field '${field.name}' returns ${fieldType} but has no selections. Did you mean '${field.name} { ` +
          `... }'?)`,
        ...location,
        extensions: { code: 'selectionMismatch', nodeName: `field '${field.name}'`, typeName: fieldType },
      });
    } else if (fieldType !== 'scalar' && field.selections) {
      errors.push(...validateSelections(schema, fieldType, field.selections));
    }
  }
  return errors;
}

/** Copies the selected fields (by alias) out of a resolved value; `__typename` comes from the value. */
export function project(value: unknown, fields: readonly GraphqlField[]): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => project(item, fields));
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = source[field.name];
    result[field.alias ?? field.name] = field.selections ? project(raw, field.selections) : (raw ?? null);
  }
  return result;
}
