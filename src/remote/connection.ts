import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { Pid } from '../actor/pid.js';
import { isVia } from '../actor/address.js';
import type { Via } from '../actor/via.js';
import { describe } from '../exit/describe.js';
import { via } from '../registry/via.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { NodeDownError } from '../errors/node-down-error.js';
import { errorExit, type ExitReason } from '../exit/exit-reason.js';
import { CALL, kindName } from '../mailbox/kinds.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { CallRef } from '../messaging/call-ref.js';
import { lost } from '../actor/process.js';
import { MessageTooLargeError } from '../errors/message-too-large-error.js';
import { report } from '../report/reports.js';
import { deliver } from '../messaging/deliver.js';
import { stop } from '../messaging/stop.js';
import { Registry } from '../registry/registry.js';
import { deadPid } from './dead-pid.js';
import { BadFrameError, decodeFrame } from './frame-schema.js';
import type { Link } from './link.js';
import { Liveness } from './liveness.js';
import { NameMirror } from './name-mirror.js';
import { PidTables } from './pid-tables.js';
import { RemoteTarget, type Forwarder } from './remote-target.js';
import {
  decodeError,
  decodeReason,
  encodeError,
  encodeReason,
  packPids,
  unpackPids,
  type Frame,
} from './wire.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** @internal How a `Connection` fits the node that owns it. */
export interface ConnectionOptions {
  /** The peer's name, when known before its greeting. */
  readonly peer?: string;
  /** The registry whose names are the peer's: a send through one of them carries the name. */
  readonly names?: Registry;
  /** Finds a local pid the peer may address without having been told of it here. */
  readonly resolve?: (id: number) => Pid | undefined;
  /** In a cluster: this node's address and the peer's, so pids of a third node can cross. */
  readonly self?: string;
  readonly address?: string;
  /** In a cluster: makes a local pid addressable by id from every node. */
  readonly publish?: (pid: Pid) => void;
  /** In a cluster: the pid `id` of the node at `address` (a third node). */
  readonly pidAt?: (address: string, node: string, id: number, name: string | undefined) => Pid;
  /** In a cluster: the peer asks to unregister a name of ours held by `pid`. */
  readonly unregister?: (name: string, pid: Pid) => void;
  /** In a cluster: a frame from the peer was dropped as bad (the node counts them all). */
  readonly dropped?: () => void;
}

interface Pending {
  readonly ref: CallRef;
  readonly target: string;
}

interface Query {
  next(pid: Pid | undefined): void;
  error(error: unknown): void;
}

/** @internal One node's end of its conversation with one peer node. */
export class Connection implements Forwarder {
  peer: string | undefined;
  readonly down$: Observable<NodeDownError>;
  /** Heartbeats, and the peer's loss once it happens. */
  private readonly liveness = new Liveness();
  /** The pids this node and the peer share, and how they cross the wire. */
  private readonly pids: PidTables;
  /** Our names as the peer watches them, and our mirror of the peer's. */
  private readonly mirror = new NameMirror();
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly queries = new Map<number, Query>();
  /** Whether the peer's greeting has arrived. */
  private greeted = false;
  /** The registry whose names the peer's registry shares (see `ConnectionOptions.names`). */
  private names: Registry | null;
  /** @internal The peer's cluster address, when in a cluster. */
  readonly address: string | undefined;
  private readonly unregister: ConnectionOptions['unregister'];
  private readonly dropped: ConnectionOptions['dropped'];
  /** The peer's name is given (by the subject it speaks on), not taken from its greeting. */
  private readonly fixedPeer: boolean;
  private badFrames = 0;
  private readonly vias = new Map<string, Via>();
  private readonly inbound: Subscription;

