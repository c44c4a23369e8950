import { PAGE_SCRIPT } from './script.generated.js';

/**
 * @internal The observer's one page: HTML, CSS and its script, inline, no
 * framework. `nonce` lets the Content-Security-Policy allow this script and
 * style and nothing else. The script is script.ts, compiled by the build into
 * script.generated.ts (scripts/page-script.js); see script.ts for how it draws.
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
.node:not(.sup) { content-visibility: auto; contain-intrinsic-size: auto 32px; }
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
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
