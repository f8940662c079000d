import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { githubSourceContext, gitlabSourceContext, sourceContext } from '../../../../src/core/build/source-context.ts';

const HEAD = 'a'.repeat(40);
const MERGE = 'b'.repeat(40);
const GH = { GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: 'acme/api', GITHUB_RUN_NUMBER: '12' };

describe('githubSourceContext', () => {
  it('a branch push', () => {
    assert.deepEqual(githubSourceContext({ ...GH, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: HEAD }), {
      sha: HEAD,
      branch: 'main',
      repositoryUrl: 'https://github.example/acme/api',
      runNumber: '12',
    });
  });
  it('a pull request takes the head commit from the event, not GITHUB_SHA (the merge commit)', () => {
    const context = githubSourceContext(
      { ...GH, GITHUB_REF: 'refs/pull/42/merge', GITHUB_SHA: MERGE, GITHUB_HEAD_REF: 'feature/x' },
      { pull_request: { number: 42, head: { sha: HEAD } } },
    );
    assert.equal(context.sha, HEAD);
    assert.equal(context.pr, 42);
    assert.equal(context.branch, 'feature/x');
  });
  it('pull_request_target: the PR from the event, whatever GITHUB_REF says', () => {
    const context = githubSourceContext(
      { ...GH, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: MERGE },
      { pull_request: { number: 9, head: { sha: HEAD, ref: 'fix' } } },
    );
    assert.deepEqual([context.sha, context.pr, context.branch], [HEAD, 9, 'fix']);
  });
  it('a tag', () => {
    const context = githubSourceContext({ ...GH, GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_SHA: HEAD });
    assert.deepEqual([context.gitTag, context.branch], ['v1.2.3', undefined]);
  });
});

describe('gitlabSourceContext', () => {
  const GL = { GITLAB_CI: 'true', CI_PROJECT_URL: 'https://gitlab.example/acme/api', CI_DEFAULT_BRANCH: 'main', CI_PIPELINE_IID: '88' };
  it('a branch pipeline', () => {
    assert.deepEqual(gitlabSourceContext({ ...GL, CI_COMMIT_SHA: HEAD, CI_COMMIT_BRANCH: 'main' }), {
      sha: HEAD,
      branch: 'main',
      defaultBranch: 'main',
      repositoryUrl: 'https://gitlab.example/acme/api',
      runNumber: '88',
    });
  });
  it('a merged-results pipeline: the source branch head, not the merge commit', () => {
    const context = gitlabSourceContext({
      ...GL,
      CI_COMMIT_SHA: MERGE,
      CI_MERGE_REQUEST_IID: '5',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'fix',
      CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: HEAD,
    });
    assert.deepEqual([context.sha, context.pr, context.branch], [HEAD, 5, 'fix']);
  });
  it('a tag pipeline', () => {
    assert.equal(gitlabSourceContext({ ...GL, CI_COMMIT_SHA: HEAD, CI_COMMIT_TAG: 'v2.0.0' }).gitTag, 'v2.0.0');
  });
});

describe('sourceContext', () => {
  const local = { sha: HEAD, branch: 'main', gitTag: 'v9.9.9', commitTime: 1700000000, repositoryUrl: 'https://git.example/acme/api' };
  it('outside CI, the local checkout', () => assert.deepEqual(sourceContext({}, undefined, local), local));
  it('in CI, CI decides the ref; a local tag on a branch build makes no semver tags', () => {
    const context = sourceContext({ ...GH, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: HEAD }, undefined, local);
    assert.equal(context.gitTag, undefined);
    assert.equal(context.commitTime, 1700000000, 'the same commit: its time is kept');
    assert.equal(context.repositoryUrl, 'https://github.example/acme/api');
  });
  it('drops the local commit time when CI builds another commit', () => {
    assert.equal(sourceContext({ ...GH, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: MERGE }, undefined, local).commitTime, undefined);
  });
  it('knows a GitLab job by its variables even where GITLAB_CI is not "true"', () => {
    const context = sourceContext(
      { GITLAB_CI: 'false', CI_COMMIT_SHA: MERGE, CI_PROJECT_URL: 'https://gitlab.example/a/b', CI_COMMIT_BRANCH: 'dev' },
      undefined,
      local,
    );
    assert.deepEqual([context.sha, context.branch], [MERGE, 'dev']);
  });
});
