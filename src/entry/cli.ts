import { cliMain } from '../platform/main.ts';
import { stepModules } from './steps.ts';

void cliMain(stepModules, process.argv.slice(2));
