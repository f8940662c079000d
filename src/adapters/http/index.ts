/** The shared HTTP client: see client.ts. */
export {
  createHttpClient,
  defaultHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequestOptions,
  httpRequest,
  type Response,
} from './client.ts';
export {
  createDispatcher,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  type Env,
  proxySettings,
  type TransportOptions,
} from './dispatcher.ts';
export { HttpNetworkError, isNetworkError } from './errors.ts';
export { DEFAULT_HTTP_RETRY, type HttpRetryPolicy, isRetriableStatus, parseRetryAfter, RetriableError, withHttpRetry } from './policy.ts';
export { redact, redactUrl } from './redact.ts';
