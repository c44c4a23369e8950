import type * as Built from 'rxotp';
import * as builtRemote from 'rxotp/remote';
import type { Rxotp } from './lib.js';

/**
 * The built package as the cases' `Rxotp`, with `rxotp/remote` as `remote`.
 *
 * Copied into a plain object: the CommonJS build re-exports each name through a getter, and
 * tsx wraps the namespace in getters of its own, so `lib.cast(...)` in a hot loop paid for two
 * getter calls per message (about a quarter of the cast case's time in a profile). An ESM
 * `import { cast } from 'rxotp'` binds the function once, as this copy does.
 *
 * The cast: same API, but TypeScript treats classes with private members from two declaration
 * trees (dist/*.d.ts and src/) as different types, so the value crosses over here, once.
 */
export const asLib = (built: typeof Built): Rxotp =>
  ({
    ...built,
    remote: { ...builtRemote, modules: { core: 'rxotp', remote: 'rxotp/remote' } },
  }) as unknown as Rxotp;
