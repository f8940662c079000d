import { stringify } from 'yaml';
import { dotenvName, type InputSpec, snakeCase, type StepSpec } from './types.ts';

const HEADER = (spec: StepSpec) =>
  `# Generated from src/specs/${spec.name}.ts by "npm run generate". Do not edit by hand.\n# Reference: docs/${spec.name}.md\n`;

/**
 * Where the GitLab job image lives: the Baton image that the component project's own pipeline builds
 * from the Dockerfile and pushes as `<registry>/baton:<commit>` (.gitlab-ci.yml). A mirror of Baton
 * under another path, or an instance without it, points `image_registry` at its own copy.
 */
export const BATON_IMAGE_REGISTRY = '$CI_REGISTRY/acme/baton';

/** The stage a component's job runs in unless told: GitLab's default stages, so a bare include works. */
const DEFAULT_STAGE: Readonly<Record<string, string>> = { 'build-push': 'build', validate: 'test' };

/**
 * The input that names the environment a step changes or watches. Its job gets a `resource_group` per
 * environment, so two pipelines never bump, verify, promote or roll back the same environment at once
 * (GitLab runs the jobs of one resource group one at a time, in pipeline order).
 */
const ENVIRONMENT_INPUT: Readonly<Record<string, string>> = {
  bump: 'env',
  verify: 'env',
  promote: 'to',
  rollback: 'env',
  'release-hold': 'env',
};

/** An input only GitLab components have: how the job is named, staged and run. */
export interface GitlabJobInput {
  readonly name: string;
  readonly description: string;
  readonly default: string;
}

/** The inputs every component has besides the step's own, in the order the template declares them. */
export function gitlabJobInputs(spec: StepSpec): readonly GitlabJobInput[] {
  return [
    { name: 'stage', description: 'Stage of the job.', default: DEFAULT_STAGE[spec.name] ?? 'deploy' },
    { name: 'job_prefix', description: 'Prefix of the job name, e.g. "staging-" makes the job "staging-' + spec.name + '".', default: '' },
    {
      name: 'image_registry',
      description:
        'Registry path of the Baton job image (Node 24, git and the baton command); the job runs <image_registry>/baton:<this ' +
        "component's commit>, so the image always matches the component.",
      default: BATON_IMAGE_REGISTRY,
    },
  ];
}

/** `actions/<step>/action.yml`: GitHub action metadata running the step's bundle on node24. */
export function renderActionYaml(spec: StepSpec): string {
  const inputs: Record<string, Record<string, unknown>> = {};
  for (const input of spec.inputs) {
    const fallback = input.githubDefault ?? input.default;
    inputs[input.name] = {
      description: describe(input),
      required: input.required === true,
      ...(fallback === undefined ? {} : { default: fallback }),
    };
  }
  const outputs: Record<string, Record<string, string>> = {};
  for (const output of spec.outputs) outputs[output.name] = { description: output.description };
  const doc = {
    name: spec.title,
    description: spec.description,
    author: 'Baton',
    branding: spec.branding,
    inputs,
    outputs,
    runs: { using: 'node24', main: `../../dist/${spec.name}/index.cjs` },
  };
  return HEADER(spec) + stringify(doc, { lineWidth: 0 });
}

function describe(input: InputSpec): string {
  const extras = [
    input.type === 'enum' ? `One of: ${input.options?.join(', ')}.` : '',
    input.type === 'list' ? 'A list: one item per line (or comma separated).' : '',
    input.env?.length ? `Falls back to ${input.env.join(', ')}.` : '',
  ].filter(Boolean);
  return [input.description, ...extras].join(' ');
}

function gitlabInput(input: InputSpec): Record<string, unknown> {
  const entry: Record<string, unknown> = { description: describe(input) };
  if (input.type === 'boolean') {
    entry['type'] = 'boolean';
    entry['default'] = input.default === 'true';
  } else if (input.type === 'number' && (input.default !== undefined || input.required)) {
    entry['type'] = 'number';
    if (input.default !== undefined) entry['default'] = Number(input.default);
  } else {
    // Why: a GitLab input without a default is required, and a number input cannot default to "";
    // an optional number is a string input that Baton parses (and checks) as a number.
    entry['type'] = 'string';
    if (input.default !== undefined) entry['default'] = input.default;
    else if (!input.required || input.secret) entry['default'] = '';
    if (input.type === 'enum') {
      entry['options'] = input.default === undefined ? ['', ...(input.options ?? [])] : [...(input.options ?? [])];
    }
  }
  return entry;
}

/**
 * `templates/<step>.yml`: a GitLab CI/CD component. Inputs arrive as `BATON_INPUT_*` variables (never
 * spliced into the script), outputs leave as a dotenv report, the summary as a Markdown artifact.
 */
