import type { Pid } from '../actor/pid.js';
import type { NodeDownError } from '../errors/node-down-error.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { errorExit, type ExitReason } from '../exit/exit-reason.js';
import { deadPid } from './dead-pid.js';
import { decodeWirePid } from './frame-schema.js';
import { RemoteTarget, type Forwarder } from './remote-target.js';
import { isAddressOf } from './subjects.js';
import type { WirePid } from './wire.js';

/** @internal What the pid tables of one connection need from it and from its node. */
export interface PidTablesOptions {
  /** This node's name. */
  readonly node: string;
  /** The peer's name, `'?'` until it is known. */
  readonly peer: () => string;
  /** Why the peer is down, or `null` while it is up. */
  readonly down: () => NodeDownError | null;
  /** Tells the peer (if it is up) that local pid `id`, which it holds, exited. */
  readonly exited: (id: number, reason: ExitReason) => void;
  /** The cluster address of the node a remote pid's carrier (its connection) leads to, if any. */
  readonly addressOf: (carrier: object) => string | undefined;
  /** Finds a local pid the peer may address without having been told of it here. */
  readonly resolve?: ((id: number) => Pid | undefined) | undefined;
  /** In a cluster: this node's address, so a pid of ours coming back is known as ours. */
  readonly self?: string | undefined;
  /** In a cluster: makes a local pid addressable by id from every node. */
  readonly publish?: ((pid: Pid) => void) | undefined;
  /** In a cluster: the pid `id` of the node at `address` (a third node). */
  readonly pidAt?:
    ((address: string, node: string, id: number, name: string | undefined) => Pid) | undefined;
}

/**
 * @internal The pids one connection shares with its peer: local pids the peer holds (each tells
 * the peer when it exits), the peer's pids held here (one object per incarnation while it lives),
 * and how a pid crosses the wire either way (docs/design.md, "Remote › The wire").
 */
export class PidTables {
  /** Local pids the peer holds, by id; each tells the peer when it exits. */
  private readonly exported = new Map<number, { pid: Pid; remove: () => void }>();
  /** The peer's pids we hold, by id, while they live. */
  private readonly remote = new Map<number, RemoteTarget>();

  constructor(
    private readonly forwarder: Forwarder,
    private readonly options: PidTablesOptions,
  ) {}

  /** Watches local `pid` for the peer, which holds it now: its exit is told to the peer. */
  export(pid: Pid): void {
    if (this.exported.has(pid.id)) return;
    const entry = { pid, remove: noop };
    this.exported.set(pid.id, entry);
    entry.remove = pid.target.onExit((reason) => {
      this.exported.delete(pid.id);
      this.options.exited(pid.id, reason);
    });
  }

  /** The live local pid `id` the peer addresses, now watched for the peer. */
  local(id: number): Pid | undefined {
    const entry = this.exported.get(id);
    if (entry !== undefined) return entry.pid;
    const pid = this.options.resolve?.(id);
    if (pid === undefined || pid.target.reason !== undefined) return undefined;
    this.export(pid);
    return pid;
  }

  /** The peer's pid `id`: the same object while that incarnation lives. */
  remotePid(id: number, name: string | null): Pid {
    let target = this.remote.get(id);
    if (target === undefined) {
      target = new RemoteTarget(this.forwarder, id, name ?? undefined, this.options.peer());
      const down = this.options.down();
      // Met after its node was lost (in a message, or a stale entry): born dead.
      if (down !== null) {
        target.exited(errorExit(down));
      } else {
        this.remote.set(id, target);
        // Watched from the start: its exit, when the peer reports it, takes it out of `remote`.
        target.onExit(noop);
      }
    }
    return target.pid;
  }

  /** The peer says its pid `id` exited with `reason` (decoded by `decode`, naming the pid). */
  remoteExited(id: number, decode: (pid: Pid) => ExitReason): void {
    const target = this.remote.get(id);
    if (target === undefined) return;
    this.remote.delete(id);
    target.exited(decode(target.pid));
  }

  /** A pid inside an outgoing message, as it crosses (see `WirePid`). */
  readonly toWire = (pid: Pid): WirePid => {
    const name = pid.name ?? null;
    const { node, pidAt } = this.options;
    if (pid.node === undefined) {
      // The peer (and any node it passes the pid on to) may address it.
      if (pid.target.reason === undefined) {
        this.export(pid);
        this.options.publish?.(pid);
      }
      return [0, pid.id, name, node];
    }
    const owner = pid.target.carrier;
    if (owner === this.forwarder) return [1, pid.id, name, pid.node];
    const address = owner === null ? undefined : this.options.addressOf(owner);
    if (address === undefined || pidAt === undefined) {
      throw new TypeError(
        `${String(pid)} cannot be sent to node '${this.options.peer()}': ` +
          `pids cross only between nodes of one cluster`,
      );
    }
    return [address, pid.id, name, pid.node];
  };

  /** A pid inside an incoming message. */
  readonly fromWire = (raw: unknown): Pid => {
    const [where, id, name, node] = decodeWirePid(raw);
    const { self, pidAt } = this.options;
    if (where === 0) return this.remotePid(id, name);
    if (where === 1 || where === self) return this.local(id) ?? deadPid(id, noProc);
    if (pidAt === undefined || !isAddressOf(where, node)) return deadPid(id, noProc);
    return pidAt(where, node, id, name ?? undefined);
  };

  /**
   * The peer is lost: local pids stop telling it of their exits, and every pid of its held here
   * exits with `reason`.
   */
  lose(reason: ExitReason): void {
    for (const { remove } of this.exported.values()) remove();
    this.exported.clear();
    const targets = [...this.remote.values()];
    this.remote.clear();
    for (const target of targets) target.exited(reason);
  }
}

function noop(): void {}

const noProc = errorExit(new NoProcError('a pid that has exited'));
