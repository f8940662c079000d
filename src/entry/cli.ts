import { cliMain } from '../platform/main.ts';
import { defaultBumpDeps } from '../steps/bump-deps.ts';
import { createSteps } from '../steps/index.ts';
import { defaultValidateDeps } from '../steps/validate.ts';
import { systemVerifyDeps } from '../steps/verify.ts';

void cliMain(createSteps({ bump: defaultBumpDeps(), validate: defaultValidateDeps(), verify: systemVerifyDeps() }), process.argv.slice(2));
