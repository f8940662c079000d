/** One authentication challenge from a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface Challenge {
  /** Lowercased scheme: `basic`, `bearer`. */
  readonly scheme: string;
  /** Parameters with lowercased names and unquoted values (`realm`, `service`, `scope`, `error`). */
  readonly params: Readonly<Record<string, string>>;
  /** A token68 value, when the challenge carries one instead of parameters. */
  readonly token68?: string;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

class Cursor {
  pos = 0;
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  skipSeparators(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',') this.pos++;
  }
  token(): string {
    const start = this.pos;
    while (!this.done && TOKEN_CHAR.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }
  /** A quoted-string with backslash escapes (RFC 9110 §5.6.4); the cursor sits on the opening quote. */
  quoted(): string {
    let out = '';
    this.pos++;
    while (!this.done) {
      const ch = this.text[this.pos++]!;
      if (ch === '"') return out;
      if (ch === '\\' && !this.done) out += this.text[this.pos++];
      else out += ch;
    }
    return out;
  }
}

/**
 * Parses a `WWW-Authenticate` value into its challenges. One header may carry several challenges
 * separated by commas, and quoted parameter values may themselves contain commas and escaped quotes
 * (RFC 9110 §11.6.1), so a plain split on "," is wrong:
 * `Bearer realm="https://a/token",service="r",scope="repository:x:pull,push", Basic realm="r"`.
 */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (typeof header !== 'string') return header.flatMap((one) => parseChallenges(one));
  const cursor = new Cursor(header);
  const challenges: Challenge[] = [];
  for (;;) {
    cursor.skipSeparators();
    const scheme = cursor.token();
    if (scheme === '') {
      if (cursor.done) break;
      cursor.pos++;
      continue;
    }
    challenges.push(readChallenge(cursor, scheme.toLowerCase()));
  }
  return challenges;
}

function readChallenge(cursor: Cursor, scheme: string): Challenge {
  cursor.skipSpaces();
  const token68 = readToken68(cursor);
  if (token68 !== undefined) return { scheme, params: {}, token68 };
  const params: Record<string, string> = {};
  for (;;) {
    const mark = cursor.pos;
    cursor.skipSeparators();
    const name = cursor.token();
    cursor.skipSpaces();
    if (name === '' || cursor.peek() !== '=') {
      // Not `name=`: this token is the scheme of the next challenge.
      cursor.pos = mark;
      return { scheme, params };
    }
    cursor.pos++;
    cursor.skipSpaces();
    params[name.toLowerCase()] = cursor.peek() === '"' ? cursor.quoted() : cursor.token();
    cursor.skipSpaces();
  }
}

function readToken68(cursor: Cursor): string | undefined {
  const match = TOKEN68.exec(cursor.text.slice(cursor.pos));
  if (!match) return undefined;
  const after = cursor.text.slice(cursor.pos + match[0].length).trimStart();
  if (after !== '' && !after.startsWith(',')) return undefined;
  cursor.pos += match[0].length;
  return match[0];
}

/** The first challenge with the given scheme (case-insensitive). */
export function findChallenge(challenges: readonly Challenge[], scheme: string): Challenge | undefined {
  const wanted = scheme.toLowerCase();
  return challenges.find((challenge) => challenge.scheme === wanted);
}

/**
 * The challenge Baton answers: Bearer when offered (it scopes access to one repository and action),
 * otherwise Basic (Docker registry token spec, "How to authenticate").
 */
export function preferredChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return findChallenge(challenges, 'bearer') ?? findChallenge(challenges, 'basic');
}
