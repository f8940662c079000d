import { cliMain } from '../platform/main.ts';
import { defaultBumpDeps } from '../steps/bump-deps.ts';
import { createSteps } from '../steps/index.ts';
import { systemVerifyDeps } from '../steps/verify.ts';

void cliMain(createSteps({ bump: defaultBumpDeps(), verify: systemVerifyDeps() }), process.argv.slice(2));
