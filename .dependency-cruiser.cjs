// The layering of src/, checked by `npm run lint` (docs/design.md, "Arrows").
//
// dependency-cruiser checks both the folder arrows and import cycles, and it counts
// `import type` edges in a cycle (tsPreCompilationDeps), which import-x/no-cycle does not.
// One tool for every rule below.

/**
 * The core: every folder of src/ but remote/, cluster/ (a layer over remote/), observer/ and
 * testing/, and src/index.ts.
 */
const CORE = '^src/(index[.]ts$|(?!remote/|cluster/|observer/|testing/)[^/]+/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'No import cycles, type imports included (docs/design.md, "Arrows").',
      from: {},
      to: { circular: true },
    },
    {
      name: 'exit-is-a-leaf',
      severity: 'error',
      comment: 'exit/ imports nothing else from src.',
      from: { path: '^src/exit/' },
      to: { path: '^src/', pathNot: '^src/exit/' },
    },
    {
      name: 'errors-import-only-exit',
      severity: 'error',
      comment: 'errors/ imports nothing from src but errors/ and exit/.',
      from: { path: '^src/errors/' },
      to: { path: '^src/', pathNot: '^src/(errors|exit)/' },
    },
    {
      name: 'report-is-a-leaf',
      severity: 'error',
      comment:
        'report/ imports nothing from src but exit/, and the Pid type (a type-only import of actor/pid.ts).',
      from: { path: '^src/report/' },
      to: { path: '^src/', pathNot: '^src/(report|exit)/|^src/actor/pid[.]ts$' },
    },
    {
      name: 'report-takes-only-the-pid-type',
      severity: 'error',
      comment: 'report/ may name the Pid type, never import actor/pid.ts by value.',
      from: { path: '^src/report/' },
      to: { path: '^src/actor/pid[.]ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'mailbox-below-actors',
      severity: 'error',
      comment: 'mailbox/ imports nothing from actor/, supervisor/ or registry/.',
      from: { path: '^src/mailbox/' },
      to: { path: '^src/(actor|supervisor|registry)/' },
    },
    {
      name: 'actor-below-supervisor',
      severity: 'error',
      comment: 'actor/ imports nothing from supervisor/.',
      from: { path: '^src/actor/' },
      to: { path: '^src/supervisor/' },
    },
    {
      name: 'registry-below-supervisor',
      severity: 'error',
      comment: 'registry/ imports nothing from supervisor/.',
      from: { path: '^src/registry/' },
      to: { path: '^src/supervisor/' },
    },
    {
      name: 'core-below-edges',
      severity: 'error',
      comment: 'The core imports nothing from remote/, cluster/, observer/ or testing/.',
      from: { path: CORE },
      to: { path: '^src/(remote|cluster|observer|testing)/' },
    },
    {
      name: 'cluster-above-remote',
      severity: 'error',
      comment:
        'cluster/ is a layer over remote/: remote/ imports nothing from it but to re-export it from its entry point.',
      from: { path: '^src/remote/', pathNot: '^src/remote/index[.]ts$' },
      to: { path: '^src/cluster/' },
    },
    {
      name: 'no-rxjs-internal',
      severity: 'error',
      comment: 'Nothing imports rxjs/internal: only the public rxjs API.',
      from: {},
      to: { path: 'node_modules/rxjs/(dist/(cjs|esm|esm5|types)/)?internal/' },
    },
  ],
  options: {
    // Type-only imports are edges too: a cycle closed through `import type` is still a cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|docs|coverage)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
