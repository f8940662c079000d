/**
 * Writing a string value back in the style of the value it replaces. The rule: quoted values keep
 * their quotes; a plain value stays plain unless a YAML 1.1 or 1.2 (core/JSON) reader would read the
 * plain text as something other than that string (a number, bool, null, date, …) or it cannot be
 * written plain; then it is double-quoted. Helm and kustomize read YAML with Go's YAML 1.1-ish rules,
 * other tools use 1.2, so a value must be a string under both.
 */

/** How a scalar is written in the source. */
export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

const NULL = /^(?:~|null|Null|NULL)$/;
// YAML 1.1 booleans are a superset of 1.2's: y/n, yes/no, on/off in three casings, and true/false.
const BOOL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
// 1.2 core: decimal (leading zeros allowed: `0123` is an int), 0o octal, 0x hex.
const INT_12 = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
// 1.1: binary, C-style octal (`0123`), hex, underscores (`1_000`) and base 60 (`1:20`).
const INT_11 = /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|[0-9][0-9_]*|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
// 1.2 core: `1.10`, `.5`, `1.`, `1e3`, `1.5E-3`.
const FLOAT_12 = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
// 1.1: one dot with underscores (`1_0.5`), base 60 (`1:20.5`); `1e3` (no dot) is read as a float by Go too.
const FLOAT_11 =
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$/;
const INF_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
// 1.1 timestamps: `2024-06-27`, `2024-6-7`, and with a time part.
const TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/;
// 1.1 merge key and value key.
const SPECIAL = /^(?:<<|=)$/;
const RESOLVES = [NULL, BOOL, INT_12, INT_11, FLOAT_12, FLOAT_11, INF_NAN, TIMESTAMP, SPECIAL];

/** True when the plain text `value` would be read as something other than the string `value` (YAML 1.1 or 1.2). */
export function resolvesToNonString(value: string): boolean {
  return value === '' || RESOLVES.some((re) => re.test(value));
}

/** True when `value` cannot be written as a plain scalar at all (indicators, `: `, ` #`, edges, controls). */
export function cannotBePlain(value: string, inFlow: boolean): boolean {
  if (value !== value.trim() || /[\u0000-\u001f\u007f]/.test(value)) return true;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(value)) return true;
  if (/: |:$| #/.test(value)) return true;
  return inFlow && /[,[\]{}]/.test(value);
}

/** True when a plain value must be quoted to stay the same string: see the module comment. */
export function needsQuotes(value: string, inFlow = false): boolean {
  return resolvesToNonString(value) || cannotBePlain(value, inFlow);
}

/** A YAML double-quoted scalar; JSON's escaping is valid YAML, so the result also suits JSON files. */
export function doubleQuoted(value: string): string {
  return JSON.stringify(value);
}

/** A YAML single-quoted scalar (`'` doubled); falls back to double quotes for control characters. */
export function singleQuoted(value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) return doubleQuoted(value);
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The source text for `value` written in `style`. `explicitString` is true when the value carries a
 * `!!str` tag, so a plain number-like value stays a string without quotes.
 */
export function renderScalar(value: string, style: ScalarStyle, inFlow: boolean, explicitString = false): string {
  if (style === 'QUOTE_DOUBLE') return doubleQuoted(value);
  if (style === 'QUOTE_SINGLE') return singleQuoted(value);
  if (cannotBePlain(value, inFlow)) return doubleQuoted(value);
  return !explicitString && resolvesToNonString(value) ? doubleQuoted(value) : value;
}