  constructor(
    readonly name: string,
    private readonly link: Link,
    readonly registry: Registry,
    options: ConnectionOptions,
  ) {
    this.peer = options.peer;
    this.names = options.names ?? null;
    this.address = options.address;
    this.unregister = options.unregister;
    this.dropped = options.dropped;
    this.fixedPeer = options.peer !== undefined;
    this.down$ = this.liveness.down$;
    this.pids = new PidTables(this, {
      node: name,
      peer: () => this.peer ?? '?',
      down: () => this.liveness.down,
      exited: (id, reason) => {
        if (this.liveness.down === null) {
          this.send({ t: 'exit', id, reason: encodeReason(reason) });
        }
      },
      addressOf: (forwarder) => (forwarder instanceof Connection ? forwarder.address : undefined),
      resolve: options.resolve,
      self: options.self,
      publish: options.publish,
      pidAt: options.pidAt,
    });
    this.inbound = link.incoming$.subscribe({
      next: (frame) => this.receive(frame),
      // A link that knows why it ended says so in its error's message.
      error: (error: unknown) => this.lose(error instanceof Error ? error.message : 'link closed'),
      complete: () => this.lose('link closed'),
    });
    this.send({ t: 'hello', node: name });
  }

  /** Sends a heartbeat every `interval` ms; the peer is down after `missed` silent intervals. */
  beat(scheduler: SchedulerLike, interval: number, missed: number): void {
    this.liveness.beat(
      scheduler,
      interval,
      missed,
      () => this.send({ t: 'hb' }),
      (why) => this.lose(why),
    );
  }

  whereis(name: string): Promise<Pid | undefined> {
    return new Promise((resolve, reject) => {
      this.whereis$(name).subscribe({ next: resolve, error: reject });
    });
  }

  whereis$(name: string): Observable<Pid | undefined> {
    if (typeof name !== 'string') {
      throw new TypeError(`whereis: name must be a string, got ${describe(name)}.`);
    }
    return new Observable<Pid | undefined>((subscriber) => {
      const down = this.liveness.down;
      if (down !== null) return subscriber.error(down);
      const q = ++this.seq;
      this.queries.set(q, {
        next: (pid) => {
          subscriber.next(pid);
          subscriber.complete();
        },
        error: (error) => subscriber.error(error),
      });
      this.send({ t: 'whereis', q, name });
      return () => this.queries.delete(q);
    });
  }

  remoteRegistry(): Registry {
    const { registry, made } = this.mirror.open();
    if (made) {
      this.names = registry;
      if (this.liveness.down === null) this.send({ t: 'watch' });
    }
    return registry;
  }

  close(): void {
    if (this.liveness.down !== null) return;
    this.send({ t: 'bye' });
    this.lose('closed here');
  }

  // ---- Outgoing ---------------------------------------------------------------

  forward(target: RemoteTarget, kind: number, payload: unknown, via: unknown): void {
    const to = target.pid.id;
    try {
      const call = kind === CALL ? (payload as CallRef) : undefined;
      // A call held while its name waited for a restart may have timed out meanwhile.
      if (call?.done === true) return;
      const content = call === undefined ? payload : call.request;
      const packed = packPids(content, this.pids.toWire);
      const n = call === undefined ? 0 : ++this.seq;
      const frame: Mutable<Frame & { t: 'msg' | 'call' }> =
        call === undefined
          ? { t: 'msg', to, kind, payload: packed }
          : { t: 'call', to, ref: n, request: packed };
      // Through a name the peer shares, the name goes too: it outlives the pid.
      if (isVia(via) && via.registry === this.names) frame.via = via.name;
      if (packed !== content) frame.p = 1;
      this.link.send(frame);
      if (call === undefined) return;
      this.pending.set(n, { ref: call, target: String(target.pid) });
      // Settled here by a reply, a timeout or the caller going away: forget it.
      call.owner = { paid: () => this.pending.delete(n) };
    } catch (error) {
      if (error instanceof MessageTooLargeError) {
        // Nothing was sent: a dead letter, and a call fails at once; a send or cast throws.
        lost(target.pid, kind, payload, errorExit(error), error);
        if (kind === CALL) return;
        throw error;
      }
      const { message } = (error ?? {}) as { message?: unknown };
      throw new TypeError(
        `${kindName(kind)} to ${String(target.pid)}: the message cannot cross nodes; ` +
          `the link must be able to encode it (no functions or symbols): ` +
          `${typeof message === 'string' ? message : String(error)}`,
      );
    }
  }

