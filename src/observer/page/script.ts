/**
 * The observer page's script, run in the browser. The build compiles it
 * (scripts/page-script.js, with esbuild) into one small file that the page
 * carries inline under its CSP nonce; it type-checks against the server's view
 * types (views.ts) with src/observer/page/tsconfig.json.
 *
 * It keeps the nodes it was sent by key and a set of the keys that changed
 * since the last frame. A frame, at most one per `FRAME_MS` (about 10 a
 * second) and on an animation frame, updates only those rows, and only the
 * text that differs; the summary's totals are kept as nodes come and go, never
 * recounted. Flashes and bumps use the Web Animations API, after the frame's
 * writes, on rows on screen only and a bounded number a frame (one layout a
 * frame, not one a row). Every string from
 * the tree goes on the page as text (`textContent`), never as markup
 * (docs/design.md, "The observer").
 */
import { FRAME_MS, MAX_LOG, keyOf } from '../shared.js';
import type {
  ChangeMessage,
  EventView,
  ExitView,
  GiveUpView,
  LostView,
  NodeView,
  SnapshotMessage,
} from '../views.js';

/** Exits and lost messages the page keeps per node (the server sends the latest one). */
const HISTORY = 5;
/** Rows that flash or bump in one frame, at most: a busy tree changes hundreds a frame. */
const ANIMATIONS_PER_FRAME = 200;
/** How often a backoff wait's countdown is redrawn while no message comes. */
const COUNTDOWN_MS = 100;

const COLORS = {
  restart: '#f0883e',
  text: '#d8dee6',
  flashRestart: 'rgba(240,136,62,.55)',
  flashExit: 'rgba(248,81,73,.55)',
  flashStart: 'rgba(63,185,80,.3)',
} as const;

type Flash = 'restart' | 'exit' | 'start' | 'give-up';
const FLASHES: Record<Flash, { readonly color: string; readonly ms: number }> = {
  restart: { color: COLORS.flashRestart, ms: 1400 },
  exit: { color: COLORS.flashExit, ms: 1200 },
  start: { color: COLORS.flashStart, ms: 900 },
  'give-up': { color: COLORS.flashExit, ms: 2400 },
};

/** A node as the page holds it: the latest view, and the history it has gathered. */
interface Shown {
  readonly view: NodeView;
  readonly exits: readonly ExitView[];
  readonly lost: readonly LostView[];
  /** `performance.now()` when the view came: a backoff wait counts down from it. */
  readonly got: number;
}

/** A node's row and the elements whose text a frame may change. */
interface Row {
  readonly li: HTMLLIElement;
  readonly row: HTMLDivElement;
  readonly kids: HTMLUListElement;
  readonly gave: HTMLDivElement;
  readonly type: HTMLSpanElement;
  readonly restart: HTMLSpanElement;
  readonly status: HTMLSpanElement;
  readonly statusText: Text;
  readonly bar: HTMLSpanElement;
  readonly barFill: HTMLElement;
  readonly restarts: HTMLElement;
  readonly incarnation: HTMLElement;
  readonly queued: HTMLElement;
  /** The class names last set, so an unchanged row costs no DOM write. */
  liClass: string;
  rowClass: string;
}

/** The summary's totals, kept as nodes change. */
interface Totals {
  supervisors: number;
  workers: number;
  restarts: number;
  down: number;
}

const nodes = new Map<string, Shown>();
const rows = new Map<string, Row>();
const dirty = new Set<string>();
const flashes = new Map<string, Flash>();
/** Give-up banners the user closed. */
const hidden = new Set<string>();
/** Supervisors that gave up: the banners, and their culprit children. */
const gaveUp = new Set<string>();
/** Nodes waiting out a backoff, for the countdown. */
const waiting = new Set<string>();
const totals: Totals = { supervisors: 0, workers: 0, restarts: 0, down: 0 };
let pendingLog: EventView[] = [];
let selected: string | null = null;
let detailState: HTMLElement | null = null;
let showMessages = false;
let bannersDirty = false;
let detailDirty = false;
let frameTimer: ReturnType<typeof setTimeout> | undefined;
let lastFrame = -Infinity;
let summaryText = '';

