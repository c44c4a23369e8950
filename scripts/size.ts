// `npm run size`: the core's size in a browser, minified and gzipped (level 9),
// as BENCHMARKS.md reports it: the browser example (a small supervised app)
// with and without rxjs, and everything `rxotp` (and `rxotp/testing`) exports.
import { bundle, bundleExample, type Bundle } from '../examples/browser/build.js';

const kb = (b: Bundle): string => `${(b.gzipBytes / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const rows: [string, Bundle, Bundle][] = [
    [
      'examples/browser (a supervised poller)',
      await bundleExample(),
      await bundleExample({ withoutRxjs: true }),
    ],
    [
      "everything 'rxotp' exports",
      await bundle({ source: "export * from 'rxotp';" }),
      await bundle({ source: "export * from 'rxotp';" }, { withoutRxjs: true }),
    ],
    [
      "everything 'rxotp' and 'rxotp/testing' export",
      await bundle({ source: "export * from 'rxotp'; export * from 'rxotp/testing';" }),
      await bundle(
        { source: "export * from 'rxotp'; export * from 'rxotp/testing';" },
        { withoutRxjs: true },
      ),
    ],
  ];
  console.log('| bundle | with rxjs | without rxjs |');
  console.log('| --- | --: | --: |');
  for (const [name, withRxjs, alone] of rows)
    console.log(`| ${name} | ${kb(withRxjs)} | ${kb(alone)} |`);
}

void main();
