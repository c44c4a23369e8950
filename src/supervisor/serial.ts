/**
 * @internal Runs `step` for each item, one at a time: the next starts when the
 * previous calls its `done`, synchronously or later. A loop, not recursion, so
 * a million synchronous steps use no stack. Returns an abort function.
 */
export function serial<T>(
  items: readonly T[],
  step: (item: T, done: () => void) => void,
  then: () => void,
): () => void {
  let i = 0;
  let over = false;
  let looping = false;
  let advanced = false;
  const loop = (): void => {
    looping = true;
    while (!over) {
      if (i >= items.length) {
        over = true;
        looping = false;
        return then();
      }
      const token = ++i;
      advanced = false;
      step(items[token - 1]!, () => {
        if (over || token !== i) return;
        if (looping) advanced = true;
        else loop();
      });
      if (!advanced) break;
    }
    looping = false;
  };
  loop();
  return () => {
    over = true;
  };
}
