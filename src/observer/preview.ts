/** How long a message preview may be: enough to recognise a message, not to dump a payload. */
const MAX_PREVIEW = 200;

/**
 * @internal A short, one-line preview of any value (cycles, functions,
 * symbols and bigints included), cut at 200 characters. Used only when the
 * user opted in to showing message contents.
 */
export function preview(value: unknown): string {
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
    // A getter or toJSON that throws: fall back to what String makes of it.
    text = Object.prototype.toString.call(value);
  }
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW - 1)}…` : text;
}
