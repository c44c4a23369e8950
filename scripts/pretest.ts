// `npm test` runs this first. It finds nats-server and Chromium, installs the
// missing ones with Debian's apt-get when it may (as root, or with sudo that
// needs no password), and otherwise stops at once with one message naming what
// is missing and the command that installs it. No test is ever skipped for a
// missing tool.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  lookup,
  missingMessage,
  plan,
  tools,
  type Host,
  type Missing,
  type ToolName,
} from './test-tools.js';

/** The oldest nats-server with the JetStream KV features the cluster registry uses. */
const minNats = [2, 9] as const;

const names = Object.keys(tools) as ToolName[];

const succeeds = (file: string, args: string[]): boolean =>
  spawnSync(file, args, { stdio: 'ignore' }).status === 0;

function stop(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

function missingTools(): Missing[] {
  return names.flatMap((name) => {
    const found = lookup(name);
    return found.found ? [] : [{ name, reason: found.reason }];
  });
}

function install(sudo: boolean, packages: readonly string[]): void {
  const as = sudo ? 'with sudo' : 'as root';
  console.log(`npm test: installing Debian's ${packages.join(' and ')} with apt-get (${as})...`);
  const run = (args: string[]): void => {
    const [file, argv] = sudo ? ['sudo', ['-n', 'apt-get', ...args]] : ['apt-get', args];
    execFileSync(file, argv, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  };
  run(['update', '-qq']);
  run(['install', '-y', '-qq', ...packages]);
}

const host: Host = {
  root: process.getuid?.() === 0,
  aptGet: succeeds('apt-get', ['--version']),
  sudo: succeeds('sudo', ['-n', 'true']),
};

const missing = missingTools();
if (missing.length > 0) {
  const next = plan(missing, host, process.env);
  if (next.kind === 'stop') stop(next.message);
  try {
    install(next.sudo, next.packages);
  } catch (error) {
    stop(`npm test: apt-get could not install ${next.packages.join(' and ')}: ${String(error)}`);
  }
}

/** The tool's path, now that it is installed; stops if apt-get put it nowhere to be found. */
function located(name: ToolName): string {
  const found = lookup(name);
  if (!found.found) stop(missingMessage(name, `${found.reason}, even after apt-get`, host.root));
  return found.path;
}
const natsPath = located('nats-server');
const chromiumPath = located('chromium');

// `nats-server --version` prints e.g. "nats-server: v2.9.10".
const version = /v(\d+)\.(\d+)\.(\d+)/.exec(
  execFileSync(natsPath, ['--version'], { encoding: 'utf8' }),
);
const [major, minor] = [Number(version?.[1] ?? 0), Number(version?.[2] ?? 0)];
if (major < minNats[0] || (major === minNats[0] && minor < minNats[1])) {
  stop(
    `npm test needs nats-server ${minNats.join('.')} or later (with JetStream); ${natsPath} is ` +
      `${version?.[0] ?? 'of an unknown version'}. Install a newer one and set RXOTP_NATS_SERVER to it.`,
  );
}
console.log(`npm test: nats-server ${version?.[0]} at ${natsPath}, chromium at ${chromiumPath}`);