export function renderGitlabTemplate(spec: StepSpec): string {
  const inputs: Record<string, Record<string, unknown>> = {};
  for (const input of gitlabJobInputs(spec)) inputs[input.name] = { description: input.description, default: input.default };
  for (const input of spec.inputs) {
    const gitlabDefault = spec.gitlab?.inputDefaults?.[input.name];
    inputs[snakeCase(input.name)] = gitlabInput(gitlabDefault === undefined ? input : { ...input, default: gitlabDefault });
  }
  const variables: Record<string, string | { value: string; expand: false }> = { BATON_PLATFORM: 'gitlab' };
  for (const input of spec.inputs) {
    const value = `$[[ inputs.${snakeCase(input.name)} ]]`;
    // Why expand: false: GitLab expands $VARIABLES inside variable values, so a message or reason
    // naming $CI_JOB_TOKEN would carry the token itself into the commit (docs: ci/yaml#variablesexpand).
    variables[`BATON_INPUT_${snakeCase(input.name).toUpperCase()}`] = input.freeText ? { value, expand: false } : value;
  }
  const environment = ENVIRONMENT_INPUT[spec.name];
  const job = {
    stage: '$[[ inputs.stage ]]',
    // Why in the job and not in an input's default: GitLab interpolates spec values in one pass, so a
    // default that names $[[ component.sha ]] would reach the job as literal text.
    image: '$[[ inputs.image_registry ]]/baton:$[[ component.sha ]]',
    ...(environment ? { resource_group: `baton-$[[ inputs.${snakeCase(environment)} ]]` } : {}),
    variables,
    script: [`baton ${spec.name}`],
    artifacts: {
      when: 'always',
      expire_in: '30 days',
      paths: ['baton-summary.md'],
      reports: { dotenv: 'baton.env', ...(spec.gitlab?.reports ?? {}) },
    },
  };
  // spec:component makes $[[ component.sha ]] available: the commit the user's include resolved to.
  const head = stringify({ spec: { component: ['sha'], inputs } }, { lineWidth: 0 });
  const body = stringify({ [`$[[ inputs.job_prefix ]]${spec.name}`]: job }, { lineWidth: 0 });
  const outputs = spec.outputs.map((o) => `#   ${dotenvName(o.name)}: ${o.description}`).join('\n');
  return `${HEADER(spec)}# Outputs (dotenv report, available to later jobs):\n${outputs}\n${head}---\n${body}`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The Markdown reference of inputs and outputs, shared by `docs/<step>.md`. */
export function renderReference(spec: StepSpec): string {
  const rows = spec.inputs.map((input) => {
    const type = input.type === 'enum' ? input.options!.map((o) => `\`${o}\``).join(' \\| ') : input.type;
    const fallback = input.default !== undefined ? `\`${input.default}\`` : input.required ? '*required*' : '';
    return `| \`${input.name}\` | \`${snakeCase(input.name)}\` | ${type} | ${fallback} | ${escapeCell(describe(input))} |`;
  });
  const jobRows = gitlabJobInputs(spec).map(
    (input) =>
      `| — | \`${input.name}\` | string | ${input.default ? `\`${input.default}\`` : ''} | GitLab only. ${escapeCell(input.description)} |`,
  );
  const outputs = spec.outputs.map((o) => `| \`${o.name}\` | \`${dotenvName(o.name)}\` | ${escapeCell(o.description)} |`);
  return [
    '### Inputs',
    '',
    '| GitHub / CLI | GitLab | Type | Default | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...jobRows,
    '',
    '### Outputs',
    '',
    '| GitHub / CLI | GitLab dotenv | Description |',
    '| --- | --- | --- |',
    ...outputs,
    '',
  ].join('\n');
}

/** Markers around the generated part of `docs/<step>.md`; the rest of the page is written by hand. */
export const REFERENCE_START = '<!-- reference:start (generated by "npm run generate") -->';
export const REFERENCE_END = '<!-- reference:end -->';

/** Replaces the generated reference in a docs page (or creates the page around it). */
export function updateDocsPage(spec: StepSpec, page: string | undefined): string {
  const block = `${REFERENCE_START}\n${renderReference(spec)}${REFERENCE_END}`;
  if (page === undefined || !page.includes(REFERENCE_START)) {
    return `# baton ${spec.name}\n\n${spec.description}\n\n${block}\n`;
  }
  const start = page.indexOf(REFERENCE_START);
  const end = page.indexOf(REFERENCE_END) + REFERENCE_END.length;
  return page.slice(0, start) + block + page.slice(end);
}
