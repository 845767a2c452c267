import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['libs/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 60_000,
    // The fidelity scenarios are CPU-bound; two workers match the machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
