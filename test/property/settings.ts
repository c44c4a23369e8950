// fast-check settings for the property specs. CI runs a fixed seed so a red
// build is reproducible; FC_SEED / FC_PATH replay a failure fast-check
// reported (it prints both), FC_RUNS runs more cases locally.

/** Cases per property in CI. */
export const CI_RUNS = 300;

export interface Settings {
  readonly numRuns: number;
  readonly seed: number;
  readonly path?: string;
}

/**
 * `offset` gives each property its own default seed, so together they cover
 * distinct cases; a replayed FC_SEED is taken as printed.
 */
export function propertySettings(offset = 0, env: NodeJS.ProcessEnv = process.env): Settings {
  const numRuns = env.FC_RUNS === undefined ? CI_RUNS : Number(env.FC_RUNS);
  const seed = env.FC_SEED === undefined ? 20240401 + offset : Number(env.FC_SEED);
  return env.FC_PATH === undefined ? { numRuns, seed } : { numRuns, seed, path: env.FC_PATH };
}
