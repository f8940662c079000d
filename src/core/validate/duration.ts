/**
 * The `duration` format as the Kubernetes API server checks it (kube-openapi's strfmt): a Go duration
 * (`300ms`, `5m0s`, `1h30m`, `-1.5h`), or a number with a unit word (`3 days`, `1w`). ISO 8601 (`PT5M`)
 * is not one: JSON Schema's own `duration` format would make real custom resources fail.
 */

// Go's time.ParseDuration: an optional sign, then one or more decimal numbers each with a unit; or a bare 0.
const GO_DURATION_RE = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;

// kube-openapi's fallback: `<digits> <unit>` pairs with these unit names.
const UNITS = new Set([
  'ns',
  'nanosecond',
  'nanoseconds',
  'us',
  'µs',
  'microsecond',
  'microseconds',
  'ms',
  'millisecond',
  'milliseconds',
  's',
  'sec',
  'secs',
  'second',
  'seconds',
  'm',
  'min',
  'mins',
  'minute',
  'minutes',
  'h',
  'hr',
  'hrs',
  'hour',
  'hours',
  'd',
  'day',
  'days',
  'w',
  'wk',
  'week',
  'weeks',
]);
const WORD_DURATION_RE = /^(\d+)\s*([A-Za-zµ]+)$/;

/** True when the API server would accept this string as a `format: duration` value. */
export function isKubernetesDuration(value: string): boolean {
  if (value === '0' || value === '-0' || value === '+0') return true;
  if (GO_DURATION_RE.test(value)) return true;
  const word = WORD_DURATION_RE.exec(value.trim());
  return word !== null && UNITS.has(word[2]!.toLowerCase());
}
