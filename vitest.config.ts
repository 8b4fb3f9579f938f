import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));
const TEST_FILES = ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'services/*/test/**/*.test.ts', 'services/*/src/**/*.test.ts', 'tests/**/*.test.ts'];
const SERIAL_FILES = ['tests/jobs/jobs-replicas.e2e.test.ts', 'tests/faults/nats-restart.test.ts', 'tests/faults/ferretdb-restart.test.ts', 'tests/faults/jobs-kill.test.ts', 'tests/fuzz/schemathesis.test.ts', 'tests/deploy/image.e2e.test.ts', 'tests/ferretdb/id-lookups.test.ts'];
const NEVER = ['**/node_modules/**', '.tools/**', '.data/**', '**/dist/**'];

export default defineConfig({
  resolve: {
    // Workspace packages run from their TypeScript sources, as with `--conditions=@jobwire/source`.
    alias: [{ find: /^@jobwire\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` }],
  },
  test: {
    globalSetup: ['./tests/harness/global-setup.ts'],
    reporters: ['default', './tests/harness/summary.reporter.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'suite', include: TEST_FILES, exclude: [...SERIAL_FILES, ...NEVER], sequence: { groupOrder: 0 } } },
      // Timing-sensitive scale tests run after the rest, alone, so the other files'
      // load on a 2-core machine does not decide whether every-second fires are on time;
      // the image test (a full TypeScript build) runs there so it loads no other test.
      { extends: true, test: { name: 'serial', include: SERIAL_FILES, exclude: NEVER, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
