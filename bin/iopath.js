#!/usr/bin/env node
// The iopath CLI. Runs the compiled library (npm install builds it through `prepare`).
import { main } from '../dist/libs/sim/src/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
