// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from one source tree
// with the TypeScript compiler. Each output folder gets a package.json naming
// its module type, so Node reads the `.js` files in each the right way.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

const tsc = (outDir, module, moduleResolution) =>
  execFileSync(
    process.execPath,
    [
      'node_modules/typescript/bin/tsc',
      ['-p', 'tsconfig.build.json'],
      ['--outDir', outDir],
      ['--module', module],
      ['--moduleResolution', moduleResolution],
    ].flat(),
    { stdio: 'inherit' },
  );

const mark = (dir, type) =>
  writeFileSync(`${dir}/package.json`, JSON.stringify({ type, sideEffects: false }) + '\n');

rmSync('dist', { recursive: true, force: true });
tsc('dist/esm', 'ES2022', 'Bundler');
mark('dist/esm', 'module');
tsc('dist/cjs', 'CommonJS', 'Node10');
mark('dist/cjs', 'commonjs');
