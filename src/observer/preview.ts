import { isPid } from '../actor/address.js';
import type { Address } from '../actor/address.js';
import { report } from '../report/reports.js';

/** How long a message preview may be: enough to recognise a message, not to dump a payload. */
const MAX_PREVIEW = 200;

/** What the page shows for a message that cannot be printed at all. */
const UNPRINTABLE = '[unprintable]';

/**
 * @internal A short, one-line preview of any value (cycles, functions,
 * symbols and bigints included), cut at 200 characters. Used only when the
 * user opted in to showing message contents. A value that cannot even be
 * named (a Proxy whose every trap throws) previews as `[unprintable]`, and the
 * error is reported on `reports$` against `target`: user data never throws
 * out of the observer.
 */
export function preview(value: unknown, target?: Address): string {
  let text: string;
  try {
    const seen = new WeakSet<object>();
    text =
      JSON.stringify(value, (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'function' || typeof v === 'symbol') return String(v);
        if (v instanceof Error) return `${v.name}: ${v.message}`;
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '[Circular]';
          seen.add(v);
        }
        return v;
      }) ?? String(value);
  } catch {
    // A getter or toJSON that throws: fall back to what Object.prototype.toString makes of it,
    // which reads Symbol.toStringTag, and that may throw too (a hostile Proxy).
    try {
      text = Object.prototype.toString.call(value);
    } catch (error) {
      report({
        kind: 'callback',
        callback: 'preview',
        error,
        ...(isPid(target) ? { pid: target } : {}),
      });
      return UNPRINTABLE;
    }
  }
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW - 1)}…` : text;
}
