import { actionMain } from '../platform/main.ts';
import { defaultReportDeps, reportStep } from '../steps/report/step.ts';

void actionMain(reportStep(defaultReportDeps()));
