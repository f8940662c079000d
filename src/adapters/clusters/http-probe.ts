/**
 * The `http` provider: one GET of a URL per look, judged by core/verify/http-check.ts. A refused
 * connection or a 502 from a load balancer during the rollout is "not yet", never a failure.
 */
import { assessAnswer, type HttpExpectations } from '../../core/verify/http-check.ts';
import { defaultHttpClient } from '../http/client.ts';
import type { Observation, Probe } from './probe.ts';

/** Options of {@link HttpProbe}. */
export interface HttpProbeOptions {
  readonly url: string;
  readonly expect: HttpExpectations;
  /** Time limit of one request; default 10 s. */
  readonly timeoutMs?: number;
  /** Default the shared client's fetch: its limits, proxies and CA, no retries (the runner looks again). */
  readonly fetch?: typeof fetch;
}

/** Reads the body up to a limit, so a huge page cannot exhaust memory. */
async function readBody(response: Response, limit = 1 << 20): Promise<string> {
  const text = await response.text();
  return text.length > limit ? text.slice(0, limit) : text;
}

/** A URL that must answer as expected. */
export class HttpProbe implements Probe {
  readonly label: string;
  readonly #options: HttpProbeOptions;

  constructor(options: HttpProbeOptions) {
    this.#options = options;
    this.label = options.url;
  }

  async observe(): Promise<Observation[]> {
    const { url, expect } = this.#options;
    const get = this.#options.fetch ?? defaultHttpClient().fetch;
    const response = await get(url, {
      redirect: 'follow',
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      headers: { 'cache-control': 'no-cache' },
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const answer = { status: response.status, headers, body: await readBody(response) };
    return [{ target: url, ...assessAnswer(url, answer, expect) }];
  }
}
