// Real nats-server processes for tests: one server or a routed cluster, each on free loopback
// ports, optionally with JetStream, started and awaited until usable, stopped without leaks.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { requireTool } from '../../scripts/test-tools.js';

/** One running nats-server process. */
export interface NatsServer {
  /** The server name (`-n`); generated when not in a cluster. */
  readonly name: string;
  /** The OS process id (a restarted server has a new one). */
  readonly pid: number;
  /** The client URL, e.g. `nats://127.0.0.1:40123`. */
  readonly url: string;
  /** Every client URL the server listens on (here just `url`). */
  readonly urls: string[];
  /** The HTTP monitoring endpoint, e.g. `http://127.0.0.1:40124` (`/varz`, `/routez`, `/jsz`). */
  readonly monitoringUrl: string;
  /** SIGTERM, then SIGKILL after a grace; resolves once the process is gone and its files removed. */
  stop(): Promise<void>;
  /**
   * SIGKILL (a crash); resolves once the process is gone. Its files (the JetStream store) stay
   * for `restart()`, and go with `stop()` or when the test process exits.
   */
  kill(): Promise<void>;
  /**
   * Starts the server again (after `kill()`, or killing it first) on the same client, monitoring
   * and route ports, with the same name and JetStream store; resolves once it accepts clients
   * (and, for a lone JetStream server, once the JetStream API answers).
   */
  restart(options?: { timeout?: number }): Promise<void>;
}

/** A set of routed nats-servers forming one cluster. */
export interface NatsCluster {
  /** The client URL of each server, in `servers` order. */
  readonly urls: string[];
  readonly servers: NatsServer[];
  /** Stops every server still running (see `NatsServer.stop`). */
  stop(): Promise<void>;
}

/** Options for `startServer` and `startCluster`. */
export interface StartOptions {
  /** Enable JetStream, each server with its own fresh store directory. Default false. */
  jetstream?: boolean;
  /** Budget in ms for the whole start, port clashes and retries included. Default 30 000. */
  timeout?: number;
  /** A nats-server configuration file's text (authorization, say), given with `-c` (startServer only). */
  config?: string;
  /** The credentials the readiness probe connects with, when `config` asks for them. */
  probe?: { user: string; pass: string };
}

const defaultTimeout = 30_000;
/** How long a server gets to shut down on SIGTERM before it is killed. */
const stopGrace = 10_000;
const pollInterval = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

