/**
 * The README stands alone: it names every export of the four entry points,
 * and its scripts table is package.json's scripts, no more and no less.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const read = (path: string): string => readFileSync(resolve(root, path), 'utf8');

/** The names an entry point exports (`export { a, type B } from ...`). */
const exportsOf = (path: string): string[] =>
  [...read(path).matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap(([, names]) =>
    names!
      .split(',')
      .map((name) => name.trim().replace(/^type /, ''))
      .filter((name) => name !== ''),
  );

/** Whether the name appears in inline code: `name`, `name(...)`, `name<...>`, `name.x`. */
const mentioned = (name: string): boolean =>
  new RegExp('`[^`\\n]*\\b' + name.replace(/\$/g, '\\$') + '(?![\\w$])[^`\\n]*`').test(readme);

describe('the README', () => {
  it.each(['src/index.ts', 'src/testing/index.ts', 'src/observer/index.ts', 'src/remote/index.ts'])(
    'names every export of %s',
    (entry) => {
      const names = exportsOf(entry);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => !mentioned(name))).toEqual([]);
    },
  );

  it("has a scripts table with exactly package.json's scripts", () => {
    const section = readme.slice(readme.indexOf('## Scripts'), readme.indexOf('## Packaging'));
    const listed = [...section.matchAll(/^\| `npm (?:run )?([\w:-]+)`/gm)].map(([, name]) => name);
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    // A pre-hook is described in the row of the script it runs before.
    const hooks = Object.keys(scripts).filter(
      (name) => name.startsWith('pre') && name.slice(3) in scripts,
    );
    for (const hook of hooks) {
      expect(section).toMatch(new RegExp(`^\\| \`npm (run )?${hook.slice(3)}\`.*\`${hook}\``, 'm'));
    }
    expect(listed.sort()).toEqual(
      Object.keys(scripts)
        .filter((name) => !hooks.includes(name))
        .sort(),
    );
  });
});
