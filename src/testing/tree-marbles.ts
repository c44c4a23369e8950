import { filter, isObservable, map, type Observable } from 'rxjs';
import { describe } from '../exit/describe.js';
import { holds } from '../check/holds.js';
import type { SupervisorNotification } from '../index.js';
import { describeEvent } from './describe-event.js';

/**
 * Marble letters for tree events: each letter maps to the words of the events
 * it stands for (see `describeEvent`), or a function picks the letter.
 *
 * @example
 * ```ts
 * const letters: TreeLetters = { s: 'start a', x: 'exit a error', r: 'restart a' };
 * ```
 */
export type TreeLetters =
  Readonly<Record<string, string>> | ((notification: SupervisorNotification) => string | undefined);

/** Characters with a meaning of their own in a marble diagram. */
const MARBLE_SYNTAX = new Set(['-', '|', '#', '^', '!', '(', ')', ' ']);

/**
 * A tree's notifications as marble letters, to pass to `expectObservable`.
 * A letter stands for every event whose words (`describeEvent`) are its
 * pattern or start with its pattern and a space: `'exit a'` matches
 * `exit a error` and `exit a normal`, not `exit a/w1 error`. When several
 * patterns match, the longest wins. Events no letter stands for are left out,
 * so a diagram shows only what the test is about. The stream completes when
 * the tree exits (`|` in the same frame as its exit).
 *
 * @example
 * ```ts
 * testScheduler.run(({ cold, expectObservable }) => {
 *   const tree$ = of(scriptedChild('a', cold('-----#'))).pipe(oneForOne({ intensity: 1 }));
 *   const letters = { s: 'start a', x: 'exit a', r: 'restart a', Z: 'exit error' };
 *   expectObservable(treeMarbles(tree$, letters)).toBe('s----(xrs)(xZ|)');
 * });
 * ```
 */
export function treeMarbles(
  tree$: Observable<SupervisorNotification>,
  letters: TreeLetters,
): Observable<string> {
  if (!holds(() => isObservable(tree$))) {
    throw new TypeError(
      `treeMarbles: tree$ must be a supervisor's Observable (of(...specs).pipe(oneForOne())), got ${describe(tree$)}.`,
    );
  }
  if (typeof letters !== 'function' && (typeof letters !== 'object' || letters === null)) {
    throw new TypeError(
      `treeMarbles: letters must be an object like { s: 'start a', x: 'exit a' } or a function, got ${describe(letters)}.`,
    );
  }
  const letterOf = typeof letters === 'function' ? letters : matcher(letters);
  return tree$.pipe(
    map(letterOf),
    filter((letter): letter is string => letter !== undefined),
  );
}

function matcher(
  letters: Readonly<Record<string, string>>,
): (n: SupervisorNotification) => string | undefined {
  let entries: [string, unknown][];
  try {
    entries = Object.entries(letters);
  } catch {
    throw new TypeError(
      'treeMarbles: letters could not be read (a getter or Proxy trap threw); pass a plain object.',
    );
  }
  const patterns = entries.map(([letter, pattern]) => {
    if (letter.length !== 1 || MARBLE_SYNTAX.has(letter)) {
      throw new TypeError(
        `treeMarbles: ${describe(letter)} cannot be a marble letter; use one character other than - | # ^ ! ( ) and space.`,
      );
    }
    if (typeof pattern !== 'string' || pattern.trim() === '') {
      throw new TypeError(
        `treeMarbles: letter '${letter}' needs a pattern like 'exit a error', got ${describe(pattern)}.`,
      );
    }
    return { letter, pattern: pattern.trim() };
  });
  const seen = new Map<string, string>();
  for (const { letter, pattern } of patterns) {
    const other = seen.get(pattern);
    if (other !== undefined) {
      throw new TypeError(
        `treeMarbles: letters '${other}' and '${letter}' both stand for '${pattern}'.`,
      );
    }
    seen.set(pattern, letter);
  }
  // Longest first, so the most specific pattern wins.
  patterns.sort((x, y) => y.pattern.length - x.pattern.length);
  return (n) => {
    const words = describeEvent(n);
    return patterns.find(({ pattern }) => words === pattern || words.startsWith(`${pattern} `))
      ?.letter;
  };
}
