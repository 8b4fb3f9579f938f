import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/devstack/src/binaries.ts or dist/binaries.js). */
export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** A server binary built by scripts/ensure-servers.sh. */
export function toolsBin(name: 'nats-server' | 'ferretdb'): string {
  const path = join(repoRoot(), '.tools', 'bin', name);
  if (!existsSync(path)) {
    throw new Error(`${name} is not installed at ${path}; run \`sh scripts/ensure-servers.sh\` (npm start and npm test do it for you)`);
  }
  return path;
}
