import { describe } from '../exit/describe.js';

/** @internal A cluster's name, checked: one subject token of letters, digits, - and _ (default `rxotp`). */
export function checkClusterName(fn: string, cluster: unknown): string {
  if (cluster === undefined) return 'rxotp';
  if (typeof cluster !== 'string' || cluster.length > 64 || !/^[-_a-zA-Z0-9]+$/.test(cluster)) {
    throw new TypeError(
      `${fn}: options.cluster must be 1 to 64 letters, digits, - and _ (default 'rxotp'), got ${describe(cluster)}.`,
    );
  }
  return cluster;
}