// Servers still running, killed if the test process exits without stopping them (a test that
// threw before its afterAll, a jest timeout): an orphaned server would hold ports and disk. The
// scratch directories of killed servers, kept for a restart, go then too.
const running = new Set<ChildProcess>();
const kept = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const orphan of running) orphan.kill('SIGKILL');
    for (const dir of kept) rmSync(dir, { recursive: true, force: true });
  });
}
function track(child: ChildProcess): void {
  installExitHook();
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** A port the server could not bind: the cluster start is retried with other ports. */
class PortInUseError extends Error {}

/** The server's ports, as written to `<binary>_<pid>.ports` by `--ports_file_dir`. */
interface PortsFile {
  nats?: string[];
  monitoring?: string[];
  cluster?: string[];
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** A spawned server process, its scratch directory and the tail of its log. */
class Process {
  readonly child: ChildProcess;
  readonly pid: number;
  private readonly log: string[] = [];
  private exitStatus: string | undefined;
  readonly exited: Promise<void>;
  private ending: Promise<void> | undefined;

  constructor(
    readonly binary: string,
    readonly args: string[],
    readonly dir: string,
    readonly label: string,
  ) {
    // nats-server logs to stderr; the pipe is drained continuously so a chatty server never
    // blocks on a full pipe, and the last lines explain a failed start.
    this.child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitStatus = signal === null ? `exit code ${code}` : `signal ${signal}`;
        resolve();
      });
      // A spawn failure (ENOENT, EACCES) emits 'error' and possibly no 'exit'.
      this.child.once('error', (error) => {
        this.exitStatus ??= `spawn error: ${error.message}`;
        resolve();
      });
    });
    let partial = '';
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      this.log.push(...lines);
      if (this.log.length > 40) this.log.splice(0, this.log.length - 40);
    });
    if (this.child.pid === undefined) {
      this.pid = -1;
      this.exitStatus = 'spawn failed';
    } else {
      this.pid = this.child.pid;
      track(this.child);
    }
  }

  get hasExited(): boolean {
    return this.exitStatus !== undefined;
  }

  /** The last log lines, for error messages. */
  logTail(lines = 12): string {
    return this.log.slice(-lines).join('\n');
  }

  /** An error for a server that died during start; a port clash is told apart for a retry. */
  diedError(): Error {
    const tail = this.logTail();
    const message =
      `nats-server ${this.label} (pid ${this.pid}) exited during start (${this.exitStatus}). ` +
      `Last log lines:\n${tail}`;
    return /address already in use/i.test(tail) ? new PortInUseError(message) : new Error(message);
  }

  /**
   * Ends the process (SIGTERM with a SIGKILL fallback, or SIGKILL at once) and removes its files,
   * unless `keepFiles` (a crash to restart from).
   */
  end(signal: 'SIGTERM' | 'SIGKILL', keepFiles = false): Promise<void> {
    const ended = (this.ending ??= (async () => {
      if (!this.hasExited) {
        this.child.kill(signal);
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), stopGrace);
        });
        const outcome = await Promise.race([this.exited, graceOver]);
        clearTimeout(timer);
        if (outcome === 'late') {
          this.child.kill('SIGKILL');
          await this.exited;
        }
      }
      this.child.stderr?.destroy();
    })());
    if (keepFiles) {
      installExitHook();
      kept.add(this.dir);
      return ended;
    }
    return ended.then(async () => {
      kept.delete(this.dir);
      await rm(this.dir, { recursive: true, force: true });
    });
  }
}

/**
 * Polls `attempt` until it returns a value other than `undefined`, failing at once if one of
 * `procs` dies, and naming `what` and the last error once `deadline` (epoch ms) has passed.
 */
async function until<T>(
  what: string,
  deadline: number,
  procs: Process[],
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  let last = 'no attempt made';
  for (;;) {
    const dead = procs.find((proc) => proc.hasExited);
    if (dead !== undefined) throw dead.diedError();
    // Checked before each attempt, so phases run one after another share one budget.
    if (Date.now() > deadline) {
      const logs = procs.map((proc) => `--- ${proc.label}:\n${proc.logTail(6)}`).join('\n');
      throw new Error(`nats-server: timed out waiting for ${what} (last: ${last}).\n${logs}`);
    }
    try {
      const value = await attempt();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (error) {
      last = messageOf(error);
    }
    await sleep(pollInterval);
  }
}

/** Reads the ports file the server writes once it listens (the write is not atomic: retry). */
async function readPorts(proc: Process, deadline: number): Promise<Required<PortsFile>> {
  return until(`the ports file of ${proc.label}`, deadline, [proc], async () => {
    const suffix = `_${proc.pid}.ports`;
    const file = (await readdir(proc.dir)).find((name) => name.endsWith(suffix));
    if (file === undefined) return undefined;
    const parsed = JSON.parse(await readFile(join(proc.dir, file), 'utf8')) as PortsFile;
    const { nats, monitoring, cluster = [] } = parsed;
    if (!isStringArray(nats) || nats.length === 0) return undefined;
    if (!isStringArray(monitoring) || monitoring.length === 0) return undefined;
    return { nats, monitoring, cluster };
  });
}

/** Opens a client connection pinned to `url` (no reconnects, no hopping to other servers). */
const probeConnection = (
  url: string,
  deadline: number,
  credentials?: { user: string; pass: string },
): Promise<NatsConnection> =>
  connect({
    ...credentials,
    servers: url,
    reconnect: false,
    ignoreClusterUpdates: true,
    timeout: Math.max(1_000, Math.min(5_000, deadline - Date.now())),
  });

/** Polls until a client can connect to `url` and, with JetStream, the JetStream API answers. */
async function waitUntilServes(
  proc: Process,
  url: string,
  withJetStream: boolean,
  deadline: number,
  credentials?: { user: string; pass: string },
): Promise<void> {
  await until(`${proc.label} to accept clients at ${url}`, deadline, [proc], async () => {
    const nc = await probeConnection(url, deadline, credentials);
    try {
      await nc.flush();
      // jetstreamManager() asks `$JS.API.INFO` and throws until JetStream answers.
      if (withJetStream) await jetstreamManager(nc, { timeout: 2_000 });
      return true;
    } finally {
      await nc.close();
    }
  });
}

/** Fetches a monitoring endpoint as JSON. */
async function monitor(baseUrl: string, path: string): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return response.json();
}

