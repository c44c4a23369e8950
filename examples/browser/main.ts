// rxotp in a browser: a poller supervised with backoff, its state shown in the
// page. The poller is a genServer that fetches `feed` every half second; a
// failed fetch crashes it, and its supervisor restarts it after 100, 200,
// 400 ms ... The page follows the tree's events, shows the latest reading
// through `state$` on the poller's name, and the Ask button calls whichever
// incarnation holds that name.
//
//   npm run example:browser   (builds this file and serves the page)
import {
  Registry,
  call,
  child,
  formatExit,
  genServer,
  oneForOne,
  state$,
  via,
  type ProtocolOf,
} from 'rxotp';
import { of } from 'rxjs';

/** What the feed answers. */
interface Reading {
  readonly request: number;
  readonly temperature: number;
}

interface PollerState {
  readonly url: string;
  /** This incarnation's pid id. */
  readonly self: number;
  readonly latest: Reading | null;
}

/** The poller's answer to 'latest': its latest reading, and which incarnation answered. */
interface Answer {
  readonly latest: Reading | null;
  readonly from: number;
}

const pollEvery = 500;

const poller = genServer({
  init: (url: string, ctx): PollerState => {
    ctx.sendAfter(0, 'poll');
    return { url, self: ctx.self.id, latest: null };
  },
  // A rejected fetch or a non-2xx answer throws: an error exit, so the supervisor restarts it.
  handleInfo: async (_: 'poll', state: PollerState, ctx): Promise<PollerState> => {
    const response = await fetch(state.url, { cache: 'no-store' });
    if (!response.ok) throw new Error(`feed answered ${response.status}`);
    const latest = (await response.json()) as Reading;
    ctx.sendAfter(pollEvery, 'poll');
    return { ...state, latest };
  },
  handleCall: (_: 'latest', _from, state: PollerState) => ({
    reply: { latest: state.latest, from: state.self } satisfies Answer,
    state,
  }),
});
/** What the poller takes, for its name (`via`): stated, as `init` uses `ctx`. */
type Poller = ProtocolOf<typeof poller>;

const show = (id: string, text: string): void => {
  const element = document.getElementById(id);
  if (element !== null) element.textContent = text;
};
const log = (line: string): void => {
  const item = document.createElement('li');
  item.textContent = line;
  document.getElementById('log')?.append(item);
};
const describe = (r: Reading | null): string =>
  r === null ? 'none' : `#${r.request}: ${r.temperature.toFixed(1)} °C`;

const registry = new Registry();
const feed = via<Poller>(registry, 'feed');

of(child('feed', () => poller.start(new URL('feed', location.href).href), { restart: 'permanent' }))
  .pipe(oneForOne({ registry, intensity: 10, period: 10_000, backoff: { min: 100, max: 2000 } }))
  .subscribe((n) => {
    switch (n.kind) {
      case 'child-started':
        show('status', 'running');
        show('pid', String(n.pid));
        log(`started ${String(n.pid)}`);
        break;
      case 'child-exited':
        show('status', 'down');
        show('last-exit', formatExit(n.reason));
        log(`exited: ${formatExit(n.reason)}`);
        break;
      case 'restart':
        show('restarts', String(n.count));
        break;
      case 'backoff':
        log(`restarting in ${n.delay} ms`);
        break;
      case 'exit':
        show('status', `supervisor exited: ${formatExit(n.reason)}`);
        break;
    }
  });

// Follows the name across restarts: each incarnation's state as it changes.
state$(feed).subscribe((s) => show('reading', describe(s.latest)));

document.getElementById('ask')?.addEventListener('click', () => {
  show('answer', 'asking...');
  call(feed, 'latest', { timeout: 2000 }).then(
    ({ latest, from }) => show('answer', `pid ${from} answered: ${describe(latest)}`),
    (error: Error) => show('answer', `${error.name}: ${error.message}`),
  );
});
