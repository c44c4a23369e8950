/**
 * The package as a user gets it: packed with `npm pack` from a clean copy of
 * the tree (no build before it: packing builds), installed from the tarball
 * into a fresh project beside rxjs, then loaded from CommonJS and ES modules
 * and type-checked under `node16` and `bundler` resolution.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PAGE_SCRIPT } from '../../src/observer/page/script.generated.js';

const root = resolve(__dirname, '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** Runs a command; on failure the error carries its output, so a broken package says why. */
function run(file: string, args: string[], cwd: string): string {
  try {
    return execFileSync(file, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

// Spawns an actor and a supervised tree with the consumer's own rxjs, and reports
// whether the actor's mailbox is an instance of the consumer's Subject.
const cjsCheck = `
const rxotp = require('rxotp');
const testing = require('rxotp/testing');
const { Subject, of } = require('rxjs');
let mailbox;
const def = rxotp.genServer({ init: (_args, ctx) => { mailbox = ctx.mailbox; return 0; } });
const pid = rxotp.spawn(def, undefined);
const supervised = [];
const sub = of(rxotp.child('w', () => def.start()))
  .pipe(rxotp.oneForOne())
  .subscribe((n) => supervised.push(n.kind));
sub.unsubscribe();
rxotp.stop(pid);
console.log(JSON.stringify({
  oneForOne: typeof rxotp.oneForOne,
  liveActorCount: typeof testing.liveActorCount,
  mailboxIsSubject: mailbox instanceof Subject,
  supervised,
  liveAfter: testing.liveActorCount(),
}));
`;

const esmCheck = `
import { createRequire } from 'node:module';
import { child, genServer, oneForOne, spawn, stop } from 'rxotp';
import { liveActorCount } from 'rxotp/testing';
import { Subject, of } from 'rxjs';
const require = createRequire(import.meta.url);
let mailbox;
const def = genServer({ init: (_args, ctx) => { mailbox = ctx.mailbox; return 0; } });
const pid = spawn(def, undefined);
const supervised = [];
const sub = of(child('w', () => def.start()))
  .pipe(oneForOne())
  .subscribe((n) => supervised.push(n.kind));
sub.unsubscribe();
stop(pid);
console.log(JSON.stringify({
  oneForOne: typeof oneForOne,
  liveActorCount: typeof liveActorCount,
  mailboxIsSubject: mailbox instanceof Subject,
  supervised,
  liveAfter: liveActorCount(),
  sameBuild: require('rxotp').oneForOne === oneForOne,
  sameTesting: require('rxotp/testing').liveActorCount === liveActorCount,
  sameRxjs: require('rxjs').Subject === Subject,
}));
`;

// Every entry point, from CommonJS and from ES modules: one export of each.
const entriesCjs = `
console.log(JSON.stringify({
  rxotp: typeof require('rxotp').genServer,
  testing: typeof require('rxotp/testing').scriptedChild,
  observer: typeof require('rxotp/observer').observe,
  remote: typeof require('rxotp/remote').connectNode,
}));
`;
const entriesEsm = `
import { genServer } from 'rxotp';
import { scriptedChild } from 'rxotp/testing';
import { observe } from 'rxotp/observer';
import { connectNode } from 'rxotp/remote';
console.log(JSON.stringify({
  rxotp: typeof genServer,
  testing: typeof scriptedChild,
  observer: typeof observe,
  remote: typeof connectNode,
}));
`;
// The observer's page as the packed package serves it: the script inline under the CSP's nonce.
const pageCheck = (load: string): string => `
${load}
const { get } = require('node:http');
const def = genServer({ init: () => 0 });
const o = observe(of(child('w', () => def.start())).pipe(oneForOne()));
o.ready.then((url) =>
  get(url, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c) => (body += c));
    res.on('end', () => {
      const [, nonce, script] = /<script nonce="([^"]+)">([\\s\\S]*?)<\\/script>/.exec(body) ?? [];
      const csp = String(res.headers['content-security-policy']);
      console.log(JSON.stringify({ status: res.statusCode, nonced: csp.includes(\`script-src 'nonce-\${nonce}'\`), script }));
      o.close();
    });
  }),
);
`;
const pageCjs = pageCheck(`
const { of } = require('rxjs');
const { child, genServer, oneForOne } = require('rxotp');
const { observe } = require('rxotp/observer');
`);
const pageEsm = pageCheck(`
import { createRequire } from 'node:module';
import { of } from 'rxjs';
import { child, genServer, oneForOne } from 'rxotp';
import { observe } from 'rxotp/observer';
const require = createRequire(import.meta.url);
`);

const everyEntry = {
  rxotp: 'function',
  testing: 'function',
  observer: 'function',
  remote: 'function',
};

// Compiles only if the package's types resolve: each expected-error line is an
// error only when the real types are there (with \`any\` the directive would be unused).
const typedConsumer = `
import { Subject, of } from 'rxjs';
import {
  call,
  cast,
  child,
  genServer,
  oneForOne,
  spawn,
  stop,
  type ExitReason,
  type Pid,
  type SupervisorNotification,
} from 'rxotp';
import { liveActorCount } from 'rxotp/testing';

const counter = genServer({
  init: (start: number) => start,
  handleCast: (_msg: 'inc', n: number) => n + 1,
  handleCall: (_req: 'get', _from, n: number) => ({ reply: n, state: n }),
});
const pid = spawn(counter, 0);
cast(pid, 'inc');
export const reply: Promise<number> = call(pid, 'get');
// @ts-expect-error the counter takes only 'inc' casts
cast(pid, 'dec');
// @ts-expect-error a child id is a string
child(1, () => of(1));

const kinds: string[] = [];
of(child('counter', () => counter.start(1)))
  .pipe(oneForOne({ intensity: 1 }))
  .subscribe((n: SupervisorNotification) => kinds.push(n.kind))
  .unsubscribe();
stop(pid);

export const live: number = liveActorCount();
export const anyPid: Pid | undefined = undefined;
export const reason: ExitReason = { kind: 'normal' };
export const inbox: Subject<unknown> = new Subject();
export { kinds };
`;

const tsconfig = (module: string, moduleResolution: string, files: string[]): string =>
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'],
        module,
        moduleResolution,
        strict: true,
        noEmit: true,
        types: [],
        // rxjs's own declarations need DOM types; rxotp's are proven by the
        // expected-error lines of the consumer, which fail if its types do not resolve.
        skipLibCheck: true,
      },
      files,
    },
    null,
    2,
  );

