import { stringify } from 'yaml';
import { dotenvName, type InputSpec, snakeCase, type StepSpec } from './types.ts';

const HEADER = (spec: StepSpec) =>
  `# Generated from src/specs/${spec.name}.ts by "npm run generate". Do not edit by hand.\n`;

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
  const inputs: Record<string, Record<string, unknown>> = {
    stage: { description: 'Stage of the job.', default: 'deploy' },
    job_prefix: { description: 'Prefix of the job name, e.g. "staging-".', default: '' },
    baton_image: {
      description: 'Container image of the job: a Baton image (Node 24, git and the baton command).',
      default: '$CI_REGISTRY_IMAGE/baton:1',
    },
  };
  for (const input of spec.inputs) {
    const gitlabDefault = spec.gitlab?.inputDefaults?.[input.name];
    inputs[snakeCase(input.name)] = gitlabInput(gitlabDefault === undefined ? input : { ...input, default: gitlabDefault });
  }
  const variables: Record<string, string> = { BATON_PLATFORM: 'gitlab' };
  for (const input of spec.inputs) {
    variables[`BATON_INPUT_${snakeCase(input.name).toUpperCase()}`] = `$[[ inputs.${snakeCase(input.name)} ]]`;
  }
  const job = {
    stage: '$[[ inputs.stage ]]',
    image: '$[[ inputs.baton_image ]]',
    variables,
    script: [`baton ${spec.name}`],
    artifacts: {
      when: 'always',
      expire_in: '30 days',
      paths: ['baton-summary.md'],
      reports: { dotenv: 'baton.env', ...(spec.gitlab?.reports ?? {}) },
    },
  };
  const head = stringify({ spec: { inputs } }, { lineWidth: 0 });
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
  const outputs = spec.outputs.map((o) => `| \`${o.name}\` | \`${dotenvName(o.name)}\` | ${escapeCell(o.description)} |`);
  return [
    '### Inputs',
    '',
    '| GitHub / CLI | GitLab | Type | Default | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
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
