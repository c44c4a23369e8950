import {
  formatExit,
  type ChildInfo,
  type DeadLetter,
  type ExitReason,
  type Pid,
  type RestartType,
  type SupervisorEvent,
} from '../index.js';
import { preview } from './preview.js';
import { MAX_LOG, keyOf } from './shared.js';
import type {
  ChangeMessage,
  EventView,
  ExitView,
  GiveUpView,
  LostView,
  NodeView,
  SnapshotMessage,
  Status,
} from './views.js';

/**
 * How much history each node keeps: its latest exit and lost message, with
 * counts of all (a page keeps the last few it has seen). Bounded however long
 * it runs, and small enough that a snapshot of a 10,000-child tree stays
 * near 2 MB.
 */
const MAX_EXITS = 1;
const MAX_LOST = 1;
/** Nodes whose latest exit and lost message a snapshot carries: the most recently changed. */
const SNAPSHOT_HISTORIES = 1000;
/** Old pids kept per node, so letters to a just-exited incarnation still find their child. */
const MAX_PAST_PIDS = 3;
/**
 * Children kept while down. A temporary child that exits is gone from its
 * supervisor, but no event says so; with a page open a refresh removes it,
 * without one this bound does, so a stream of short-lived children does not
 * grow the model.
 */
const MAX_DOWN = 1000;

interface Node {
  readonly key: string;
  readonly path: readonly string[];
  readonly id: string;
  type: 'worker' | 'supervisor';
  restart: RestartType | null;
  status: Status;
  restarts: number;
  incarnation: number;
  queued: number | null;
  pid: Pid | undefined;
  backoffUntil: number | null;
  backoffDelay: number | null;
  gaveUp: GiveUpView | null;
  children: string[];
  exits: ExitView[];
  exitCount: number;
  lost: LostView[];
  lostCount: number;
  /** The event sequence number of the last event about it (or of its creation). */
  touched: number;
  pastPids: number[];
}

/**
 * Within one supervisor incarnation a child only moves forward: a higher
 * incarnation, or the same one further along. A children snapshot (`childrenOf`) is
 * taken only if it is not behind what the events already said, since the
 * reply may have been made before events that arrived ahead of it.
 */
const RANK: Record<Status, number> = {
  starting: 0,
  running: 1,
  stopping: 2,
  restarting: 3,
  backoff: 4,
  terminated: 4,
};

/**
 * @internal The observed tree: built from supervision events as they happen
 * and corrected by children snapshots (`childrenOf`), which also bring what events do
 * not carry (restart type, child type, mailbox depth). It records which nodes
 * changed, so each page gets only those.
 */
export class TreeModel {
  private readonly nodes = new Map<string, Node>();
  private readonly byPid = new Map<number, string>();
  private readonly byName = new Map<string, string>();
  private readonly log: EventView[] = [];
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  /** Children that exited and have not started again, longest down first. */
  private readonly down = new Set<string>();
  /** The ids of each supervisor's last restart, for the backoff event that follows it. */
  private readonly lastRestart = new Map<string, readonly string[]>();
  /** Counts applied events; a refresh compares it to know what it may remove. */
  seq = 0;

  constructor(
    rootId: string,
    private readonly showMessages: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.nodes.set(keyOf([]), this.make([], rootId, 'supervisor'));
  }

  get root(): Node {
    return this.nodes.get(keyOf([]))!;
  }

  /** The root supervisor's pid for a fresh incarnation: everything below it starts over. */
  rootStarted(pid: Pid): EventView {
    const root = this.root;
    this.seq++;
    const first = root.incarnation === 0;
    this.resetBelow(root);
    Object.assign(root, { status: 'running', pid, incarnation: root.incarnation + 1 });
    root.backoffUntil = null;
    this.indexPid(root, pid);
    this.touch(root);
    return this.record({
      at: this.now(),
      kind: 'started',
      path: [],
      incarnation: root.incarnation,
      text: first ? 'started' : `started again as ${String(pid)}`,
    });
  }

