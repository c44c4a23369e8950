/**
 * `npm run lint` enforces the arrows of docs/design.md, "Arrows": a file that breaks a rule
 * fails dependency-cruiser with that rule's name, and today's src/ breaks none.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

/** Runs dependency-cruiser with the project's config over `paths`; its violations. */
function cruise(paths: readonly string[]): Violation[] {
  const run = spawnSync(
    process.execPath,
    [
      resolve(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'json',
      ...paths,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const output = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
  return output.summary.violations;
}

/** One file per rule, each breaking it once, in a scratch folder inside the folder it names. */
const breaches: readonly { rule: string; folder: string; source: string }[] = [
  { rule: 'exit-is-a-leaf', folder: 'exit', source: "import '../../actor/pid.js';" },
  {
    rule: 'errors-import-only-exit',
    folder: 'errors',
    source: "import '../../mailbox/kinds.js';",
  },
  {
    rule: 'mailbox-below-actors',
    folder: 'mailbox',
    source:
      "import type { Registry } from '../../registry/registry.js';\nexport type R = Registry;",
  },
  {
    rule: 'actor-below-supervisor',
    folder: 'actor',
    source: "import '../../supervisor/events.js';",
  },
  {
    rule: 'registry-below-supervisor',
    folder: 'registry',
    source: "import '../../supervisor/child-spec.js';",
  },
  { rule: 'core-below-edges', folder: 'messaging', source: "import '../../remote/subjects.js';" },
  { rule: 'core-below-edges', folder: 'supervisor', source: "import '../../testing/index.js';" },
  { rule: 'core-below-edges', folder: 'registry', source: "import '../../cluster/lease.js';" },
  { rule: 'cluster-above-remote', folder: 'remote', source: "import '../../cluster/lease.js';" },
  {
    rule: 'no-rxjs-internal',
    folder: 'report',
    source: "import { Observable } from 'rxjs/internal/Observable';\nexport const o = Observable;",
  },
  { rule: 'report-is-a-leaf', folder: 'report', source: "import '../../mailbox/kinds.js';" },
  {
    rule: 'report-takes-only-the-pid-type',
    folder: 'report',
    source: "import { Pid } from '../../actor/pid.js';\nexport const P = Pid;",
  },
];

describe('the layering lint (docs/design.md, "Arrows")', () => {
  const scratch: string[] = [];
  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  /** A scratch folder inside src/<folder>, removed after the tests. */
  const inside = (folder: string): string => {
    const dir = mkdtempSync(resolve(root, 'src', folder, 'layering-breach-'));
    scratch.push(dir);
    return dir;
  };

  it('finds no violation in src/ as it is', () => {
    expect(cruise(['src'])).toEqual([]);
  });

  it('fails each rule on a file that breaks it, naming the rule and the file', () => {
    const files = breaches.map(({ folder, source }) => {
      const file = resolve(inside(folder), 'breach.ts');
      writeFileSync(file, source + '\n');
      return relative(root, file);
    });
    const found = cruise(files).map((v) => `${v.rule.name} ${v.from}`);
    breaches.forEach(({ rule }, k) => expect(found).toContain(`${rule} ${files[k]}`));
  });

  it('fails on an import cycle closed only through type imports', () => {
    const dir = inside('actor');
    writeFileSync(
      resolve(dir, 'a.ts'),
      "import type { B } from './b.js';\nexport interface A { b?: B }\n",
    );
    writeFileSync(
      resolve(dir, 'b.ts'),
      "import type { A } from './a.js';\nexport interface B { a?: A }\n",
    );
    const files = [relative(root, resolve(dir, 'a.ts')), relative(root, resolve(dir, 'b.ts'))];
    const cycles = cruise([relative(root, dir)]).filter((v) => v.rule.name === 'no-cycle');
    expect(cycles.length).toBeGreaterThan(0);
    for (const { from, to } of cycles) expect([from, to].sort()).toEqual(files.sort());
  });
});
