/**
 * The core runs in a browser: everything `rxotp` and `rxotp/testing` export
 * bundles for the browser platform, where Node's modules do not exist, from
 * rxotp's own sources and rxjs (with its helper tslib) alone; and the core,
 * everything `rxotp` exports, stays within its size budget (the test helpers of
 * `rxotp/testing` are not shipped to users' pages).
 */
import { bundle } from '../../examples/browser/build.js';

/** The core's budget, minified and gzipped, without rxjs (BENCHMARKS.md, "Size"). */
const budgetBytes = 16.5 * 1024;

const everything = "export * from 'rxotp'; export * from 'rxotp/testing';";
const core = "export * from 'rxotp';";

describe('the core in a browser bundle', () => {
  it('reaches no Node module, nor the observer or remote entry points', async () => {
    const { inputs } = await bundle({ source: everything });
    const foreign = inputs.filter(
      (file) =>
        file !== '<stdin>' &&
        // rxjs and its helper library tslib
        !/^node_modules\/(rxjs|tslib)\//.test(file) &&
        !(/^src\//.test(file) && !/^src\/(observer|remote)\//.test(file)),
    );
    expect(foreign).toEqual([]);
    expect(inputs).toContain('src/index.ts');
    expect(inputs).toContain('src/testing/index.ts');
  });

  it(`is at most ${budgetBytes / 1024} KB minified and gzipped, without rxjs`, async () => {
    const { gzipBytes, inputs } = await bundle({ source: core }, { withoutRxjs: true });
    expect(inputs.filter((file) => file.includes('rxjs'))).toEqual([]);
    expect(gzipBytes).toBeLessThanOrEqual(budgetBytes);
  });
});