  /** The root supervisor `pid` exited (or failed to start): it and everything below it are down. */
  rootExited(pid: Pid | undefined, reason: ExitReason): EventView | undefined {
    const root = this.root;
    // A name followed across restarts: an old incarnation's late exit is not news.
    if (root.pid !== pid && (root.pid !== undefined || root.status === 'terminated')) {
      return undefined;
    }
    this.seq++;
    this.exited(root, root.incarnation, reason);
    root.status = 'terminated';
    root.queued = null;
    root.pid = undefined;
    this.downBelow(root);
    return this.record({
      at: this.now(),
      kind: 'exit',
      path: [],
      incarnation: root.incarnation,
      text: `exited: ${formatExit(reason)}`,
    });
  }

  /** Applies one supervision event (`path` from the root); returns its log line. */
  apply(e: SupervisorEvent): EventView {
    this.seq++;
    const at = this.now();
    const base = { at, kind: e.kind, path: e.path, incarnation: e.incarnation };
    switch (e.kind) {
      case 'child-started': {
        const n = this.ensure(e.path);
        // A supervisor's new incarnation starts its children over (counts included).
        if (e.incarnation !== n.incarnation) this.resetBelow(n);
        Object.assign(n, { status: 'running', incarnation: e.incarnation, pid: e.pid });
        n.backoffUntil = n.backoffDelay = null;
        this.indexPid(n, e.pid);
        this.touch(n);
        this.down.delete(n.key);
        return this.record({ ...base, text: `started #${e.incarnation}` });
      }
      case 'child-exited': {
        const n = this.ensure(e.path);
        this.exited(n, e.incarnation, e.reason);
        if (e.incarnation >= n.incarnation) {
          Object.assign(n, { incarnation: e.incarnation, status: 'restarting', queued: null });
          n.pid = undefined;
        }
        this.downBelow(n);
        this.touch(n);
        this.wentDown(n);
        return this.record({ ...base, text: `exited #${e.incarnation}: ${formatExit(e.reason)}` });
      }
      case 'restart': {
        const parent = e.path.slice(0, -1);
        const crashed = e.path[e.path.length - 1];
        this.lastRestart.set(keyOf(parent), e.ids);
        for (const id of e.ids) {
          const n = this.ensure([...parent, id]);
          // The same rule as the supervisor's: every child restarted counts one.
          n.restarts = id === crashed ? Math.max(n.restarts, e.count) : n.restarts + 1;
          if (RANK[n.status] < RANK.restarting) n.status = 'restarting';
          this.touch(n);
        }
        const others = e.ids.filter((id) => id !== crashed);
        const text =
          `restart ${e.count}` + (others.length > 0 ? ` (with ${others.join(', ')})` : '');
        return this.record({ ...base, text, ids: e.ids });
      }
      case 'backoff': {
        const parent = e.path.slice(0, -1);
        const crashed = e.path[e.path.length - 1]!;
        const ids = this.lastRestart.get(keyOf(parent)) ?? [crashed];
        for (const id of ids.includes(crashed) ? ids : [crashed]) {
          const n = this.ensure([...parent, id]);
          if (n.status !== 'restarting') continue;
          n.status = 'backoff';
          n.backoffUntil = at + e.delay;
          n.backoffDelay = e.delay;
          this.touch(n);
        }
        return this.record({ ...base, text: `backoff ${Math.round(e.delay)} ms` });
      }
      case 'give-up': {
        const n = this.ensure(e.path);
        const { childId, restarts, period } = e.error;
        n.gaveUp = { at, childId, restarts, period };
        this.touch(n);
        const text = `gave up: '${childId}' needed restart number ${restarts} within ${period} ms`;
        return this.record({ ...base, text, childId });
      }
      case 'refused':
        return this.record({ ...base, text: `refused: ${e.error.message}` });
      case 'child-removed': {
        // Its spec is gone: so is its node (no refresh needed to find out).
        const parent = this.nodes.get(keyOf(e.path.slice(0, -1)));
        const id = e.path[e.path.length - 1];
        if (parent !== undefined) {
          parent.children = parent.children.filter((x) => x !== id);
          this.dirty.add(parent.key);
        }
        this.remove(keyOf(e.path));
        return this.record({ ...base, text: 'removed' });
      }
    }
  }