  stopRemote(target: RemoteTarget, reason: ExitReason): void {
    this.send({ t: 'stop', to: target.pid.id, reason: encodeReason(reason) });
  }

  monitor(target: RemoteTarget): void {
    if (this.liveness.down === null) this.send({ t: 'mon', id: target.pid.id });
  }

  /** A call's frame found no one to take it: the peer node is gone, so is the pid. */
  unreachable(ref: number): void {
    this.accept({ t: 'fail', ref, error: { name: 'NoProcError', message: 'noproc' } });
  }

  /** @internal Asks the peer to unregister its pid `id` from `name` (a cluster name it holds). */
  unregisterRemote(name: string, id: number): void {
    if (this.liveness.down === null) this.send({ t: 'unreg', name, id });
  }

  stats(): { readonly badFrames: number } {
    return { badFrames: this.badFrames };
  }

  private send(frame: Frame): void {
    this.link.send(frame);
  }

  // ---- Incoming ---------------------------------------------------------------

  /**
   * @internal Handles one frame from the peer: what `incoming$` feeds, and
   * what a transport that demultiplexes many peers calls directly.
   */
  receive(raw: unknown): void {
    if (this.liveness.down !== null) return;
    let frame: Frame;
    try {
      frame = decodeFrame(raw);
    } catch (error) {
      return this.drop(error);
    }
    this.accept(frame);
  }

  /** @internal Handles one frame already checked against the schema (a cluster member checks its own). */
  accept(frame: Frame): void {
    if (this.liveness.down !== null) return;
    this.liveness.heardFrom();
    // Like any rxotp callback: handlers the frame wakes run after it, not inside it.
    enter();
    try {
      this.handle(frame);
    } catch (error) {
      // A pid inside the payload that fails the schema; or a bug: never thrown into the transport.
      if (error instanceof BadFrameError) this.drop(error);
      else
        report({
          kind: 'remote',
          node: this.name,
          operation: `a frame from ${this.peer ?? '?'}`,
          error,
        });
    } finally {
      leave();
    }
  }

  /** A frame that failed the schema: dropped, counted and reported. */
  private drop(error: unknown): void {
    this.badFrames++;
    this.dropped?.();
    report({ kind: 'frame', node: this.name, subject: `link from ${this.peer ?? '?'}`, error });
  }

