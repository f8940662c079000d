/** The image platform of this machine, the default when no platforms are asked for. */
import type { PlatformSpec } from '../registry/platform.ts';

const ARCHITECTURES: Readonly<Record<string, PlatformSpec>> = {
  x64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64' },
  arm: { os: 'linux', architecture: 'arm', variant: 'v7' },
  ia32: { os: 'linux', architecture: '386' },
  ppc64: { os: 'linux', architecture: 'ppc64le' },
  s390x: { os: 'linux', architecture: 's390x' },
  riscv64: { os: 'linux', architecture: 'riscv64' },
};

/** `linux/<arch>` of the machine Node runs on (images are Linux images on every host). */
export function hostPlatform(arch: string = process.arch): PlatformSpec {
  return ARCHITECTURES[arch] ?? { os: 'linux', architecture: arch };
}