  /**
   * Takes a supervisor's children snapshot (`childrenOf`), read when `seq` was
   * `asked`: children it does not list are gone unless an event about them
   * came after the question. Returns the children that are supervisors.
   *
   * With `only`, it takes just those children (the ones that exited, when
   * their supervisor has decided what to do with them), so a settle costs
   * the children that moved, not all of a big supervisor's; a child of
   * `only` not listed is gone, as above, and the others are left as they are.
   */
  merge(
    supervisor: Pid,
    infos: readonly ChildInfo[],
    asked: number,
    only?: ReadonlySet<string>,
  ): [string[], Pid][] {
    const parent = this.nodeOfPid(supervisor);
    if (parent === undefined) return [];
    const listed = new Set<string>();
    const nested: [string[], Pid][] = [];
    for (const info of infos) {
      if (only !== undefined && !only.has(info.id)) continue;
      listed.add(info.id);
      const path = [...parent.path, info.id];
      const n = this.ensure(path);
      const before = signature(n);
      // A child with children is a supervisor, whatever its spec says.
      n.type = n.children.length > 0 ? 'supervisor' : info.type;
      n.restart = info.restart;
      n.restarts = Math.max(n.restarts, info.restarts);
      const ahead =
        info.incarnation > n.incarnation ||
        (info.incarnation === n.incarnation && RANK[info.status] >= RANK[n.status]);
      if (ahead) {
        n.status = info.status;
        n.incarnation = info.incarnation;
        n.pid = info.pid;
        if (info.pid !== undefined) this.indexPid(n, info.pid);
        if (info.status !== 'backoff') n.backoffUntil = n.backoffDelay = null;
      }
      n.queued = n.pid === undefined ? null : info.queued;
      if (signature(n) !== before) this.dirty.add(n.key);
      if (n.type === 'supervisor' && info.pid !== undefined) nested.push([path, info.pid]);
    }
    const gone = (id: string): boolean =>
      !listed.has(id) && this.nodes.get(keyOf([...parent.path, id]))!.touched <= asked;
    if (only !== undefined) {
      const left = new Set(
        [...only].filter((id) => this.nodes.has(keyOf([...parent.path, id])) && gone(id)),
      );
      if (left.size === 0) return nested;
      for (const id of left) this.remove(keyOf([...parent.path, id]));
      parent.children = parent.children.filter((id) => !left.has(id));
      return nested;
    }
    const kept = new Set(parent.children.filter((id) => !listed.has(id) && !gone(id)));
    for (const id of parent.children) {
      if (!listed.has(id) && !kept.has(id)) this.remove(keyOf([...parent.path, id]));
    }
    parent.children = [...infos.map((i) => i.id), ...kept];
    return nested;
  }

  /** Attributes a dead letter to the child it was meant for, if it is in this tree. */
  lostLetter(letter: DeadLetter): void {
    const { target } = letter;
    const key = 'registry' in target ? this.byName.get(target.name) : this.byPid.get(target.id);
    const n = key === undefined ? undefined : this.nodes.get(key);
    if (n === undefined) return;
    const view: LostView = {
      at: this.now(),
      kind: letter.kind,
      reason: formatExit(letter.reason),
      ...(this.showMessages ? { message: preview(letter.message, target) } : {}),
    };
    n.lost.push(view);
    if (n.lost.length > MAX_LOST) n.lost.shift();
    n.lostCount++;
    this.dirty.add(n.key);
  }

  /** The supervisors whose children are read: the root and every live nested one. */
  supervisors(): [string[], Pid][] {
    const out: [string[], Pid][] = [];
    for (const n of this.nodes.values()) {
      if (n.type === 'supervisor' && n.pid !== undefined && RANK[n.status] <= RANK.running) {
        out.push([n.path.slice(), n.pid]);
      }
    }
    return out;
  }