/**
 * Where servers keep their files: memory (/dev/shm) when the machine has it, else the temp
 * directory. JetStream syncs its store to disk; on a disk busy with the rest of the suite a sync,
 * and so a server's exit, could stall for tens of seconds (a stop that outlived its hook's timeout).
 */
const scratchRoot = ((): string => {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
})();

/**
 * Creates the scratch directory of one server: its ports file, its configuration file if it has
 * one and, with JetStream, its store. It goes with the server (see `Process.end`).
 */
async function scratchDir(
  jetstream: boolean,
  config: string | undefined,
): Promise<{ dir: string; args: string[] }> {
  const dir = await mkdtemp(join(scratchRoot, 'nats-server-'));
  const args: string[] = [];
  if (config !== undefined) {
    const file = join(dir, 'server.conf');
    await writeFile(file, config);
    args.push('-c', file);
  }
  if (!jetstream) return { dir, args };
  const store = join(dir, 'store');
  await mkdir(store);
  return { dir, args: [...args, '-js', '-sd', store] };
}

/** The nats-server executable (scripts/test-tools.ts knows where; RXOTP_NATS_SERVER overrides). */
function requireBinary(): string {
  return requireTool('nats-server');
}

/** Spawns one server with client and monitoring ports chosen by the server itself. */
async function launch(
  binary: string,
  label: string,
  jetstream: boolean,
  extraArgs: string[],
  config?: string,
): Promise<Process> {
  const { dir, args } = await scratchDir(jetstream, config);
  const base = ['-a', '127.0.0.1', '-p', '-1', '-m', '-1', '--ports_file_dir', dir];
  return new Process(binary, [...base, ...args, ...extraArgs], dir, label);
}

const portOf = (url: string): string => new URL(url).port;

/** A server that can be stopped, killed and restarted in place. */
class RunningServer implements NatsServer {
  readonly url: string;
  readonly urls: string[];
  readonly monitoringUrl: string;

  constructor(
    private proc: Process,
    readonly name: string,
    ports: Required<PortsFile>,
    /** Whether a restart waits for the JetStream API (a lone server: a cluster's needs a quorum). */
    private readonly jetstream: boolean,
    private readonly probe?: { user: string; pass: string },
  ) {
    const [url, monitoringUrl] = [ports.nats[0], ports.monitoring[0]];
    if (url === undefined || monitoringUrl === undefined) throw new Error('empty ports file');
    this.url = url;
    this.urls = [...ports.nats];
    this.monitoringUrl = monitoringUrl;
  }

  get pid(): number {
    return this.proc.pid;
  }

  stop(): Promise<void> {
    return this.proc.end('SIGTERM');
  }

  kill(): Promise<void> {
    return this.proc.end('SIGKILL', true);
  }

