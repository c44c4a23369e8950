/**
 * `npm test` provides its own nats-server and Chromium (scripts/pretest.ts):
 * it installs Debian's packages where it may, and otherwise stops at once with
 * one message naming what is missing and how to install it.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  installCommand,
  plan,
  requireTool,
  type Host,
  type Missing,
} from '../../scripts/test-tools.js';

const root = resolve(__dirname, '../..');
const tsx = resolve(root, 'node_modules/tsx/dist/cli.mjs');

const pretest = (env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [tsx, 'scripts/pretest.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

const both: Missing[] = [
  { name: 'nats-server', reason: 'no nats-server on PATH or in /usr/sbin' },
  { name: 'chromium', reason: 'no chromium or chromium-browser on PATH or in /usr/sbin' },
];
const host = (h: Partial<Host>): Host => ({ root: false, aptGet: true, sudo: false, ...h });

describe('the tools npm test needs', () => {
  it('are found and reported before the tests run', () => {
    const run = pretest({});
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/nats-server v2\.\d+\.\d+ at \/\S+, chromium at \/\S+/);
  });

  it('stop the run at once when an override points at nothing, naming it and the install command', () => {
    const run = pretest({ RXOTP_NATS_SERVER: '/nonexistent/nats-server' });
    expect(run.status).toBe(1);
    expect(run.stdout).not.toMatch(/installing/);
    expect(run.stderr.trim()).toBe(
      'npm test needs nats-server (RXOTP_NATS_SERVER=/nonexistent/nats-server is not an executable file). ' +
        `Install it with \`${installCommand(['nats-server'], process.getuid?.() === 0)}\`, ` +
        'or set RXOTP_NATS_SERVER to its path; then run npm test again.',
    );
  });

  it('are installed with apt-get as root, or with sudo that needs no password', () => {
    expect(plan(both, host({ root: true }), {})).toEqual({
      kind: 'install',
      sudo: false,
      packages: ['nats-server', 'chromium'],
    });
    expect(plan(both.slice(1), host({ sudo: true }), {})).toEqual({
      kind: 'install',
      sudo: true,
      packages: ['chromium'],
    });
  });

  it('without root or sudo, stop with one message naming both and the command', () => {
    const next = plan(both, host({}), {});
    expect(next).toEqual({
      kind: 'stop',
      message:
        'npm test needs nats-server (no nats-server on PATH or in /usr/sbin) and chromium ' +
        '(no chromium or chromium-browser on PATH or in /usr/sbin). Install them with ' +
        '`sudo apt-get update && sudo apt-get install -y nats-server chromium` ' +
        '(not root, and no sudo without a password), or set RXOTP_NATS_SERVER / RXOTP_CHROMIUM ' +
        'to their paths; then run npm test again.',
    });
  });

  it('without apt-get, stop and say so', () => {
    const next = plan(both.slice(0, 1), host({ root: true, aptGet: false }), {});
    expect(next.kind === 'stop' && next.message).toMatch(
      /^npm test needs nats-server \(.*\)\. Install it with `apt-get update && apt-get install -y nats-server` \(no apt-get here; use your package manager\)/,
    );
  });

  it('are never installed over an override, even as root', () => {
    const missing: Missing[] = [
      { name: 'chromium', reason: 'RXOTP_CHROMIUM=/x is not an executable file' },
    ];
    expect(plan(missing, host({ root: true }), { RXOTP_CHROMIUM: '/x' }).kind).toBe('stop');
  });

  it('throw from the test helpers with the same advice when missing', () => {
    const saved = process.env.RXOTP_CHROMIUM;
    process.env.RXOTP_CHROMIUM = '/nonexistent/chromium';
    try {
      expect(() => requireTool('chromium')).toThrow(
        /^chromium is missing \(RXOTP_CHROMIUM=\/nonexistent\/chromium is not an executable file\); the browser tests .* need it\. Install it with `(sudo )?apt-get update && (sudo )?apt-get install -y chromium`/,
      );
    } finally {
      if (saved === undefined) delete process.env.RXOTP_CHROMIUM;
      else process.env.RXOTP_CHROMIUM = saved;
    }
  });
});
