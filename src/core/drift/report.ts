/**
 * A drift report for machines (JSON), CI test reports (JUnit: one test case per object, drift as a
 * failure) and people (a Markdown table of drifted objects with their field diffs).
 */
import { xmlEscape } from '../validate/report/xml.ts';
import { type DriftReport, type FieldDiff, keyLabel, type ObjectDrift } from './types.ts';

/** The report formats drift writes. */
export const DRIFT_FORMATS = ['json', 'junit'] as const;

/** One of {@link DRIFT_FORMATS}. */
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

/** Counts per kind of drift. */
export function driftCounts(report: DriftReport): Record<'drifted' | 'missing' | 'changed' | 'extra' | 'unreadable', number> {
  const count = (kind: ObjectDrift['kind']) => report.drifts.filter((d) => d.kind === kind).length;
  return {
    drifted: report.drifts.length,
    missing: count('missing'),
    changed: count('changed') + count('out-of-sync'),
    extra: count('extra'),
    unreadable: count('unreadable'),
  };
}

/** The report as JSON. */
export function driftJson(report: DriftReport): string {
  return `${JSON.stringify({ verdict: report.verdict, checked: report.checked, source: report.source, counts: driftCounts(report), drifts: report.drifts }, null, 2)}\n`;
}

/** A value as one short line. */
export function shortValue(value: unknown, limit = 80): string {
  if (value === undefined) return '(absent)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** `path: want → got` lines of a drift. */
export function diffLines(diffs: readonly FieldDiff[]): string[] {
  return diffs.map((d) => `${d.image ? 'image ' : ''}${d.path}: ${shortValue(d.want)} → ${shortValue(d.got)}`);
}

/** JUnit XML: one suite, one test case per drifted object (failures) plus one passing case for the rest. */
export function driftJunit(report: DriftReport, suite: string): string {
  const cases = report.drifts.map((d) => {
    const body = [d.message ?? '', ...diffLines(d.diffs)].filter(Boolean).join('\n');
    return (
      `    <testcase name="${xmlEscape(keyLabel(d.key))}" classname="${xmlEscape(suite)}" time="0">\n      <failure type="${d.kind}" ` +
      `message="${xmlEscape(`${d.kind}: ${d.message ?? ''}`)}">${xmlEscape(body)}</failure>\n    </testcase>`
    );
  });
  const inSync = Math.max(0, report.checked - report.drifts.filter((d) => d.kind !== 'extra').length);
  cases.push(`    <testcase name="${xmlEscape(`${inSync} object(s) in sync`)}" classname="${xmlEscape(suite)}" time="0"></testcase>`);
  const failures = report.drifts.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="baton drift" tests="${cases.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="${xmlEscape(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

/** A Markdown table of drifted objects and their diffs (at most `limit` rows, the rest counted). */
export function driftTable(report: DriftReport, limit = 50): string {
  if (report.drifts.length === 0) return `All ${report.checked} object(s) match Git.`;
  const rows = report.drifts.slice(0, limit).map((d) => {
    const diffs = diffLines(d.diffs.slice(0, 10)).map((line) => `\`${line.replace(/`/g, "'")}\``);
    if (d.diffs.length > 10) diffs.push(`… ${d.diffs.length - 10} more`);
    return `| ${cell(keyLabel(d.key))} | ${d.kind} | ${cell([d.message ?? '', ...diffs].filter(Boolean).join('\n'))} |`;
  });
  const more = report.drifts.length > limit ? [`\n… and ${report.drifts.length - limit} more object(s).`] : [];
  return ['| Object | Drift | What differs (Git → cluster) |', '| --- | --- | --- |', ...rows, ...more].join('\n');
}

/** The step summary. */
export function driftSummary(report: DriftReport, title: string, notes: readonly string[] = []): string {
  const counts = driftCounts(report);
  const head = report.verdict === 'in-sync' ? `### ✅ ${title}: in sync` : `### ⚠️ ${title}: drifted (${counts.drifted} object(s))`;
  return [
    head,
    '',
    `Compared ${report.checked} object(s): ${report.source}.`,
    '',
    driftTable(report),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
}