function byId(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e;
}

function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string | null,
  text?: string | number,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  return e;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function clock(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(d.getMilliseconds(), 3)}`;
}

const pathText = (path: readonly string[]): string =>
  path.length === 0 ? '(root)' : path.join(' / ');

const parentKey = (path: readonly string[]): string => keyOf(path.slice(0, -1));

function backoffLeft(n: Shown): number | undefined {
  const left = n.view.backoffLeft;
  return left === undefined ? undefined : Math.max(0, left - (performance.now() - n.got));
}

function statusText(n: Shown): string {
  const v = n.view;
  if (v.status === 'terminated') return 'down';
  const left = v.status === 'backoff' ? backoffLeft(n) : undefined;
  return left === undefined ? v.status : `backoff ${(left / 1000).toFixed(1)} s`;
}

function gaveUpText(g: GiveUpView): string {
  return (
    `gave up at ${clock(g.at)}: child '${g.childId}' needed restart number ${g.restarts} ` +
    `within ${g.period} ms`
  );
}

// ---- The stream -----------------------------------------------------------------------

function setConn(state: string): void {
  const c = byId('conn');
  c.className = state;
  c.textContent = state;
}

function snapshot(s: SnapshotMessage): void {
  showMessages = s.showMessages;
  byId('title').textContent = `\u2014 ${s.title}`;
  document.title = `rxotp observer \u2014 ${s.title}`;
  nodes.clear();
  rows.clear();
  dirty.clear();
  flashes.clear();
  gaveUp.clear();
  waiting.clear();
  Object.assign(totals, { supervisors: 0, workers: 0, restarts: 0, down: 0 });
  byId('tree').textContent = '';
  byId('log').textContent = '';
  pendingLog = s.log.slice(-MAX_LOG);
  const now = performance.now();
  for (const n of s.nodes) put(n, now);
  if (selected !== null && !nodes.has(selected)) selected = null;
  bannersDirty = true;
  detailDirty = true;
  schedule();
}

function change(c: ChangeMessage): void {
  const now = performance.now();
  for (const key of c.removed) remove(key);
  for (const n of c.nodes) put(n, now);
  for (const e of c.events) {
    if (e.kind === 'restart') {
      const parent = e.path.slice(0, -1);
      for (const id of e.ids ?? []) flashes.set(keyOf([...parent, id]), 'restart');
    } else if (e.kind === 'child-exited' || e.kind === 'exit') flashes.set(keyOf(e.path), 'exit');
    else if (e.kind === 'child-started' || e.kind === 'started')
      flashes.set(keyOf(e.path), 'start');
    else if (e.kind === 'give-up') {
      flashes.set(keyOf(e.path), 'give-up');
      hidden.delete(keyOf(e.path));
      bannersDirty = true;
    }
  }
  pendingLog.push(...c.events);
  if (pendingLog.length > MAX_LOG) pendingLog = pendingLog.slice(-MAX_LOG);
  schedule();
}

/** Adds (`sign` 1) or takes away (-1) a node's share of the summary. */
function count(v: NodeView, sign: 1 | -1): void {
  if (v.path.length === 0) return;
  if (v.type === 'supervisor') totals.supervisors += sign;
  else totals.workers += sign;
  totals.restarts += sign * v.restarts;
  if (v.status === 'terminated') totals.down += sign;
}

/** The exits or lost messages seen so far and the fresh ones, the last `HISTORY`. */
function kept<T extends { readonly at: number; readonly reason: string }>(
  seen: readonly T[],
  fresh: readonly T[],
  total: number,
): T[] {
  const out = seen.slice();
  for (const x of fresh) if (!out.some((y) => y.at === x.at && y.reason === x.reason)) out.push(x);
  return out.slice(Math.max(0, out.length - Math.min(HISTORY, total)));
}

// A node comes without the fields at their defaults, and with its latest exit
// and lost message only: the page keeps the last few of each it has seen.
function put(v: NodeView, now: number): void {
  const old = nodes.get(v.key);
  const exitCount = v.exitCount ?? 0;
  const lostCount = v.lostCount ?? 0;
  const before = old?.view;
  const n: Shown = {
    view: v,
    exits: kept(
      before && (before.exitCount ?? 0) <= exitCount ? old.exits : [],
      v.exits ?? [],
      exitCount,
    ),
    lost: kept(
      before && (before.lostCount ?? 0) <= lostCount ? old.lost : [],
      v.lost ?? [],
      lostCount,
    ),
    got: now,
  };
  if (before !== undefined) count(before, -1);
  count(v, 1);
  nodes.set(v.key, n);
  dirty.add(v.key);
  if (v.status === 'backoff' && v.backoffLeft !== undefined) waiting.add(v.key);
  else waiting.delete(v.key);
  // A give-up marks its culprit child, and the last one's stops being marked.
  if (before?.gaveUp?.at !== v.gaveUp?.at) {
    if (before?.gaveUp) dirty.add(keyOf([...v.path, before.gaveUp.childId]));
    if (v.gaveUp) dirty.add(keyOf([...v.path, v.gaveUp.childId]));
    bannersDirty = true;
  }
  if (v.gaveUp) gaveUp.add(v.key);
  else gaveUp.delete(v.key);
  if (v.key === selected) detailDirty = true;
}

function remove(key: string): void {
  const n = nodes.get(key);
  if (n === undefined) return;
  count(n.view, -1);
  nodes.delete(key);
  dirty.delete(key);
  waiting.delete(key);
  if (gaveUp.delete(key)) bannersDirty = true;
  const r = rows.get(key);
  if (r) {
    r.li.remove();
    rows.delete(key);
  }
  if (selected === key) {
    selected = null;
    detailDirty = true;
  }
}

// ---- Drawing --------------------------------------------------------------------------

/** One frame at most per `FRAME_MS`, drawn on an animation frame. */
function schedule(): void {
  if (frameTimer !== undefined) return;
  const wait = Math.max(0, lastFrame + FRAME_MS - performance.now());
  frameTimer = setTimeout(() => requestAnimationFrame(draw), wait);
}

function rowFor(v: NodeView): Row {
  const existing = rows.get(v.key);
  if (existing) return existing;
  const li = make('li', 'node');
  li.setAttribute('data-key', v.key);
  li.setAttribute('data-path', v.path.join('/'));
  li.setAttribute('role', 'treeitem');
  const row = make('div', 'row');
  row.tabIndex = 0;
  const status = make('span', 'status');
  const statusText = document.createTextNode('');
  status.appendChild(statusText);
  status.setAttribute('data-field', 'status');
  const bar = make('span', 'bar');
  const barFill = make('i');
  bar.appendChild(barFill);
  const field = (name: string): HTMLElement => {
    const b = make('b');
    b.setAttribute('data-field', name);
    return b;
  };
  const r: Row = {
    li,
    row,
    kids: make('ul', 'kids'),
    gave: make('div', 'gaveup'),
    type: make('span', 'tag'),
    restart: make('span', 'tag'),
    status,
    statusText,
    bar,
    barFill,
    restarts: field('restarts'),
    incarnation: field('incarnation'),
    queued: field('queued'),
    liClass: '',
    rowClass: '',
  };
  row.appendChild(make('span', 'dot'));
  row.appendChild(make('span', 'name', v.id));
  row.appendChild(r.type);
  row.appendChild(r.restart);
  const cols = make('span', 'cols');
  cols.appendChild(status);
  const num = (cls: string, label: string, b: HTMLElement, title: string): void => {
    const s = make('span', cls, label);
    s.title = title;
    s.appendChild(b);
    cols.appendChild(s);
  };
  num('num', 'restarts ', r.restarts, "restarts in its supervisor's current incarnation");
  num('num inc', '#', r.incarnation, 'incarnation: how many times it has been started');
  num('num', 'queued ', r.queued, 'messages waiting in its mailbox');
  row.appendChild(cols);
  r.gave.hidden = true;
  r.kids.setAttribute('role', 'group');
  li.appendChild(row);
  li.appendChild(r.gave);
  li.appendChild(r.kids);
  row.addEventListener('click', () => select(v.key));
  row.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      select(v.key);
    }
  });
  rows.set(v.key, r);
  return r;
}

function setText(e: Node, text: string): boolean {
  if (e.textContent === text) return false;
  e.textContent = text;
  return true;
}

/** Sets a number cell; a changed count on screen briefly shows in the restart colour. */
function setNum(
  r: Row,
  b: HTMLElement,
  value: number | undefined,
  bump: boolean,
  animations: Animations,
): void {
  const first = b.textContent === '';
  if (!setText(b, value === undefined ? '\u2013' : String(value))) return;
  if (bump && !first)
    animations.add(r.row, b, [{ color: COLORS.restart }, { color: COLORS.text }], 1000);
}

function isCulprit(v: NodeView): boolean {
  if (v.path.length === 0) return false;
  const parent = nodes.get(parentKey(v.path))?.view;
  return parent?.gaveUp !== undefined && !hidden.has(parent.key) && parent.gaveUp.childId === v.id;
}

function update(n: Shown, animations: Animations): void {
  const v = n.view;
  const r = rowFor(v);
  const liClass =
    `node st-${v.status}` +
    (v.type === 'supervisor' ? ' sup' : '') +
    (isCulprit(v) ? ' culprit' : '');
  if (r.liClass !== liClass) r.li.className = r.liClass = liClass;
  const rowClass = `row st-${v.status}` + (selected === v.key ? ' selected' : '');
  if (r.rowClass !== rowClass) {
    r.row.className = r.rowClass = rowClass;
    r.row.setAttribute('aria-selected', selected === v.key ? 'true' : 'false');
  }
  setText(r.type, v.type);
  r.type.className = `tag type-${v.type}`;
  setText(r.restart, v.restart ?? (v.path.length === 0 ? 'root' : '?'));
  r.statusText.data = statusText(n);
  const counting = v.status === 'backoff' && v.backoffLeft !== undefined;
  if (counting && r.bar.parentNode !== r.status) r.status.appendChild(r.bar);
  if (!counting && r.bar.parentNode === r.status) r.bar.remove();
  setNum(r, r.restarts, v.path.length === 0 ? undefined : v.restarts, true, animations);
  setNum(r, r.incarnation, v.incarnation === 0 ? undefined : v.incarnation, true, animations);
  setNum(r, r.queued, v.queued, false, animations);
  if (v.gaveUp && !hidden.has(v.key)) {
    r.gave.hidden = false;
    setText(r.gave, gaveUpText(v.gaveUp));
  } else r.gave.hidden = true;
}

// A new row goes after its siblings: nodes arrive in start order, and a
// restarted child keeps its row.
function place(v: NodeView): void {
  const r = rows.get(v.key);
  if (r === undefined) return;
  const into = v.path.length === 0 ? byId('tree') : rows.get(parentKey(v.path))?.kids;
  if (into !== undefined && r.li.parentNode !== into) into.appendChild(r.li);
}

/**
 * The animations a frame asks for, run once its writes are done: only on rows
 * on screen, at most `ANIMATIONS_PER_FRAME`. The rows' places are all read
 * before any animation starts, so a frame costs one layout, not one a row.
 */
class Animations {
  private readonly asked: {
    readonly row: Element;
    readonly e: Element;
    readonly frames: Keyframe[];
    readonly ms: number;
  }[] = [];

  add(row: Element, e: Element, frames: Keyframe[], ms: number): void {
    this.asked.push({ row, e, frames, ms });
  }

  run(): void {
    if (this.asked.length === 0) return;
    const pane = byId('tree-pane').getBoundingClientRect();
    const seen = new Map<Element, boolean>();
    const onScreen = (row: Element): boolean => {
      let on = seen.get(row);
      if (on === undefined) {
        // A worker's row is inside its item's `content-visibility: auto`: the item's own box is
        // read, which needs no layout of what is inside it.
        const li = row.parentElement;
        const box = li !== null && !li.classList.contains('sup') ? li : row;
        const r = box.getBoundingClientRect();
        on = r.height > 0 && r.bottom > pane.top && r.top < pane.bottom;
        seen.set(row, on);
      }
      return on;
    };
    const chosen = [];
    for (const a of this.asked) {
      if (chosen.length >= ANIMATIONS_PER_FRAME) break;
      if (onScreen(a.row)) chosen.push(a);
    }
    for (const a of chosen) a.e.animate(a.frames, { duration: a.ms, easing: 'ease-out' });
  }
}

function banners(): void {
  const box = byId('banners');
  box.textContent = '';
  const gave: NodeView[] = [];
  for (const key of gaveUp) {
    const v = nodes.get(key)?.view;
    if (v?.gaveUp && !hidden.has(key)) gave.push(v);
  }
  gave.sort((a, b) => b.gaveUp!.at - a.gaveUp!.at);
  for (const v of gave.slice(0, 3)) {
    const g = v.gaveUp!;
    const div = make('div', 'banner');
    div.appendChild(make('b', null, 'give-up'));
    div.appendChild(make('span', null, `${pathText(v.path)} ${gaveUpText(g)}`));
    const x = make('button', 'close', '\u00d7');
    x.title = 'dismiss';
    x.addEventListener('click', (ev) => {
      ev.stopPropagation();
      hidden.add(v.key);
      dirty.add(v.key);
      dirty.add(keyOf([...v.path, g.childId]));
      bannersDirty = true;
      schedule();
    });
    div.appendChild(x);
    div.addEventListener('click', () => select(keyOf([...v.path, g.childId])));
    box.appendChild(div);
  }
}

function summary(): void {
  const { supervisors: s, workers: w, restarts: r, down: d } = totals;
  const parts: [number, string][] = [
    [s, s === 1 ? ' supervisor' : ' supervisors'],
    [w, w === 1 ? ' worker' : ' workers'],
    [r, r === 1 ? ' restart' : ' restarts'],
    [d, ' down'],
  ];
  const text = parts.map(([n, label]) => `${n}${label}`).join('  \u00b7  ');
  if (text === summaryText) return;
  summaryText = text;
  const box = byId('summary');
  box.textContent = '';
  parts.forEach(([n, label], i) => {
    if (i > 0) box.appendChild(document.createTextNode('  \u00b7  '));
    box.appendChild(make('b', null, n));
    box.appendChild(document.createTextNode(label));
  });
}

function logLines(): void {
  if (pendingLog.length === 0) return;
  const log = byId('log');
  const lines = document.createDocumentFragment();
  for (const e of pendingLog.slice().reverse()) {
    const li = make('li', `k-${e.kind}`);
    li.appendChild(make('span', 't', clock(e.at)));
    li.appendChild(make('span', 'p', pathText(e.path)));
    li.appendChild(make('span', `x${/: error/.test(e.text) ? ' error' : ''}`, e.text));
    lines.appendChild(li);
  }
  pendingLog = [];
  log.insertBefore(lines, log.firstChild);
  while (log.childNodes.length > MAX_LOG) log.lastChild!.remove();
}

function draw(): void {
  frameTimer = undefined;
  lastFrame = performance.now();
  const animations = new Animations();
  // Parents first, so a new row finds its parent's; a give-up drawn here may
  // mark a culprit child, drawn in the next round of the same frame.
  while (dirty.size > 0) {
    const shown = [...dirty].flatMap((k) => nodes.get(k) ?? []);
    dirty.clear();
    shown.sort((a, b) => a.view.path.length - b.view.path.length);
    for (const n of shown) update(n, animations);
    for (const n of shown) place(n.view);
  }
  for (const [key, flash] of flashes) {
    const r = rows.get(key);
    if (r === undefined) continue;
    const f = FLASHES[flash];
    animations.add(
      r.row,
      r.row,
      [{ backgroundColor: f.color }, { backgroundColor: 'transparent' }],
      f.ms,
    );
  }
  flashes.clear();
  logLines();
  if (bannersDirty) {
    bannersDirty = false;
    banners();
  }
  summary();
  if (detailDirty) {
    detailDirty = false;
    detail();
  }
  // Last: every write of the frame is done.
  animations.run();
}

// Backoff waits count down between messages.
setInterval(() => {
  for (const key of waiting) {
    const n = nodes.get(key);
    const r = rows.get(key);
    if (n === undefined || r === undefined) continue;
    const left = backoffLeft(n) ?? 0;
    const delay = n.view.backoffDelay;
    r.statusText.data = statusText(n);
    r.barFill.style.width = `${delay ? (100 * left) / delay : 0}%`;
    if (key === selected && detailState !== null) detailState.textContent = statusText(n);
  }
}, COUNTDOWN_MS);

// ---- Selection --------------------------------------------------------------------------

function select(key: string): void {
  const before = selected;
  selected = key;
  if (before !== null && nodes.has(before)) dirty.add(before);
  if (nodes.has(key)) dirty.add(key);
  detailDirty = true;
  schedule();
}

function detail(): void {
  const box = byId('detail');
  box.textContent = '';
  detailState = null;
  const n = selected === null ? undefined : nodes.get(selected);
  if (n === undefined) {
    box.appendChild(make('p', 'hint', 'Select a child to see its recent exits.'));
    return;
  }
  const v = n.view;
  box.setAttribute('data-key', v.key);
  box.appendChild(make('h2', null, v.id));
  box.appendChild(make('div', 'where', pathText(v.path)));
  const dl = make('dl');
  const item = (k: string, value: string | number): HTMLElement => {
    dl.appendChild(make('dt', null, k));
    return dl.appendChild(make('dd', null, value));
  };
  detailState = item('state', statusText(n));
  item('type', v.type);
  item('restart', v.restart ?? '\u2013');
  item('pid', v.pid ?? '\u2013');
  item('incarnation', v.incarnation || '\u2013');
  item('restarts', v.restarts);
  item('queued', v.queued ?? '\u2013');
  box.appendChild(dl);
  if (v.gaveUp) {
    box.appendChild(make('h3', null, 'Gave up'));
    box.appendChild(make('p', 'hint', gaveUpText(v.gaveUp).replace(/^gave up at /, '')));
  }
  const exitCount = v.exitCount ?? 0;
  box.appendChild(
    make('h3', null, 'Recent exits' + (exitCount > n.exits.length ? ` (${exitCount} in all)` : '')),
  );
  if (n.exits.length === 0) box.appendChild(make('p', 'hint', 'none yet'));
  const exits = make('ol', 'hist exits');
  for (const x of n.exits.slice().reverse()) {
    const li = make('li');
    li.appendChild(make('span', 't', `${clock(x.at)} #${x.incarnation}`));
    li.appendChild(make('span', x.kind, x.reason));
    exits.appendChild(li);
  }
  box.appendChild(exits);
  const lostCount = v.lostCount ?? 0;
  if (lostCount > 0) {
    box.appendChild(make('h3', null, `Lost messages (${lostCount})`));
    if (!showMessages)
      box.appendChild(
        make('p', 'hint', 'Contents hidden: observe with { showMessages: true } to show them.'),
      );
    const lost = make('ol', 'hist');
    for (const l of n.lost.slice().reverse()) {
      const li = make('li');
      li.appendChild(make('span', 't', `${clock(l.at)} ${l.kind}`));
      li.appendChild(make('span', 'error', l.reason));
      if (l.message !== undefined) li.appendChild(make('span', 'msg', l.message));
      lost.appendChild(li);
    }
    box.appendChild(lost);
  }
}

const legend = byId('legend');
for (const [label, color] of [
  ['running', '--run'],
  ['starting', '--start'],
  ['restarting', '--restart'],
  ['backoff', '--backoff'],
  ['down', '--down'],
] as const) {
  const s = make('span', null, label);
  s.style.setProperty('--c', `var(${color})`);
  legend.appendChild(s);
}

// Last, once everything above is defined: the stream.
const source = new EventSource('events');
source.onopen = () => setConn('live');
source.onerror = () =>
  setConn(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
source.addEventListener('snapshot', (m) =>
  snapshot(JSON.parse(m.data as string) as SnapshotMessage),
);
source.addEventListener('change', (m) => change(JSON.parse(m.data as string) as ChangeMessage));