  /** The pid of the supervisor at `path`, while it has one. */
  pidAt(path: readonly string[]): Pid | undefined {
    return this.nodes.get(keyOf(path))?.pid;
  }

  snapshot(title: string): SnapshotMessage {
    const now = this.now();
    // Histories only for the nodes touched most recently, so a big tree's snapshot stays small.
    let recent = -Infinity;
    if (this.nodes.size > SNAPSHOT_HISTORIES) {
      const touched = [...this.nodes.values()].map((n) => n.touched).sort((a, b) => b - a);
      recent = touched[SNAPSHOT_HISTORIES - 1]!;
    }
    return {
      title,
      showMessages: this.showMessages,
      nodes: this.inOrder(this.root).map((n) => view(n, now, n.touched >= recent)),
      log: this.log.slice(),
    };
  }

  /** What changed since the last call, with the events that changed it; `undefined` if nothing did. */
  changes(events: readonly EventView[] = [], skipped = 0): ChangeMessage | undefined {
    if (events.length === 0 && this.dirty.size === 0 && this.removed.size === 0) return undefined;
    const now = this.now();
    const nodes: NodeView[] = [];
    for (const key of this.dirty) {
      const n = this.nodes.get(key);
      if (n !== undefined) nodes.push(view(n, now));
    }
    const message: ChangeMessage = {
      nodes,
      removed: [...this.removed],
      events,
      skipped,
    };
    this.dirty.clear();
    this.removed.clear();
    return message;
  }

  // ---- Helpers ------------------------------------------------------------------------

  private make(path: readonly string[], id: string, type: Node['type']): Node {
    return {
      key: keyOf(path),
      path,
      id,
      type,
      restart: null,
      status: 'starting',
      restarts: 0,
      incarnation: 0,
      queued: null,
      pid: undefined,
      backoffUntil: null,
      backoffDelay: null,
      gaveUp: null,
      children: [],
      exits: [],
      exitCount: 0,
      lost: [],
      lostCount: 0,
      touched: this.seq,
      pastPids: [],
    };
  }

  /** The node at `path`, made (with any missing parents) if new: events may name a child first. */
  private ensure(path: readonly string[]): Node {
    const key = keyOf(path);
    const found = this.nodes.get(key);
    if (found !== undefined) return found;
    const parent = this.ensure(path.slice(0, -1));
    // Only a supervisor has children, whatever its spec said.
    if (parent.type !== 'supervisor') {
      parent.type = 'supervisor';
      this.dirty.add(parent.key);
    }
    const n = this.make(path, path[path.length - 1]!, 'worker');
    this.nodes.set(key, n);
    parent.children.push(n.id);
    this.dirty.add(key);
    return n;
  }

  /** Keeps at most `MAX_DOWN` exited children, dropping those down longest. */
  private wentDown(n: Node): void {
    this.down.delete(n.key);
    this.down.add(n.key);
    for (const key of this.down) {
      if (this.down.size <= MAX_DOWN) break;
      this.down.delete(key);
      const old = this.nodes.get(key);
      if (old !== undefined && old.pid === undefined && old.children.length === 0) {
        this.remove(key);
        const parent = this.nodes.get(keyOf(old.path.slice(0, -1)));
        if (parent !== undefined) parent.children = parent.children.filter((id) => id !== old.id);
      }
    }
  }

  private touch(n: Node): void {
    n.touched = this.seq;
    this.dirty.add(n.key);
  }

  private exited(n: Node, incarnation: number, reason: ExitReason): void {
    n.exits.push({ at: this.now(), incarnation, kind: reason.kind, reason: formatExit(reason) });
    if (n.exits.length > MAX_EXITS) n.exits.shift();
    n.exitCount++;
    this.dirty.add(n.key);
  }

  /** `n` and its descendants, parents first, children in start order. */
  private inOrder(n: Node): Node[] {
    return [n, ...this.descendants(n)];
  }

  private descendants(n: Node): Node[] {
    const out: Node[] = [];
    for (const id of n.children) {
      const c = this.nodes.get(keyOf([...n.path, id]));
      if (c !== undefined) out.push(c, ...this.descendants(c));
    }
    return out;
  }

