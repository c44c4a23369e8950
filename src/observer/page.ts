/**
 * @internal The observer's one page: HTML, CSS and a small script, inline, no
 * framework and no build step. `nonce` lets the Content-Security-Policy allow
 * this script and style and nothing else. Every string from the tree is put
 * on the page as text (`textContent`), never as markup.
 *
 * The script keeps the nodes it was sent by key, applies each change, and
 * redraws only the rows that changed, once per animation frame.
 */
export function page(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rxotp observer</title>
<style nonce="${nonce}">
:root {
  --bg: #0f1419; --panel: #161d25; --line: #263241; --text: #d8dee6; --dim: #7d8b99;
  --run: #3fb950; --start: #58a6ff; --restart: #f0883e; --backoff: #d29922; --down: #6e7681;
  --err: #f85149; --accent: #a371f7;
  color-scheme: dark;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { display: flex; align-items: center; gap: 16px; padding: 10px 18px;
  border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { margin: 0; font-size: 16px; font-weight: 600; }
header h1 span { color: var(--dim); font-weight: 400; }
#conn { font-size: 12px; padding: 2px 9px; border-radius: 10px; border: 1px solid var(--line); }
#conn.live { color: var(--run); border-color: var(--run); }
#conn.reconnecting, #conn.connecting { color: var(--backoff); border-color: var(--backoff); }
#summary { margin-left: auto; color: var(--dim); font-size: 13px; }
#summary b { color: var(--text); font-weight: 600; }
#banners:empty { display: none; }
#banners { padding: 8px 18px 0; }
.banner { display: flex; gap: 10px; align-items: baseline; margin-bottom: 6px; padding: 7px 12px;
  border: 1px solid var(--err); border-radius: 6px; background: #2a1215; cursor: pointer; }
.banner b { color: var(--err); }
.banner .close { margin-left: auto; background: none; border: 0; color: var(--dim); cursor: pointer;
  font-size: 16px; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 0; height: calc(100vh - 49px); }
#tree-pane { overflow: auto; padding: 12px 18px; }
#side { border-left: 1px solid var(--line); display: flex; flex-direction: column; min-height: 0; }
#detail { padding: 12px 16px; border-bottom: 1px solid var(--line); max-height: 58%; overflow: auto; }
#detail h2 { margin: 0 0 2px; font-size: 15px; }
#detail .where { color: var(--dim); font-size: 12px; margin-bottom: 8px; word-break: break-all; }
#detail dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 0 0 10px; font-size: 13px; }
#detail dt { color: var(--dim); }
#detail dd { margin: 0; font-variant-numeric: tabular-nums; word-break: break-all; }
#detail h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--dim);
  margin: 12px 0 4px; font-weight: 600; }
#detail .hint { color: var(--dim); font-size: 12px; }
.hist { list-style: none; margin: 0; padding: 0; font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
.hist li { padding: 2px 0; border-bottom: 1px dashed var(--line); word-break: break-word; }
.hist .t { color: var(--dim); margin-right: 6px; }
.hist .error { color: var(--err); }
.hist .normal { color: var(--run); }
.hist .cancelled { color: var(--dim); }
.hist .msg { display: block; color: var(--accent); }
#log-pane { flex: 1; overflow: auto; padding: 8px 16px; min-height: 0; }
#log-pane h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--dim);
  margin: 4px 0; font-weight: 600; }
#log li .p { color: var(--start); margin-right: 6px; }
#log li.k-restart .x, #log li.k-backoff .x { color: var(--restart); }
#log li.k-give-up .x, #log li.k-refused .x { color: var(--err); font-weight: 600; }
#log li.k-child-exited .x.error { color: var(--err); }
ul.tree, ul.kids { list-style: none; margin: 0; padding: 0; }
ul.kids { margin-left: 14px; padding-left: 12px; border-left: 1px solid var(--line); }
.row { display: flex; align-items: center; gap: 10px; padding: 4px 8px; margin: 2px 0; border-radius: 6px;
  border: 1px solid transparent; cursor: pointer; white-space: nowrap; }
.row:hover { background: #1b2430; }
.row:focus-visible { outline: 2px solid var(--start); }
.row.selected { background: #1c2a3a; border-color: #2f4a66; }
.dot { width: 10px; height: 10px; border-radius: 50%; background: var(--down); flex: none; }
.name { font-weight: 600; min-width: 90px; overflow: hidden; text-overflow: ellipsis; max-width: 260px; }
.sup > .row .name::before { content: "\\25BE  "; color: var(--dim); }
.tag { font-size: 11px; padding: 0 6px; border-radius: 4px; border: 1px solid var(--line); color: var(--dim); }
.tag.type-supervisor { color: var(--accent); border-color: #4b3a72; }
.cols { margin-left: auto; display: flex; align-items: center; }
.status { width: 150px; font-size: 13px; }
.bar { display: inline-block; vertical-align: middle; width: 46px; height: 4px; margin-left: 6px;
  background: #3a3020; border-radius: 2px; overflow: hidden; }
.bar i { display: block; height: 100%; background: var(--backoff); }
.num { color: var(--dim); font-size: 12px; font-variant-numeric: tabular-nums; width: 92px; text-align: right; }
.num.inc { width: 56px; }
.num b { color: var(--text); font-weight: 600; display: inline-block; min-width: 1.4em; }
.num b.bump { animation: bump 1s ease-out; }
.st-running .dot { background: var(--run); box-shadow: 0 0 6px var(--run); }
.st-starting .dot { background: var(--start); }
.st-stopping .dot, .st-restarting .dot { background: var(--restart); }
.st-restarting .status, .st-stopping .status { color: var(--restart); }
.st-backoff .dot { background: var(--backoff); }
.st-backoff .status { color: var(--backoff); }
.st-terminated .dot { background: var(--down); }
.st-terminated .status, .st-terminated .name { color: var(--down); }
.culprit > .row { border-color: var(--err); }
.gaveup { margin: 0 0 4px 28px; font-size: 12px; color: var(--err); }
.flash-restart > .row { animation: flash-restart 1.4s ease-out; }
.flash-exit > .row { animation: flash-exit 1.2s ease-out; }
.flash-start > .row { animation: flash-start .9s ease-out; }
.flash-give-up > .row { animation: flash-exit 2.4s ease-out; }
@keyframes flash-restart { 0% { background: rgba(240,136,62,.55); } 100% { background: transparent; } }
@keyframes flash-exit { 0% { background: rgba(248,81,73,.55); } 100% { background: transparent; } }
@keyframes flash-start { 0% { background: rgba(63,185,80,.3); } 100% { background: transparent; } }
@keyframes bump { 0% { color: var(--restart); } 100% { color: var(--text); } }
footer.legend { color: var(--dim); font-size: 12px; margin-top: 14px; display: flex; gap: 14px; flex-wrap: wrap; }
footer.legend span::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%;
  margin-right: 5px; background: var(--c); }
</style>
</head>
<body>
<header>
  <h1>rxotp observer <span id="title"></span></h1>
  <span id="conn" class="connecting">connecting</span>
  <span id="summary"></span>
</header>
<div id="banners"></div>
<main>
  <section id="tree-pane">
    <ul class="tree" id="tree" role="tree"></ul>
    <footer class="legend" id="legend"></footer>
  </section>
  <aside id="side">
    <section id="detail"><p class="hint">Select a child to see its recent exits.</p></section>
    <section id="log-pane"><h3>Events</h3><ol class="hist" id="log" reversed></ol></section>
  </aside>
</main>
<script nonce="${nonce}">
(function () {
  'use strict';
  var nodes = new Map();     // key -> node view
  var rows = new Map();      // key -> { li, row, kids, fields }
  var got = new Map();       // key -> performance.now() when its view arrived (backoff countdowns)
  var dirty = new Set();
  var flashes = new Map();   // key -> flash class
  var hidden = new Set();    // give-up banners closed by the user
  var selected = null;
  var detailState = null;    // the selected node's state in the detail panel, for the countdown
  var showMessages = false;
  var scheduled = false;
  var LOG_MAX = 200;
  var HISTORY = 5;

  function byId(id) { return document.getElementById(id); }
  function make(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function keyOf(path) { return JSON.stringify(path); }
  function pad(n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; }
  function clock(at) {
    var d = new Date(at);
    return pad(d.getHours(), 2) + ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2) +
      '.' + pad(d.getMilliseconds(), 3);
  }
  function pathText(path) { return path.length === 0 ? '(root)' : path.join(' / '); }
  function statusText(n) {
    if (n.status === 'terminated') return 'down';
    if (n.status === 'backoff' && n.backoffLeft !== null) {
      var left = Math.max(0, n.backoffLeft - (performance.now() - (got.get(n.key) || 0)));
      return 'backoff ' + (left / 1000).toFixed(1) + ' s';
    }
    return n.status;
  }

  // ---- The stream -----------------------------------------------------------------
  function setConn(state) {
    var c = byId('conn');
    c.className = state;
    c.textContent = state;
  }
  var source = new EventSource('events');
  source.onopen = function () { setConn('live'); };
  source.onerror = function () { setConn(source.readyState === 2 ? 'closed' : 'reconnecting'); };
  source.addEventListener('snapshot', function (m) { snapshot(JSON.parse(m.data)); });
  source.addEventListener('change', function (m) { change(JSON.parse(m.data)); });

  function snapshot(s) {
    showMessages = s.showMessages;
    byId('title').textContent = '\\u2014 ' + s.title;
    document.title = 'rxotp observer \\u2014 ' + s.title;
    nodes.clear(); rows.clear(); got.clear(); dirty.clear(); flashes.clear();
    byId('tree').textContent = '';
    byId('log').textContent = '';
    var now = performance.now();
    s.nodes.forEach(function (n) { put(n, now); });
    s.log.forEach(logLine);
    if (selected !== null && !nodes.has(selected)) selected = null;
    schedule();
  }

  // A node comes without the fields at their defaults, and with its latest exit
  // and lost message only: the page keeps the last few of each it has seen.
  function put(n, now) {
    var old = nodes.get(n.key);
    ['restart', 'queued', 'pid', 'backoffLeft', 'backoffDelay', 'gaveUp'].forEach(function (f) {
      if (n[f] === undefined) n[f] = null;
    });
    n.exitCount = n.exitCount || 0;
    n.lostCount = n.lostCount || 0;
    n.exits = kept(old && old.exitCount <= n.exitCount ? old.exits : [], n.exits || [], n.exitCount);
    n.lost = kept(old && old.lostCount <= n.lostCount ? old.lost : [], n.lost || [], n.lostCount);
    nodes.set(n.key, n); got.set(n.key, now); dirty.add(n.key);
  }
  function kept(seen, fresh, count) {
    var out = seen.slice();
    fresh.forEach(function (x) {
      if (!out.some(function (y) { return y.at === x.at && y.reason === x.reason; })) out.push(x);
    });
    return out.slice(Math.max(0, out.length - Math.min(HISTORY, count)));
  }

  function change(c) {
    var now = performance.now();
    c.removed.forEach(function (key) {
      nodes.delete(key); got.delete(key); dirty.delete(key);
      var r = rows.get(key);
      if (r) { r.li.remove(); rows.delete(key); }
      if (selected === key) selected = null;
    });
    c.nodes.forEach(function (n) { put(n, now); });
    c.events.forEach(function (e) {
      logLine(e);
      var parent = e.path.slice(0, -1);
      if (e.kind === 'restart') e.ids.forEach(function (id) { flashes.set(keyOf(parent.concat([id])), 'flash-restart'); });
      else if (e.kind === 'child-exited' || e.kind === 'exit') flashes.set(keyOf(e.path), 'flash-exit');
      else if (e.kind === 'child-started' || e.kind === 'started') flashes.set(keyOf(e.path), 'flash-start');
      else if (e.kind === 'give-up') { flashes.set(keyOf(e.path), 'flash-give-up'); hidden.delete(keyOf(e.path)); }
    });
    schedule();
  }

  function logLine(e) {
    var li = make('li', 'k-' + e.kind);
    li.appendChild(make('span', 't', clock(e.at)));
    li.appendChild(make('span', 'p', pathText(e.path)));
    li.appendChild(make('span', 'x' + (/: error/.test(e.text) ? ' error' : ''), e.text));
    var log = byId('log');
    log.insertBefore(li, log.firstChild);
    while (log.childNodes.length > LOG_MAX) log.removeChild(log.lastChild);
  }

  // ---- Drawing --------------------------------------------------------------------
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(draw);
  }

  function rowFor(n) {
    var r = rows.get(n.key);
    if (r) return r;
    var li = make('li', 'node');
    li.setAttribute('data-key', n.key);
    li.setAttribute('data-path', n.path.join('/'));
    li.setAttribute('role', 'treeitem');
    var row = make('div', 'row');
    row.tabIndex = 0;
    var fields = {
      name: make('span', 'name', n.path.length === 0 ? n.id : n.id),
      type: make('span', 'tag'),
      restart: make('span', 'tag'),
      status: make('span', 'status'),
      restarts: make('b'), incarnation: make('b'), queued: make('b'),
      bar: make('span', 'bar'), barFill: make('i'),
    };
    fields.status.setAttribute('data-field', 'status');
    fields.restarts.setAttribute('data-field', 'restarts');
    fields.incarnation.setAttribute('data-field', 'incarnation');
    fields.queued.setAttribute('data-field', 'queued');
    fields.bar.appendChild(fields.barFill);
    row.appendChild(make('span', 'dot'));
    row.appendChild(fields.name);
    row.appendChild(fields.type);
    row.appendChild(fields.restart);
    var cols = make('span', 'cols');
    cols.appendChild(fields.status);
    var num = function (cls, label, b, title) {
      var s = make('span', cls, label);
      s.title = title;
      s.appendChild(b);
      cols.appendChild(s);
    };
    num('num', 'restarts ', fields.restarts, 'restarts in its supervisor\\'s current incarnation');
    num('num inc', '#', fields.incarnation, 'incarnation: how many times it has been started');
    num('num', 'queued ', fields.queued, 'messages waiting in its mailbox');
    row.appendChild(cols);
    var gave = make('div', 'gaveup');
    gave.hidden = true;
    var kids = make('ul', 'kids');
    kids.setAttribute('role', 'group');
    li.appendChild(row); li.appendChild(gave); li.appendChild(kids);
    row.addEventListener('click', function () { select(n.key); });
    row.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(n.key); }
    });
    r = { li: li, row: row, kids: kids, gave: gave, fields: fields };
    rows.set(n.key, r);
    return r;
  }

  function setNum(b, v, bump) {
    var text = v === null || v === undefined ? '\\u2013' : String(v);
    if (b.textContent === text) return;
    var first = b.textContent === '';
    b.textContent = text;
    if (bump && !first) { b.classList.remove('bump'); void b.offsetWidth; b.classList.add('bump'); }
  }

  function update(n) {
    var r = rowFor(n);
    var f = r.fields;
    r.li.className = 'node st-' + n.status + (n.type === 'supervisor' ? ' sup' : '');
    r.row.className = 'row st-' + n.status + (selected === n.key ? ' selected' : '');
    r.row.setAttribute('aria-selected', selected === n.key ? 'true' : 'false');
    f.type.textContent = n.type;
    f.type.className = 'tag type-' + n.type;
    f.restart.textContent = n.restart || (n.path.length === 0 ? 'root' : '?');
    f.status.textContent = statusText(n);
    if (n.status === 'backoff' && n.backoffLeft !== null) f.status.appendChild(f.bar);
    setNum(f.restarts, n.path.length === 0 ? null : n.restarts, true);
    setNum(f.incarnation, n.incarnation === 0 ? null : n.incarnation, true);
    setNum(f.queued, n.queued, false);
    if (n.gaveUp && !hidden.has(n.key)) {
      r.gave.hidden = false;
      r.gave.textContent = 'gave up at ' + clock(n.gaveUp.at) + ': child \\'' + n.gaveUp.childId +
        '\\' needed restart number ' + n.gaveUp.restarts + ' within ' + n.gaveUp.period + ' ms';
    } else {
      r.gave.hidden = true;
    }
  }

  // A new row goes after its siblings: nodes arrive in start order, and a
  // restarted child keeps its row.
  function place(n) {
    var r = rows.get(n.key);
    if (n.path.length === 0) {
      if (r.li.parentNode !== byId('tree')) byId('tree').appendChild(r.li);
      return;
    }
    var parent = rows.get(keyOf(n.path.slice(0, -1)));
    if (parent && r.li.parentNode !== parent.kids) parent.kids.appendChild(r.li);
  }

  function culprits() {
    nodes.forEach(function (n) {
      var r = rows.get(n.key);
      if (!r) return;
      var parent = nodes.get(keyOf(n.path.slice(0, -1)));
      var culprit = n.path.length > 0 && parent && parent.gaveUp && !hidden.has(parent.key) &&
        parent.gaveUp.childId === n.id;
      r.li.classList.toggle('culprit', !!culprit);
    });
  }

  function banners() {
    var box = byId('banners');
    box.textContent = '';
    var gave = [];
    nodes.forEach(function (n) { if (n.gaveUp && !hidden.has(n.key)) gave.push(n); });
    gave.sort(function (a, b) { return b.gaveUp.at - a.gaveUp.at; });
    gave.slice(0, 3).forEach(function (n) {
      var div = make('div', 'banner');
      div.appendChild(make('b', null, 'give-up'));
      div.appendChild(make('span', null, pathText(n.path) + ' gave up at ' + clock(n.gaveUp.at) +
        ': child \\'' + n.gaveUp.childId + '\\' needed restart number ' + n.gaveUp.restarts +
        ' within ' + n.gaveUp.period + ' ms'));
      var x = make('button', 'close', '\\u00d7');
      x.title = 'dismiss';
      x.addEventListener('click', function (ev) {
        ev.stopPropagation(); hidden.add(n.key); dirty.add(n.key); schedule();
      });
      div.appendChild(x);
      div.addEventListener('click', function () { select(keyOf(n.path.concat([n.gaveUp.childId]))); });
      box.appendChild(div);
    });
  }

  function summary() {
    var sups = 0, workers = 0, restarts = 0, down = 0;
    nodes.forEach(function (n) {
      if (n.path.length === 0) return;
      if (n.type === 'supervisor') sups++; else workers++;
      restarts += n.restarts;
      if (n.status === 'terminated') down++;
    });
    var s = byId('summary');
    s.textContent = '';
    [[sups, sups === 1 ? ' supervisor' : ' supervisors'], [workers, workers === 1 ? ' worker' : ' workers'],
     [restarts, restarts === 1 ? ' restart' : ' restarts'], [down, ' down']]
      .forEach(function (p, i) {
        if (i > 0) s.appendChild(document.createTextNode('  \\u00b7  '));
        s.appendChild(make('b', null, p[0]));
        s.appendChild(document.createTextNode(p[1]));
      });
  }

  function draw() {
    scheduled = false;
    var keys = Array.from(dirty).filter(function (k) { return nodes.has(k); });
    dirty.clear();
    keys.sort(function (a, b) { return nodes.get(a).path.length - nodes.get(b).path.length; });
    keys.forEach(function (k) { update(nodes.get(k)); });
    keys.forEach(function (k) { place(nodes.get(k)); });
    // One layout for all the flashes of a frame (one per row made a busy tree's page crawl).
    var flashed = [];
    flashes.forEach(function (cls, key) {
      var r = rows.get(key);
      if (!r) return;
      r.li.classList.remove('flash-restart', 'flash-exit', 'flash-start', 'flash-give-up');
      flashed.push([r.li, cls]);
    });
    if (flashed.length > 0) void byId('tree').offsetWidth;
    flashed.forEach(function (f) { f[0].classList.add(f[1]); });
    flashes.clear();
    culprits();
    banners();
    summary();
    if (selected === null || keys.indexOf(selected) >= 0) detail();
  }

  // Backoff waits count down between messages.
  setInterval(function () {
    nodes.forEach(function (n) {
      if (n.status !== 'backoff' || n.backoffLeft === null) return;
      var r = rows.get(n.key);
      if (!r) return;
      var left = Math.max(0, n.backoffLeft - (performance.now() - (got.get(n.key) || 0)));
      r.fields.status.firstChild.textContent = statusText(n);
      r.fields.barFill.style.width = (n.backoffDelay ? (100 * left) / n.backoffDelay : 0) + '%';
      if (n.key === selected && detailState !== null) detailState.textContent = statusText(n);
    });
  }, 100);

  // ---- Selection --------------------------------------------------------------------
  function select(key) {
    var before = selected;
    selected = key;
    if (before !== null && nodes.has(before)) dirty.add(before);
    if (nodes.has(key)) dirty.add(key);
    schedule();
  }

  function detail() {
    var box = byId('detail');
    box.textContent = '';
    detailState = null;
    var n = selected === null ? undefined : nodes.get(selected);
    if (!n) { box.appendChild(make('p', 'hint', 'Select a child to see its recent exits.')); return; }
    box.setAttribute('data-key', n.key);
    box.appendChild(make('h2', null, n.id));
    box.appendChild(make('div', 'where', pathText(n.path)));
    var dl = make('dl');
    var item = function (k, v) {
      dl.appendChild(make('dt', null, k));
      return dl.appendChild(make('dd', null, v));
    };
    detailState = item('state', statusText(n));
    item('type', n.type);
    item('restart', n.restart || '\\u2013');
    item('pid', n.pid || '\\u2013');
    item('incarnation', n.incarnation || '\\u2013');
    item('restarts', n.restarts);
    item('queued', n.queued === null ? '\\u2013' : n.queued);
    box.appendChild(dl);
    if (n.gaveUp) {
      box.appendChild(make('h3', null, 'Gave up'));
      box.appendChild(make('p', 'hint', clock(n.gaveUp.at) + ': child \\'' + n.gaveUp.childId +
        '\\' needed restart number ' + n.gaveUp.restarts + ' within ' + n.gaveUp.period + ' ms'));
    }
    box.appendChild(make('h3', null, 'Recent exits' + (n.exitCount > n.exits.length ? ' (' + n.exitCount + ' in all)' : '')));
    if (n.exits.length === 0) box.appendChild(make('p', 'hint', 'none yet'));
    var exits = make('ol', 'hist exits');
    n.exits.slice().reverse().forEach(function (x) {
      var li = make('li');
      li.appendChild(make('span', 't', clock(x.at) + ' #' + x.incarnation));
      li.appendChild(make('span', x.kind, x.reason));
      exits.appendChild(li);
    });
    box.appendChild(exits);
    if (n.lostCount > 0) {
      box.appendChild(make('h3', null, 'Lost messages (' + n.lostCount + ')'));
      if (!showMessages) box.appendChild(make('p', 'hint', 'Contents hidden: observe with { showMessages: true } to show them.'));
      var lost = make('ol', 'hist');
      n.lost.slice().reverse().forEach(function (l) {
        var li = make('li');
        li.appendChild(make('span', 't', clock(l.at) + ' ' + l.kind));
        li.appendChild(make('span', 'error', l.reason));
        if (l.message !== undefined) li.appendChild(make('span', 'msg', l.message));
        lost.appendChild(li);
      });
      box.appendChild(lost);
    }
  }

  var legend = byId('legend');
  [['running', '--run'], ['starting', '--start'], ['restarting', '--restart'], ['backoff', '--backoff'],
   ['down', '--down']].forEach(function (p) {
    var s = make('span', null, p[0]);
    s.style.setProperty('--c', 'var(' + p[1] + ')');
    legend.appendChild(s);
  });
})();
</script>
</body>
</html>
`;
}