  async restart(options: { timeout?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeout ?? defaultTimeout);
    const old = this.proc;
    await old.end('SIGKILL', true);
    // The same ports as before, so clients reconnect to the URL they know.
    const args = old.args.map((arg, i) => {
      const flag = old.args[i - 1];
      if (flag === '-p' && arg === '-1') return portOf(this.url);
      if (flag === '-m' && arg === '-1') return portOf(this.monitoringUrl);
      return arg;
    });
    const proc = new Process(old.binary, args, old.dir, old.label);
    this.proc = proc;
    try {
      await readPorts(proc, deadline);
      await waitUntilServes(proc, this.url, this.jetstream, deadline, this.probe);
    } catch (error) {
      await proc.end('SIGKILL', true);
      throw error;
    }
  }
}

let serial = 0;
/** A name unique across test files running at once (pid) and within this one (serial). */
const uniqueName = (prefix: string): string =>
  `${prefix}_${process.pid}_${++serial}_${Math.random().toString(36).slice(2, 8)}`;

/**
 * Starts one nats-server on free loopback ports and resolves once it accepts clients (and, with
 * `jetstream`, once the JetStream API answers). If the start fails the process is killed and its
 * files removed before the promise rejects.
 *
 * @example
 * const server = await startServer({ jetstream: true });
 * const nc = await connect({ servers: server.url });
 * // ...
 * await nc.close();
 * await server.stop();
 */
export async function startServer(options: StartOptions = {}): Promise<NatsServer> {
  const { jetstream = false, timeout = defaultTimeout, config, probe } = options;
  const binary = requireBinary();
  const deadline = Date.now() + timeout;
  const name = uniqueName('nats');
  const proc = await launch(binary, name, jetstream, ['-n', name], config);
  try {
    const ports = await readPorts(proc, deadline);
    const server = new RunningServer(proc, name, ports, jetstream, probe);
    await waitUntilServes(proc, server.url, jetstream, deadline, probe);
    return server;
  } catch (error) {
    await proc.end('SIGKILL');
    throw error;
  }
}

/**
 * One JetStream server for the whole test file: started before its tests,
 * stopped after them. Returns the server, for use inside tests.
 *
 * @example
 * const server = useJetStreamServer();
 * test('...', async () => { const nc = await connect({ servers: server().url }); });
 */