  /** A supervisor exited: its children were stopped with it. */
  private downBelow(n: Node): void {
    for (const d of this.descendants(n)) {
      if (d.status === 'terminated' && d.queued === null && d.backoffUntil === null) continue;
      d.status = 'terminated';
      d.queued = null;
      d.backoffUntil = d.backoffDelay = null;
      this.dirty.add(d.key);
    }
  }

  /**
   * A supervisor starts again: its children will be started afresh, with new
   * counts. They stay listed (and keep their exit history) until the new
   * incarnation starts them again or a refresh shows they are gone.
   */
  private resetBelow(n: Node): void {
    for (const id of n.children) this.lastRestart.delete(keyOf([...n.path, id]));
    this.lastRestart.delete(n.key);
    for (const d of this.descendants(n)) {
      Object.assign(d, { status: 'terminated', incarnation: 0, restarts: 0, queued: null });
      d.pid = undefined;
      d.backoffUntil = d.backoffDelay = null;
      d.gaveUp = null;
      this.dirty.add(d.key);
    }
  }

  private remove(key: string): void {
    const n = this.nodes.get(key);
    if (n === undefined) return;
    for (const d of [n, ...this.descendants(n)]) {
      this.nodes.delete(d.key);
      this.down.delete(d.key);
      this.dirty.delete(d.key);
      this.removed.add(d.key);
      this.lastRestart.delete(d.key);
      for (const id of d.pastPids) if (this.byPid.get(id) === d.key) this.byPid.delete(id);
      const name = d.pid?.name;
      if (name !== undefined && this.byName.get(name) === d.key) this.byName.delete(name);
    }
  }

  private indexPid(n: Node, pid: Pid): void {
    if (n.pastPids[n.pastPids.length - 1] !== pid.id) {
      n.pastPids.push(pid.id);
      this.byPid.set(pid.id, n.key);
      if (n.pastPids.length > MAX_PAST_PIDS) {
        const old = n.pastPids.shift()!;
        if (this.byPid.get(old) === n.key) this.byPid.delete(old);
      }
    }
    if (pid.name !== undefined) this.byName.set(pid.name, n.key);
  }

  private nodeOfPid(pid: Pid): Node | undefined {
    const key = this.byPid.get(pid.id);
    const n = key === undefined ? undefined : this.nodes.get(key);
    // Only the supervisor's current incarnation: an old one's reply is stale.
    return n?.pid === pid ? n : undefined;
  }

  private record(e: EventView): EventView {
    this.log.push(e);
    if (this.log.length > MAX_LOG) this.log.shift();
    return e;
  }
}

const signature = (n: Node): string =>
  `${n.type} ${n.restart} ${n.status} ${n.restarts} ${n.incarnation} ${n.queued} ${n.pid?.id}`;

/**
 * A node as pages get it. A field at its default (`null`, `0`, none) is left
 * out, and the page puts it back: with 10,000 children, every byte per node
 * is 10 KB of snapshot.
 */
function view(n: Node, now: number, history = true): NodeView {
  const v: Mutable<NodeView> = {
    key: n.key,
    path: n.path,
    id: n.id,
    type: n.type,
    status: n.status,
    restarts: n.restarts,
    incarnation: n.incarnation,
  };
  if (n.restart !== null) v.restart = n.restart;
  if (n.queued !== null) v.queued = n.queued;
  if (n.pid !== undefined) v.pid = String(n.pid);
  if (n.backoffUntil !== null) v.backoffLeft = Math.max(0, n.backoffUntil - now);
  if (n.backoffDelay !== null) v.backoffDelay = n.backoffDelay;
  if (n.gaveUp !== null) v.gaveUp = n.gaveUp;
  if (n.exitCount > 0) v.exitCount = n.exitCount;
  if (n.lostCount > 0) v.lostCount = n.lostCount;
  if (history && n.exits.length > 0) v.exits = n.exits.slice();
  if (history && n.lost.length > 0) v.lost = n.lost.slice();
  return v;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
