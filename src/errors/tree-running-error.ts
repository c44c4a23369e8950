/**
 * A supervisor stream was subscribed a second time while a copy of it runs on
 * the same `Registry`. Both copies would register the same names, so the
 * second one fails at once, before starting any child, instead of crashing
 * its children in a loop. Unsubscribe the running copy first, `share()` the
 * stream, or give each copy its own `Registry`.
 *
 * @example
 * ```ts
 * const tree = supervise([child('db', () => db.start(), { name: 'db' })], { registry });
 * tree.subscribe();
 * tree.subscribe({ error: (e) => e instanceof TreeRunningError }); // true, at once
 * ```
 */
export class TreeRunningError extends Error {
  override readonly name = 'TreeRunningError';
  /** The running copy's supervisor pid, as text. */
  readonly running: string;
  /** Some of the names the shared registry holds (at most three), to tell which registry it is. */
  readonly names: readonly string[];
  constructor(running: string, names: readonly string[]) {
    const held =
      names.length === 0 ? 'no names yet' : `names ${names.map((n) => `'${n}'`).join(', ')}`;
    super(
      `This supervisor tree is already running as ${running} on the same Registry (holding ${held}). ` +
        `One copy of a tree runs per registry: unsubscribe the running copy first, share() the ` +
        `stream, or give each copy its own Registry.`,
    );
    this.running = running;
    this.names = names;
  }
}
