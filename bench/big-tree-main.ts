// Entry point of one forked big-tree sample (case 6): builds the tree with the built
// package (or, with `bare`, the bare tree), prints the sample as JSON on its last line, and
// exits without tearing it down.
import * as built from 'rxotp';
import { bareTreeOnce, bigTreeOnce } from './cases/big-tree.js';
import { asLib } from './built.js';

const size = Number(process.argv[2] ?? '1000000');
const bare = process.argv[3] === 'bare';

(bare ? bareTreeOnce(size) : bigTreeOnce(asLib(built), size, false)).then(
  (sample) => {
    console.log(JSON.stringify(sample));
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