export function useJetStreamServer(): () => NatsServer {
  let server: NatsServer | undefined;
  beforeAll(async () => {
    server = await startServer({ jetstream: true });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);
  return () => {
    if (server === undefined)
      throw new Error("the file's nats-server did not start (see beforeAll)");
    return server;
  };
}

/** Distinct free loopback ports: all probes are held open together so none repeats. */
async function freePorts(count: number): Promise<number[]> {
  const probes: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const probe = createServer();
      probes.push(probe);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          probe.once('error', reject);
          probe.listen(0, '127.0.0.1', () => {
            const address = probe.address();
            if (typeof address === 'object' && address !== null) resolve(address.port);
            else reject(new Error('a port probe has no address'));
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(
      probes.map((probe) => new Promise((resolve) => probe.close(() => resolve(undefined)))),
    );
  }
}

interface Routez {
  num_routes?: number;
}
interface Jsz {
  meta_cluster?: { leader?: string; cluster_size?: number };
}

/** One attempt at a cluster; every process it spawned is gone when it rejects. */
async function tryCluster(
  binary: string,
  size: number,
  jetstream: boolean,
  deadline: number,
): Promise<NatsCluster> {
  const clusterName = uniqueName('cluster');
  const names = Array.from({ length: size }, (_, i) => `${clusterName}_s${i}`);
  // Routes are given at start, so the route ports must be known before any server runs: free
  // ports are probed, and a port taken in between makes the caller retry with fresh ones.
  const clusterPorts = await freePorts(size);
  const routeUrl = (port: number): string => `nats://127.0.0.1:${port}`;
  const procs: Process[] = [];
  try {
    for (const [i, name] of names.entries()) {
      const others = clusterPorts.filter((_, j) => j !== i).map(routeUrl);
      const args = ['-n', name, '--cluster_name', clusterName];
      args.push('--cluster', routeUrl(clusterPorts[i] ?? 0));
      if (others.length > 0) args.push('--routes', others.join(','));
      procs.push(await launch(binary, name, jetstream, args));
    }
    const servers = await Promise.all(
      procs.map(
        async (proc, i) =>
          new RunningServer(proc, names[i] ?? '', await readPorts(proc, deadline), false),
      ),
    );
    await Promise.all(
      servers.map((server, i) => waitUntilServes(procs[i] as Process, server.url, false, deadline)),
    );
    await until(`routes between all ${size} servers`, deadline, procs, async () => {
      const routez = await Promise.all(
        servers.map((server) => monitor(server.monitoringUrl, '/routez') as Promise<Routez>),
      );
      return routez.every((r) => (r.num_routes ?? 0) >= size - 1) ? true : undefined;
    });
    if (jetstream) {
      await until(
        `a JetStream meta leader known to all ${size} servers`,
        deadline,
        procs,
        async () => {
          const jsz = await Promise.all(
            servers.map((server) => monitor(server.monitoringUrl, '/jsz') as Promise<Jsz>),
          );
          const leaders = new Set(jsz.map((j) => j.meta_cluster?.leader ?? ''));
          const [leader] = leaders;
          return leaders.size === 1 && leader !== '' ? true : undefined;
        },
      );
      await probeKeyValue(servers, procs, Math.min(size, 3), deadline);
    }
    return {
      urls: servers.map((server) => server.url),
      servers,
      stop: async () => {
        await Promise.all(servers.map((server) => server.stop()));
      },
    };
  } catch (error) {
    await Promise.all(procs.map((proc) => proc.end('SIGKILL')));
    throw error;
  }
}

/**
 * Creates, writes and deletes a replicated KV bucket: the meta group can place streams and a
 * stream group elects a leader, which is what tests of the cluster will need first.
 */
async function probeKeyValue(
  servers: NatsServer[],
  procs: Process[],
  replicas: number,
  deadline: number,
): Promise<void> {
  const bucket = uniqueName('probe');
  const first = servers[0];
  if (first === undefined) return;
  const nc = await until('a client connection for the KV probe', deadline, procs, () =>
    probeConnection(first.url, deadline),
  );
  try {
    await until(`a KV bucket with ${replicas} replicas`, deadline, procs, async () => {
      const kv = await new Kvm(jetstream(nc, { timeout: 5_000 })).create(bucket, { replicas });
      await kv.put('probe', new Uint8Array([1]));
      return true;
    });
    await until('the KV probe bucket to be deleted', deadline, procs, async () => {
      const jsm = await jetstreamManager(nc, { timeout: 5_000 });
      return jsm.streams.delete(`KV_${bucket}`);
    });
  } finally {
    await nc.close();
  }
}

/**
 * Starts `size` nats-servers routed to each other on loopback, with distinct server names and a
 * unique cluster name, and resolves once all accept clients, every route is up and, with
 * `jetstream`, a meta leader exists and a replicated KV bucket can be created. A start that fails
 * kills what it started before rejecting; a route port taken in the meantime is retried.
 *
 * @example
 * const cluster = await startCluster(3, { jetstream: true });
 * const nc = await connect({ servers: cluster.urls[1] });
 * // ...
 * await nc.close();
 * await cluster.stop();
 */
export async function startCluster(size = 3, options: StartOptions = {}): Promise<NatsCluster> {
  const { jetstream = false, timeout = defaultTimeout } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`startCluster: size must be a positive integer, got ${size}`);
  }
  const binary = requireBinary();
  const deadline = Date.now() + timeout;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await tryCluster(binary, size, jetstream, deadline);
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= 3 || Date.now() > deadline) throw error;
    }
  }
}
