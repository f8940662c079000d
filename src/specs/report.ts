import { envListInput, repoInput, tokenInput } from './env-inputs.ts';
import type { StepSpec } from './types.ts';

/** `report`: the delivery dashboard, a static site built from the env repo alone. */
export const reportSpec = {
  name: 'report',
  title: 'Baton report',
  description:
    'Write a static delivery dashboard from the env repo alone: where every version is, a timeline per environment, promotion lead ' +
    'time and the four delivery metrics per month, as one offline HTML page.',
  branding: { icon: 'bar-chart-2', color: 'blue' },
  inputs: [
    repoInput,
    envListInput,
    {
      name: 'out',
      type: 'string',
      default: 'baton-report',
      description: 'Directory the site is written to (index.html and report.json); publish it with GitHub Pages or GitLab Pages.',
    },
    {
      name: 'title',
      type: 'string',
      freeText: true,
      default: 'Baton delivery report',
      description: "The page's title.",
    },
    {
      name: 'forge',
      type: 'enum',
      options: ['auto', 'github', 'gitlab'],
      default: 'auto',
      description: 'Shape of the commit and PR/MR links on the page; auto picks GitLab when the repo host names it.',
    },
    tokenInput,
  ],
  outputs: [
    { name: 'page', description: 'Path of the written index.html.' },
    { name: 'matrix', description: 'JSON: the status matrix, as status writes it.' },
    {
      name: 'metrics',
      description: 'JSON: {env: [{"month", "deployments", "leadTimeMs", "changeFailureRate", "timeToRestoreMs", "failures"}]}.',
    },
    { name: 'deployments', description: 'How many deploys and promotions the history holds, all environments together.' },
  ],
} as const satisfies StepSpec;
