import type { SerializedError } from 'vitest';
import type { Reporter, TestModule } from 'vitest/node';

/** Prints one machine-readable summary as the very last line: `tests: N passed, M failed`. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      // A file that fails before its tests run (an import error, a failing beforeAll) counts as a failure.
      if (module.state() === 'failed' && [...module.children.allTests('failed')].length === 0) failed += 1;
    }
    failed += unhandledErrors.length;
    // Written after the default reporter's own summary, so it is the last line.
    setImmediate(() => {
      process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
    });
  }
}
