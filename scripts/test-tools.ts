// The programs the test suite drives besides Node: nats-server (the remote and
// cluster tests) and Chromium (the observer page and the browser example). This
// is the one place that knows where they are; `scripts/pretest.ts` installs the
// missing ones before `npm test`, and the tests call `requireTool`.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program the tests need. */
export type ToolName = 'nats-server' | 'chromium';

/** How a tool is found and installed. */
export interface Tool {
  /** What the tests use it for, for messages. */
  readonly usedBy: string;
  /** An environment variable that names the executable, overriding the search. */
  readonly env: string;
  /** The Debian package that installs it. */
  readonly debianPackage: string;
  /** The executable names to look for, in order. */
  readonly commands: readonly string[];
}

/** Each tool the tests need, by name. */
export const tools: Readonly<Record<ToolName, Tool>> = {
  'nats-server': {
    usedBy: 'the remote and cluster tests (test/remote)',
    env: 'RXOTP_NATS_SERVER',
    debianPackage: 'nats-server',
    commands: ['nats-server'],
  },
  chromium: {
    usedBy: 'the browser tests (test/observer, test/browser)',
    env: 'RXOTP_CHROMIUM',
    debianPackage: 'chromium',
    commands: ['chromium', 'chromium-browser'],
  },
};

/** Flags under which Debian's Chromium runs headless here (root, no GPU, no network of its own). */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

// Debian installs nats-server in /usr/sbin, which is not on a non-root PATH.
const extraDirs = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The command that installs the given tools on Debian, as the user types it. */
export const installCommand = (names: readonly ToolName[], asRoot: boolean): string => {
  const sudo = asRoot ? '' : 'sudo ';
  const packages = names.map((name) => tools[name].debianPackage).join(' ');
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages}`;
};

/** Where a tool was looked for and what was found. */
export type Lookup =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; readonly reason: string };

/** Looks a tool up: its environment variable if set (then only there), else PATH and the sbin/bin directories. */
export function lookup(name: ToolName, env: NodeJS.ProcessEnv = process.env): Lookup {
  const tool = tools[name];
  const override = env[tool.env];
  if (override !== undefined && override !== '') {
    return isExecutable(override)
      ? { found: true, path: override }
      : { found: false, reason: `${tool.env}=${override} is not an executable file` };
  }
  const dirs = [...(env.PATH ?? '').split(delimiter).filter((dir) => dir !== ''), ...extraDirs];
  for (const command of tool.commands) {
    for (const dir of dirs) {
      const path = join(dir, command);
      if (isExecutable(path)) return { found: true, path };
    }
  }
  return { found: false, reason: `no ${tool.commands.join(' or ')} on PATH or in /usr/sbin` };
}

/** The message when a tool is missing: what, why, and the command that installs it. */
export function missingMessage(name: ToolName, reason: string, asRoot: boolean): string {
  const tool = tools[name];
  return (
    `${name} is missing (${reason}); ${tool.usedBy} need it. ` +
    `Install it with \`${installCommand([name], asRoot)}\`, or set ${tool.env} to its path.`
  );
}

/** The tool's executable; throws a message naming the install command when it is missing. */
export function requireTool(name: ToolName): string {
  const found = lookup(name);
  if (found.found) return found.path;
  throw new Error(missingMessage(name, found.reason, process.getuid?.() === 0));
}

/** What this machine allows: root, apt-get, and sudo without a password. */
export interface Host {
  readonly root: boolean;
  readonly aptGet: boolean;
  readonly sudo: boolean;
}

/** A missing tool and why. */
export interface Missing {
  readonly name: ToolName;
  readonly reason: string;
}

/** What `npm test` does about missing tools: install them with apt-get, or stop with one message. */
export type Plan =
  | { readonly kind: 'install'; readonly sudo: boolean; readonly packages: readonly string[] }
  | { readonly kind: 'stop'; readonly message: string };

/**
 * Decides how to provide the missing tools. A tool whose environment variable
 * points at nothing is never installed over (the variable would still win), so
 * that stops the run as a tool that cannot be installed does.
 */
export function plan(missing: readonly Missing[], host: Host, env: NodeJS.ProcessEnv): Plan {
  const overridden = missing.filter(({ name }) => (env[tools[name].env] ?? '') !== '');
  const canInstall = host.aptGet && (host.root || host.sudo);
  const blocked = canInstall ? overridden : missing;
  if (blocked.length > 0) {
    const names = blocked.map(({ name }) => name);
    const why = canInstall
      ? ''
      : host.aptGet
        ? ' (not root, and no sudo without a password)'
        : ' (no apt-get here; use your package manager)';
    return {
      kind: 'stop',
      message:
        `npm test needs ${blocked.map(({ name, reason }) => `${name} (${reason})`).join(' and ')}` +
        `. Install ${names.length > 1 ? 'them' : 'it'} with \`${installCommand(names, host.root)}\`${why}, ` +
        `or set ${blocked.map(({ name }) => tools[name].env).join(' / ')} to ${names.length > 1 ? 'their paths' : 'its path'}; then run npm test again.`,
    };
  }
  return {
    kind: 'install',
    sudo: !host.root,
    packages: missing.map(({ name }) => tools[name].debianPackage),
  };
}
