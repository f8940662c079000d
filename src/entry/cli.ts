import { cliMain } from '../platform/main.ts';
import { bumpStep } from '../steps/bump.ts';
import { defaultBumpDeps } from '../steps/bump-deps.ts';

void cliMain([bumpStep(defaultBumpDeps())], process.argv.slice(2));
