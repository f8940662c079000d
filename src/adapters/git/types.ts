/** Where an env repo lives and how to authenticate to it. */
export interface GitRemote {
  /** `https://…`, `http://…`, `file://…` or a local path. Never printed with credentials. */
  readonly url: string;
  /** Token or password for HTTP(S); passed to git only through the environment. */
  readonly token?: string;
  /** User name for Basic auth; defaults per forge (`x-access-token` on GitHub, `oauth2` on GitLab). */
  readonly username?: string;
}

/** Who a commit is by: `Name <email>`. */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

/** What a push did. */
export type PushResult = 'pushed' | 'rejected';
