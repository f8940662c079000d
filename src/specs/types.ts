/**
 * The declaration of a step: the one source for `actions/<step>/action.yml`, `templates/<step>.yml`,
 * the reference table in `docs/<step>.md` and the CLI's flags.
 */

/** The kinds of value an input takes; each platform turns its raw strings into these. */
export type InputType = 'string' | 'boolean' | 'enum' | 'list' | 'number' | 'duration';

/** One input, named in kebab-case (`env-repo`); GitLab sees it in snake_case (`env_repo`). */
export interface InputSpec {
  readonly name: string;
  readonly description: string;
  readonly type: InputType;
  readonly required?: boolean;
  /** Default as the user would write it; absent means "not set". */
  readonly default?: string;
  /** Allowed values for `enum`. */
  readonly options?: readonly string[];
  /** A credential: masked on every platform, never echoed, never in a process listing. */
  readonly secret?: boolean;
  /**
   * Text people write that Baton puts where others read it (a commit, a hold, a PR/MR title or body,
   * labels): a secret value found in it is refused, and GitLab does not expand variables in it.
   */
  readonly freeText?: boolean;
  /** Where the CLI or the platform falls back to an environment variable, in order. */
  readonly env?: readonly string[];
  /** CLI only: a one-letter alias. */
  readonly short?: string;
  /** CLI only: bare arguments (`baton validate envs/prod other/`) are values of this list input too. */
  readonly positional?: boolean;
  /** GitHub only: the default in action.yml when it differs (e.g. `${{ github.token }}`). */
  readonly githubDefault?: string;
}

/** One output, kebab-case (`pr-url`); GitLab dotenv gets `BATON_PR_URL`. */
export interface OutputSpec {
  readonly name: string;
  readonly description: string;
}

/**
 * Inputs of which at least one must be given (`when` the named input has the given value, if set): a
 * rule the platforms check right after parsing, before the step's code loads, so that a run with
 * nothing to do fails fast and says what to give. The message starts with the first input's name.
 */
export interface NeedsOneOf {
  readonly inputs: readonly [string, ...string[]];
  readonly when?: { readonly input: string; readonly is: string };
  readonly message: string;
}

/** One step. */
export interface StepSpec {
  /** kebab-case name: `bump`, `build-push`. */
  readonly name: string;
  /** One line for the action's `name:` and headings. */
  readonly title: string;
  readonly description: string;
  /** GitHub Marketplace branding. */
  readonly branding: { readonly icon: string; readonly color: string };
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly OutputSpec[];
  /** Groups of inputs that may not all be empty (see {@link NeedsOneOf}). */
  readonly needsOneOf?: readonly NeedsOneOf[];
  /** GitLab only: artifact reports the job leaves (type → path), and input defaults that differ there. */
  readonly gitlab?: {
    readonly reports?: Readonly<Record<string, string>>;
    readonly inputDefaults?: Readonly<Record<string, string>>;
  };
}

/** The parsed value of each input, keyed by input name, when the spec is not known. */
export type InputValues = Record<string, string | boolean | number | readonly string[] | undefined>;

/** `undefined` when an input may be absent: neither required nor defaulted. */
type Absent<I extends InputSpec> = I extends { readonly required: true }
  ? never
  : I extends { readonly default: string }
    ? never
    : undefined;

/**
 * The parsed value of one input as its declaration says: booleans are `false` and lists `[]` when not
 * given; strings (trimmed, never empty), numbers, durations (milliseconds) and enums (the union of their
 * options) are `undefined` when neither given, required nor defaulted.
 */
export type InputValueOf<I extends InputSpec> = I['type'] extends 'boolean'
  ? boolean
  : I['type'] extends 'list'
    ? readonly string[]
    :
        | (I['type'] extends 'number' | 'duration'
            ? number
            : I['type'] extends 'enum'
              ? I extends { readonly options: readonly (infer O extends string)[] }
                ? O
                : string
              : string)
        | Absent<I>;

/**
 * The typed inputs of a step, derived from its spec (declared `as const satisfies StepSpec`): one
 * property per input name. A spec whose names are not literal falls back to {@link InputValues}.
 */
export type InputsOf<S extends StepSpec> = ValuesOf<S['inputs']>;

/** The typed values of a list of input declarations (for code that reads a part shared by several specs). */
export type ValuesOf<L extends readonly InputSpec[]> = string extends L[number]['name']
  ? InputValues
  : { readonly [I in L[number] as I['name']]: InputValueOf<I> };

/** `env-repo` → `env_repo`. */
export function snakeCase(name: string): string {
  return name.replace(/-/g, '_');
}

/** `pr-url` → `BATON_PR_URL`. */
export function dotenvName(name: string): string {
  return `BATON_${name.replace(/-/g, '_').toUpperCase()}`;
}
