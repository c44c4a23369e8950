// A node in a child process, driven over IPC: the one wrapper the node-process specs share.
// The child is `node --import tsx <nodeFile> <config as JSON>`; it sends `{ event: 'ready' }`
// once it has joined, `{ event: 'unhandled', error }` for an error no caller could receive,
// and answers each `{ ref, command }` with `{ ref, ok, value | error }`.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..');

/** What every node process is told at start; each spec's config adds its own fields. */
export interface NodeProcessConfig {
  readonly name: string;
}

/** A command for the child, tagged with the number its answer will carry. */
export interface NodeRequest<Command> {
  readonly ref: number;
  readonly command: Command;
}

/** What a child sends: an event, or the answer to request `ref`. */
type NodeMessage =
  | { readonly event: string; readonly error?: string }
  | { readonly ref: number; readonly ok: true; readonly value: unknown }
  | {
      readonly ref: number;
      readonly ok: false;
      readonly error: string | { readonly name: string; readonly message: string };
    };

// Child processes still running, killed if this process exits first (a jest timeout, a crash).
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const orphan of running) orphan.kill('SIGKILL');
});

/**
 * A node in a child process running `nodeFile`: `ready` once it says so, `run` sends it a
 * Command and resolves with its answer (rejects with its error, or once the process is gone).
 */
export class NodeProcess<Config extends NodeProcessConfig, Command = never> {
  /** The errors the node reported as unhandled (a test expects none). */
  readonly unhandled: string[] = [];
  readonly ready: Promise<void>;
  /** Resolves with how the process ended (`exit code N` or `signal S`). */
  readonly exited: Promise<string>;
  protected readonly child: ChildProcess;
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();
  private ref = 0;
  private stderr = '';

  constructor(
    nodeFile: string,
    readonly config: Config,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', nodeFile, JSON.stringify(config)], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    running.add(this.child);
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        running.delete(this.child);
        const status = signal === null ? `exit code ${code}` : `signal ${signal}`;
        const error = new Error(`node '${config.name}' exited (${status}): ${this.stderr}`);
        for (const { reject } of this.pending.values()) reject(error);
        this.pending.clear();
        resolve(status);
      });
    });
    this.child.on('message', (message: NodeMessage) => {
      if ('event' in message) {
        if (message.event === 'unhandled') this.unhandled.push(message.error ?? '');
        return;
      }
      const waiter = this.pending.get(message.ref);
      this.pending.delete(message.ref);
      if (message.ok) waiter?.resolve(message.value);
      else if (typeof message.error === 'string') waiter?.reject(new Error(message.error));
      else waiter?.reject(Object.assign(new Error(message.error.message), message.error));
    });
    this.ready = this.said('ready');
  }

  /** Resolves once the node sends event `event`; rejects if the process ends first. */
  protected said(event: string): Promise<void> {
    return new Promise((resolve, reject) => {
      void this.exited.then((status) =>
        reject(
          new Error(
            `node '${this.config.name}' exited before '${event}' (${status}): ${this.stderr}`,
          ),
        ),
      );
      this.child.on('message', (message: NodeMessage) => {
        if ('event' in message && message.event === event) resolve();
      });
    });
  }

  run<T>(command: Command): Promise<T> {
    const ref = ++this.ref;
    return new Promise<T>((resolve, reject) => {
      if (!running.has(this.child)) return reject(new Error(`node '${this.config.name}' is gone`));
      this.pending.set(ref, { resolve, reject });
      const request: NodeRequest<Command> = { ref, command };
      this.child.send(request, (error) => {
        if (error === null) return;
        this.pending.delete(ref);
        reject(error);
      });
    });
  }

  /** SIGKILL: the node dies without a word to anyone. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (running.has(this.child)) this.child.kill('SIGKILL');
    await this.exited;
  }
}