  private handle(frame: Frame): void {
    switch (frame.t) {
      case 'hello':
        if (!this.fixedPeer) this.peer = frame.node;
        // Our own greeting may have gone out before the peer listened: greet back, once.
        if (!this.greeted) {
          this.greeted = true;
          this.send({ t: 'hello', node: this.name });
        }
        return;
      case 'bye':
        return this.lose('closed by peer');
      case 'hb':
        return;
      case 'msg': {
        const payload =
          frame.p === 1 ? unpackPids(frame.payload, this.pids.fromWire) : frame.payload;
        return this.route(kindName(frame.kind), frame.to, frame.via, frame.kind, payload);
      }
      case 'mon': {
        const pid = this.pids.local(frame.id);
        if (pid === undefined) {
          const reason = errorExit(new NoProcError(`<pid ${frame.id}@${this.name}>`));
          this.send({ t: 'exit', id: frame.id, reason: encodeReason(reason) });
        }
        return;
      }
      case 'call': {
        const { ref: n } = frame;
        const request =
          frame.p === 1 ? unpackPids(frame.request, this.pids.fromWire) : frame.request;
        const ref = new CallRef(
          request,
          (value) => {
            try {
              const packed = packPids(value, this.pids.toWire);
              this.link.send(
                packed === value
                  ? { t: 'reply', ref: n, value }
                  : { t: 'reply', ref: n, value: packed, p: 1 },
              );
            } catch (error) {
              this.send({ t: 'fail', ref: n, error: encodeError(error) });
            }
          },
          (error) => this.send({ t: 'fail', ref: n, error: encodeError(error) }),
        );
        return this.route('call', frame.to, frame.via, CALL, ref);
      }
      case 'reply': {
        const pending = this.pending.get(frame.ref);
        if (pending === undefined) return;
        this.pending.delete(frame.ref);
        pending.ref.resolve(
          frame.p === 1 ? unpackPids(frame.value, this.pids.fromWire) : frame.value,
        );
        return;
      }
      case 'fail': {
        const pending = this.pending.get(frame.ref);
        if (pending === undefined) return;
        this.pending.delete(frame.ref);
        pending.ref.reject(decodeError(frame.error, pending.target));
        return;
      }
      case 'stop': {
        const pid = this.pids.local(frame.to);
        if (pid !== undefined) stop(pid, decodeReason(frame.reason, String(pid)));
        return;
      }
      case 'exit':
        return this.pids.remoteExited(frame.id, (pid) => decodeReason(frame.reason, String(pid)));
      case 'whereis': {
        const pid = this.registry.whereis(frame.name);
        // Only this node's own pids are offered: a remote pid registered here is not forwarded.
        if (pid === undefined || pid.node !== undefined) {
          this.send({ t: 'where', q: frame.q, id: null, name: null });
          return;
        }
        this.pids.export(pid);
        this.send({ t: 'where', q: frame.q, id: pid.id, name: pid.name ?? null });
        return;
      }
      case 'watch':
        return this.mirror.watch(
          this.registry,
          (pid) => this.pids.export(pid),
          (names) => this.send(names),
        );
      case 'names':
        return this.mirror.apply(frame, (id, name) => this.pids.remotePid(id, name));
      case 'unreg': {
        const pid = this.pids.local(frame.id);
        if (pid !== undefined) this.unregister?.(frame.name, pid);
        return;
      }
      case 'where': {
        const query = this.queries.get(frame.q);
        if (query === undefined) return;
        this.queries.delete(frame.q);
        query.next(frame.id === null ? undefined : this.pids.remotePid(frame.id, frame.name));
        return;
      }
    }
  }

  /**
   * Delivers a message for local pid `id`. Sent through a name, it carries
   * that name into the mailbox, as a local send through `via` does: if the pid
   * crashes with it still queued, it is held for the next incarnation. Once
   * the pid has exited, the name takes it (the next incarnation, or a hold);
   * with no name it is a dead letter here.
   */
  private route(
    fn: string,
    id: number,
    name: string | undefined,
    kind: number,
    payload: unknown,
  ): void {
    const pid = this.pids.local(id);
    const named = name === undefined ? undefined : this.via(name);
    if (pid !== undefined && pid.target.post(kind, payload, named)) return;
    deliver(fn, named ?? pid ?? deadPid(id, noProc), kind, payload);
  }

  /** The `via` for one of this node's names, made once. */
  private via(name: string): Via {
    let address = this.vias.get(name);
    if (address === undefined) this.vias.set(name, (address = via(this.registry, name)));
    return address;
  }

  /** @internal The peer's pid `id`: the same object while that incarnation lives. */
  remotePid(id: number, name: string | null): Pid {
    return this.pids.remotePid(id, name);
  }

  // ---- Losing the peer ------------------------------------------------------------

  private lose(why: string): void {
    if (this.liveness.down !== null) return;
    const error = new NodeDownError(this.peer ?? '?', why);
    this.liveness.lose(error);
    this.inbound?.unsubscribe();
    this.mirror.close();
    enter();
    try {
      for (const { ref } of [...this.pending.values()]) ref.reject(error);
      this.pending.clear();
      for (const query of [...this.queries.values()]) query.error(error);
      this.queries.clear();
      this.pids.lose(errorExit(error));
      this.liveness.tell();
    } finally {
      leave();
    }
    this.link.close();
  }
}

const noProc = errorExit(new NoProcError('a pid that has exited'));