describe('the packed package in a fresh consumer project', () => {
  let temp = '';
  let consumer = '';
  let packedFiles: string[] = [];

  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'rxotp-pack-'));
    consumer = join(temp, 'consumer');
    // The tree as a fresh clone has it: tracked and new files, nothing ignored (no dist/).
    const tree = join(temp, 'tree');
    const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root)
      .split('\0')
      .filter((file) => file !== '' && existsSync(join(root, file)));
    for (const file of files) cpSync(join(root, file), join(tree, file), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', temp], tree)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const tarball = join(temp, packed[0]!.filename);
    packedFiles = packed[0]!.files.map((f) => f.path).sort();

    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'rxotp-consumer', version: '1.0.0', private: true }, null, 2),
    );
    // rxotp has no dependencies of its own; its peers (rxjs, and @nats-io/kv for
    // rxotp/remote) are the ones linked below, so nothing is fetched from the registry.
    run(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--legacy-peer-deps',
        '--ignore-scripts',
        tarball,
      ],
      consumer,
    );
    symlinkSync(join(root, 'node_modules/rxjs'), join(consumer, 'node_modules/rxjs'), 'dir');
    symlinkSync(
      join(root, 'node_modules/@nats-io'),
      join(consumer, 'node_modules/@nats-io'),
      'dir',
    );

    writeFileSync(join(consumer, 'entries.cjs'), entriesCjs);
    writeFileSync(join(consumer, 'entries.mjs'), entriesEsm);
    writeFileSync(join(consumer, 'check.cjs'), cjsCheck);
    writeFileSync(join(consumer, 'page.cjs'), pageCjs);
    writeFileSync(join(consumer, 'page.mjs'), pageEsm);
    writeFileSync(join(consumer, 'check.mjs'), esmCheck);
    writeFileSync(join(consumer, 'consumer.cts'), typedConsumer);
    writeFileSync(join(consumer, 'consumer.mts'), typedConsumer);
    writeFileSync(join(consumer, 'consumer.ts'), typedConsumer);
    writeFileSync(
      join(consumer, 'tsconfig.node16.json'),
      tsconfig('Node16', 'Node16', ['consumer.cts', 'consumer.mts']),
    );
    writeFileSync(
      join(consumer, 'tsconfig.bundler.json'),
      tsconfig('ESNext', 'Bundler', ['consumer.ts']),
    );
  }, 300_000);

  afterAll(() => {
    if (temp !== '') rmSync(temp, { recursive: true, force: true });
  });

  /** What a check script prints: one JSON line. */
  const report = (file: string): unknown =>
    JSON.parse(run(process.execPath, [file], consumer).trim());

  test('the tarball holds the builds, their declarations and source maps, the sources they map to, and LICENSE', () => {
    const entries = ['index', 'testing/index', 'observer/index', 'remote/index'];
    for (const build of ['cjs', 'esm']) {
      for (const entry of entries) {
        for (const ext of ['.js', '.js.map', '.d.ts', '.d.ts.map']) {
          expect(packedFiles).toContain(`dist/${build}/${entry}${ext}`);
        }
      }
      expect(packedFiles).toContain(`dist/${build}/package.json`);
    }
    for (const entry of entries) expect(packedFiles).toContain(`src/${entry}.ts`);
    expect(packedFiles).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    // Nothing else: no tests, scripts, examples or benchmarks.
    const others = packedFiles.filter(
      (f) =>
        !/^(dist\/(cjs|esm)|src)\//.test(f) &&
        !['LICENSE', 'README.md', 'package.json'].includes(f),
    );
    expect(others).toEqual([]);
    expect(packedFiles.filter((f) => f.endsWith('.spec.ts'))).toEqual([]);
    // Every module has its source map, and every map points at a TypeScript file in the package.
    const js = packedFiles.filter((f) => f.endsWith('.js'));
    expect(js.filter((f) => !packedFiles.includes(`${f}.map`))).toEqual([]);
    const installed = join(consumer, 'node_modules/rxotp');
    const unmapped = packedFiles
      .filter((f) => f.endsWith('.map'))
      .flatMap((map) => {
        const { sources } = JSON.parse(readFileSync(join(installed, map), 'utf8')) as {
          sources: string[];
        };
        return sources
          .map((source) => join(dirname(map), source))
          .filter((source) => !source.endsWith('.ts') || !packedFiles.includes(source));
      });
    expect(unmapped).toEqual([]);
  });

  test("the observer's page carries its compiled script (built when packing), from require and from import", () => {
    // What jest's set-up compiled from src/observer/page/script.ts: the package serves the same.
    const page = { status: 200, nonced: true, script: PAGE_SCRIPT };
    expect(report('page.cjs')).toEqual(page);
    expect(report('page.mjs')).toEqual(page);
    expect(PAGE_SCRIPT).toContain('new EventSource("events")');
  });

  test('every entry point loads, from require and from import', () => {
    expect(report('entries.cjs')).toEqual(everyEntry);
    expect(report('entries.mjs')).toEqual(everyEntry);
  });

  test('a stack trace through rxotp names the TypeScript source under --enable-source-maps', () => {
    const stack = run(
      process.execPath,
      [
        '--enable-source-maps',
        '-e',
        "try { require('rxotp').child(1, () => null) } catch (e) { console.log(e.stack) }",
      ],
      consumer,
    );
    expect(stack).toMatch(/node_modules\/rxotp\/src\/supervisor\/[\w-]+\.ts:\d+:\d+/);
  });

  test("the README's jest test passes in a fresh project set up as the README says", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('### `rxotp/testing`'),
      readme.indexOf('## Observer'),
    );
    const block = (lang: string): string => {
      const match = new RegExp('```' + lang + '\\n([^]*?)```').exec(section);
      if (match === null) throw new Error(`no ${lang} block in the README's jest section`);
      return match[1]!;
    };
    // The pins of the install line are the versions this run uses.
    const pins = [...block('sh').matchAll(/(@?[\w/.-]+)@~?([\d.]+)/g)];
    expect(pins.map(([, name]) => name)).toEqual(['jest', 'ts-jest', '@types/jest', 'typescript']);
    for (const [, name, pin] of pins) {
      const { version } = JSON.parse(
        readFileSync(join(root, 'node_modules', name!, 'package.json'), 'utf8'),
      ) as { version: string };
      expect(`${name}@${version}`).toMatch(new RegExp(`^${name}@${pin!.replace(/\./g, '\\.')}\\.`));
    }

    const project = join(temp, 'jest-consumer');
    mkdirSync(join(project, 'node_modules/@types'), { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'jest-consumer', private: true }),
    );
    symlinkSync(join(consumer, 'node_modules/rxotp'), join(project, 'node_modules/rxotp'), 'dir');
    for (const name of ['rxjs', 'jest', 'ts-jest', 'typescript', '@types/jest']) {
      symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name), 'dir');
    }
    writeFileSync(join(project, 'jest.config.js'), block('js'));
    writeFileSync(join(project, 'tsconfig.json'), block('json'));
    writeFileSync(join(project, 'tree.spec.ts'), block('ts'));
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
    delete env.JEST_WORKER_ID;
    const jest = join(project, 'node_modules/jest/bin/jest.js');
    let output = '';
    try {
      output = execFileSync(process.execPath, [jest, '--ci', '--no-cache', '--json'], {
        cwd: project,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
      });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`jest failed in ${project}\n${stdout ?? ''}\n${stderr ?? ''}`);
    }
    const result = JSON.parse(output) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: { assertionResults: { title: string; status: string }[] }[];
    };
    expect(result.numFailedTests).toBe(0);
    expect(result.testResults.flatMap((r) => r.assertionResults)).toEqual([
      expect.objectContaining({
        title: 'db crashes once; one_for_all restarts api with it',
        status: 'passed',
      }),
    ]);
  });

  test("require('rxotp') and require('rxotp/testing') work, with one rxjs Subject class", () => {
    expect(report('check.cjs')).toEqual({
      oneForOne: 'function',
      liveActorCount: 'function',
      mailboxIsSubject: true,
      supervised: ['started', 'child-started'],
      liveAfter: 0,
    });
  });

  test("import { oneForOne } from 'rxotp' and 'rxotp/testing' work, with one rxjs Subject class", () => {
    expect(report('check.mjs')).toEqual({
      oneForOne: 'function',
      liveActorCount: 'function',
      mailboxIsSubject: true,
      supervised: ['started', 'child-started'],
      liveAfter: 0,
      // import and require load the same copy of rxotp, and of rxjs.
      sameBuild: true,
      sameTesting: true,
      sameRxjs: true,
    });
  });

  test('tsc type-checks a consumer under moduleResolution node16 (CommonJS and ESM files)', () => {
    expect(() =>
      run(process.execPath, [tsc, '-p', 'tsconfig.node16.json'], consumer),
    ).not.toThrow();
  });

  test('tsc type-checks a consumer under moduleResolution bundler', () => {
    expect(() =>
      run(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], consumer),
    ).not.toThrow();
  });
});
