// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from one source tree
// with the TypeScript compiler, with declarations and source maps that point
// at src/ (which the package ships). Each output folder gets a package.json
// naming its module type, so Node reads the `.js` files in each the right way.
// `npm install` and `npm pack` run it (the `prepare` script). The observer
// page's script is compiled first (scripts/page-script.js).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import buildPageScript from './page-script.js';

if (!existsSync('node_modules/typescript/bin/tsc')) {
  console.error('The build needs the dev dependencies: run `npm install` first.');
  process.exit(1);
}

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

// The observer page's script first: tsc compiles the module it is written to.
buildPageScript();
rmSync('dist', { recursive: true, force: true });
tsc('dist/esm', 'ES2022', 'Bundler');
mark('dist/esm', 'module');
tsc('dist/cjs', 'CommonJS', 'Node10');
mark('dist/cjs', 'commonjs');
