import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDockerfile } from '../../../../src/core/build/dockerfile.ts';
import { planLayer } from '../../../../src/core/build/layer-plan.ts';
import { UserError } from '../../../../src/core/errors.ts';

const AMD64 = { os: 'linux', architecture: 'amd64' };
const plan = (text: string, buildArgs: [string, string][] = [], target?: string) =>
  planLayer(parseDockerfile(text, 'Dockerfile'), { buildArgs, platform: AMD64, ...(target ? { target } : {}) });

describe('planLayer', () => {
  it('takes the base from global args and build args', () => {
    assert.equal(plan('ARG BASE=scratch\nFROM ${BASE}\n').base, 'scratch');
    assert.equal(plan('ARG BASE=scratch\nFROM ${BASE}\n', [['BASE', 'ghcr.io/acme/base:1']]).base, 'ghcr.io/acme/base:1');
  });
  it('resolves COPY destinations against WORKDIR, keeps relative ones for the base WorkingDir', () => {
    const result = plan('FROM scratch\nCOPY a.txt rel/\nWORKDIR /srv\nCOPY --chown=10:20 --chmod=0750 a b ./dir\nWORKDIR sub\nCOPY c .\n');
    assert.deepEqual(
      result.copies.map((c) => [c.sources, c.dest, c.uid, c.gid, c.mode]),
      [
        [['a.txt'], 'rel/', 0, 0, undefined],
        [['a', 'b'], '/srv/dir/', 10, 20, 0o750],
        [['c'], '/srv/sub', 0, 0, undefined],
      ],
    );
    assert.equal(result.config.workdir, '/srv/sub');
  });
  it('collects config: env with args, labels, ports, user, entrypoint resetting cmd, shell form', () => {
    const result = plan(
      'FROM scratch\nARG V=1\nENV APP=v$V PATH=/bin\nLABEL a=b "c d"=e\nEXPOSE 80 53/udp\nUSER 1000\nENTRYPOINT ["/app"]\n',
      [['V', '2']],
    );
    assert.deepEqual(result.config.env, [
      ['APP', 'v2'],
      ['PATH', '/bin'],
    ]);
    assert.deepEqual(result.config.labels, [
      ['a', 'b'],
      ['c d', 'e'],
    ]);
    assert.deepEqual(result.config.exposedPorts, ['80/tcp', '53/udp']);
    assert.equal(result.config.user, '1000');
    assert.deepEqual(result.config.entrypoint, ['/app']);
    assert.equal(result.config.cmd, null, 'a new ENTRYPOINT resets the inherited CMD');
    assert.deepEqual(plan('FROM scratch\nSHELL ["/bin/ash", "-c"]\nCMD echo hi\n').config.cmd, ['/bin/ash', '-c', 'echo hi']);
  });
  it('gives TARGETARCH when the stage declares it', () => {
    assert.deepEqual(plan('FROM scratch\nARG TARGETARCH\nCOPY bin/${TARGETARCH}/app /app\n').copies[0]!.sources, ['bin/amd64/app']);
  });
  const refused: [string, string, RegExp][] = [
    ['RUN', 'FROM scratch\nRUN make\n', /Dockerfile:2: RUN needs a builder that runs commands/],
    ['COPY --from', 'FROM scratch\nCOPY --from=build /a /a\n', /Dockerfile:2: COPY --from copies from another stage/],
    ['a stage on a stage', 'FROM scratch AS one\nFROM one\n', /Dockerfile:2: FROM one builds on another stage/],
    ['wildcards', 'FROM scratch\nCOPY *.js /app/\n', /Dockerfile:2: COPY with a wildcard \("\*\.js"\)/],
    ['named owners', 'FROM scratch\nCOPY --chown=app:app a /a\n', /needs numeric ids/],
    ['ADD', 'FROM scratch\nADD a.tar /\n', /Dockerfile:2: ADD \(archives and URLs\)/],
  ];
  for (const [name, text, message] of refused) {
    it(`refuses ${name}, naming the line and the builders that can`, () => {
      assert.throws(
        () => plan(text),
        (e: unknown) =>
          e instanceof UserError &&
          e.input === 'file' &&
          message.test(e.message) &&
          /Use builder buildah, buildx, podman or kaniko/.test(e.message),
      );
    });
  }
  it('plans only the target stage', () => {
    assert.equal(plan('FROM scratch AS web\nCOPY a /a\nFROM scratch AS tools\nRUN x\n', [], 'web').copies.length, 1);
  });
});
