// Bundles browser code that imports rxotp, with esbuild, straight from the
// package's TypeScript sources (no build of dist/ needed). Used to serve the
// example page, by the browser tests, and to measure the core's size.
import { build, type Plugin } from 'esbuild';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(__dirname, '../..');

/** The entry points a browser may import, mapped to their sources. */
const entries: Record<string, string> = {
  rxotp: resolve(root, 'src/index.ts'),
  'rxotp/testing': resolve(root, 'src/testing/index.ts'),
};

const fromSource: Plugin = {
  name: 'rxotp-from-source',
  setup(b) {
    b.onResolve({ filter: /^rxotp(\/testing)?$/ }, ({ path }) => ({ path: entries[path] }));
  },
};

/** Options for `bundle`. */
export interface BundleOptions {
  /** Leave rxjs out of the bundle (imported at run time), to measure rxotp alone. */
  readonly withoutRxjs?: boolean;
}

/** A minified browser bundle, its min+gzip size and the files that went into it. */
export interface Bundle {
  readonly code: string;
  readonly gzipBytes: number;
  /** Every input file, relative to the repository root. */
  readonly inputs: string[];
}

/** Bundles `entry` (a path, or source text with `stdin`) for the browser, minified. */
export async function bundle(
  entry: { readonly file: string } | { readonly source: string },
  options: BundleOptions = {},
): Promise<Bundle> {
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: root, loader: 'ts' } }),
    bundle: true,
    write: false,
    minify: true,
    metafile: true,
    // Node's modules do not exist here: importing one is a build error.
    platform: 'browser',
    // A self-contained script for a classic <script> tag; ES modules when rxjs stays outside.
    format: options.withoutRxjs === true ? 'esm' : 'iife',
    target: 'es2022',
    external: options.withoutRxjs === true ? ['rxjs', 'rxjs/*'] : [],
    plugins: [fromSource],
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const code = result.outputFiles[0]?.text ?? '';
  const { inputs } = result.metafile;
  return { code, gzipBytes: gzipSync(code, { level: 9 }).length, inputs: Object.keys(inputs) };
}

/** The example page's script, built from main.ts. */
export const bundleExample = (options?: BundleOptions): Promise<Bundle> =>
  bundle({ file: resolve(__dirname, 'main.ts') }, options);
