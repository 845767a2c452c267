import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// package.json "imports" point the #libs at dist/ (for Node); tests read the sources.
const libs = ['sim', 'config', 'persistence', 'queue', 'experiments'];
const alias = libs.map((lib) => ({ find: `#${lib}`, replacement: fileURLToPath(new URL(`./libs/${lib}/src/index.ts`, import.meta.url)) }));

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['libs/**/*.spec.ts', 'scripts/**/*.spec.ts', 'test/**/*.spec.ts'],
    // End-to-end tests wait up to 60 s for a state (and then say which); the test limit is above that.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The fidelity scenarios are CPU-bound; two workers match the machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
