// Builds dist/esm and dist/cjs from one source tree with the TypeScript compiler.
// Each output folder gets a package.json naming its module type, so Node reads
// `.js` files in each the right way.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const tsc = (args) =>
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', ...args], {
    stdio: 'inherit',
  });

rmSync('dist', { recursive: true, force: true });
tsc([
  '-p',
  'tsconfig.build.json',
  '--outDir',
  'dist/esm',
  '--module',
  'NodeNext',
  '--moduleResolution',
  'NodeNext',
]);
writeFileSync(
  'dist/esm/package.json',
  JSON.stringify({ type: 'module', sideEffects: false }) + '\n',
);
mkdirSync('dist/cjs', { recursive: true });
// The CJS build is compiled with its own package.json in place, so NodeNext emits CommonJS.
writeFileSync(
  'dist/cjs/package.json',
  JSON.stringify({ type: 'commonjs', sideEffects: false }) + '\n',
);
tsc([
  '-p',
  'tsconfig.build.json',
  '--outDir',
  'dist/cjs',
  '--module',
  'CommonJS',
  '--moduleResolution',
  'Node10',
]);
