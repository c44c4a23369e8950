// The lowest layer holds the one value describer that every error message uses: exit/ imports
// nothing else from src (docs/design.md, "Arrows"), and formatExit and checkReason need it.

/** How much of a string or a class name an error message quotes. */
const QUOTED = 60;

/**
 * @internal A short description of any value for error messages: bounded in
 * length whatever the value (a 5 MB string is quoted by its start), and it
 * never throws (a Proxy whose traps throw is "an object that cannot be read").
 */
export function describe(x: unknown): string {
  switch (typeof x) {
    case 'string':
      return x.length > QUOTED ? `'${x.slice(0, QUOTED)}…' (${x.length} characters)` : `'${x}'`;
    case 'object': {
      if (x === null) return 'null';
      try {
        if (Array.isArray(x)) return 'an array';
        const name: unknown = x.constructor?.name;
        return typeof name === 'string' && name !== '' ? name.slice(0, QUOTED) : 'object';
      } catch {
        return 'an object that cannot be read';
      }
    }
    case 'function':
      return 'a function';
    case 'symbol':
      return x.toString().slice(0, QUOTED);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(x);
    default:
      return 'undefined';
  }
}
