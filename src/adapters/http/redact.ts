/** Removes credentials from text before it reaches an error message or a log. */

/** Query parameters that carry credentials (OAuth, presigned object-storage URLs, GitLab). */
const SECRET_PARAMS =
  /^(access_token|token|private_token|job_token|code|password|secret|client_secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)$/i;

/** Removes every occurrence of each secret (shorter than 4 characters would redact ordinary text). */
export function redact(text: string, secrets: string | readonly (string | undefined)[] | undefined): string {
  const list = typeof secrets === 'string' ? [secrets] : (secrets ?? []);
  let result = text;
  for (const secret of list) if (secret && secret.length >= 4) result = result.split(secret).join('***');
  return result;
}

/** A URL for messages: user and password dropped, credential query parameters replaced by `***`. */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return String(url).replace(/\/\/[^/@\s]*@/, '//');
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) if (SECRET_PARAMS.test(name)) parsed.searchParams.set(name, '***');
  return parsed.toString();
}
