#!/usr/bin/env node
// The iopath CLI (apps/cli). Runs the compiled code (npm install builds it through `prepare`).
import { main } from '../dist/apps/cli/src/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
