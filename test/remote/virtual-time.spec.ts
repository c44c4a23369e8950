import { filter, map, mergeMap, Observable, switchMap, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CallTimeoutError, Registry, call$, genServer, spawn, type Pid } from '../../src/index.js';
import {
  NodeDownError,
  connectNode,
  linkPair,
  type ConnectedNode,
  type Link,
} from '../../src/remote/index.js';

const newScheduler = () =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Answers 'get' at once and never answers 'never'. */
const server = genServer<{ state: number; args: number; call: 'get' | 'never'; reply: number }>()({
  init: (n) => n,
  handleCall: (req, _from, n) =>
    req === 'never' ? { noreply: true, state: n } : { reply: n, state: n },
});

/** A link whose incoming frames stop arriving once `cut()` is called: a hung peer. */
function cuttable(link: Link): { link: Link; cut: () => void } {
  let silent = false;
  return {
    link: {
      send: (frame) => link.send(frame),
      incoming$: link.incoming$.pipe(filter(() => !silent)),
      close: () => link.close(),
    },
    cut: () => (silent = true),
  };
}

/** What a remote pid's exit$ says, reduced to comparable values. */
const describeExit = (pid: Pid | undefined): Observable<string> =>
  pid!.exit$.pipe(
    map((r) =>
      r.kind === 'error' && r.error instanceof NodeDownError
        ? `down ${r.error.node}: ${r.error.why}`
        : r.kind,
    ),
  );

function nodes(
  heartbeat: { interval: number; missed: number } | false,
  wrap: (link: Link) => Link = (l) => l,
): { serverNode: ConnectedNode; client: ConnectedNode } {
  const [a, b] = linkPair();
  const registry = new Registry();
  registry.register('s', spawn(server, 7));
  const serverNode = connectNode({ name: 'srv', link: a, registry, heartbeat });
  const client = connectNode({ name: 'cli', link: wrap(b), heartbeat });
  return { serverNode, client };
}

describe('remote calls and node loss on virtual time', () => {
  test('a remote call times out on the caller scheduler', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable, cold }) => {
      const { client } = nodes(false);
      const answer$ = client
        .whereis$('s')
        .pipe(switchMap((pid) => call$(pid!, 'never', { timeout: 10, scheduler: testScheduler })));
      expectObservable(answer$).toBe(
        '10ms #',
        undefined,
        new CallTimeoutError('<pid 1@srv s>', 10),
      );
      expectObservable(client.whereis$('s').pipe(switchMap((pid) => call$(pid!, 'get')))).toBe(
        '(7|)',
        { 7: 7 },
      );
      // Close at the end, so nothing is left scheduled.
      cold('20ms x').subscribe(() => client.close());
    });
  });

  test('closing the link: monitors fire NodeDownError and a waiting call fails with it, at that frame', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable, cold }) => {
      const { serverNode, client } = nodes(false);
      const pid$ = client.whereis$('s');
      expectObservable(pid$.pipe(switchMap(describeExit))).toBe('5ms (d|)', {
        d: 'down srv: closed by peer',
      });
      expectObservable(
        pid$.pipe(
          switchMap((pid) => call$(pid!, 'never', { timeout: Infinity })),
          map(() => 'reply'),
        ),
      ).toBe('5ms #', undefined, new NodeDownError('srv', 'closed by peer'));
      expectObservable(client.down$.pipe(map((e) => e.why))).toBe('5ms (w|)', {
        w: 'closed by peer',
      });
      cold('5ms x').subscribe(() => serverNode.close());
    });
  });

  test('a peer that stops answering is down after `missed` heartbeat intervals of silence', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable, cold }) => {
      let cut = (): void => {};
      const { client } = nodes({ interval: 10, missed: 3 }, (link) => {
        const c = cuttable(link);
        cut = c.cut;
        return c.link;
      });
      // The last frame heard is the heartbeat at 10 ms; ticks at 30, 40 and 50 find silence.
      expectObservable(client.whereis$('s').pipe(switchMap(describeExit))).toBe('50ms (d|)', {
        d: 'down srv: missed 3 heartbeats',
      });
      cold('15ms x').subscribe(() => cut());
    });
  });

  test('a heartbeat interval past 2^31 ms is exact: a silent peer is down at 4 × 3e9 ms, not before', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable, cold }) => {
      let cut = (): void => {};
      const { client } = nodes({ interval: 3e9, missed: 3 }, (link) => {
        const c = cuttable(link);
        cut = c.cut;
        return c.link;
      });
      // Its greeting at 0 is the last frame heard; ticks at 6e9, 9e9 and 12e9 find silence.
      expectObservable(client.down$.pipe(map((e) => e.why))).toBe('12000000000ms (w|)', {
        w: 'missed 3 heartbeats',
      });
      cold('1ms x').subscribe(() => cut());
    });
  });

  test('heartbeats keep a live peer up', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable, cold }) => {
      const { client, serverNode } = nodes({ interval: 10, missed: 2 });
      const probe$ = timer(95).pipe(
        mergeMap(() => client.whereis$('s')),
        switchMap((pid) => call$(pid!, 'get')),
      );
      expectObservable(probe$).toBe('95ms (7|)', { 7: 7 });
      expectObservable(client.down$.pipe(map((e) => e.why))).toBe('100ms (w|)', {
        w: 'closed by peer',
      });
      cold('100ms x').subscribe(() => serverNode.close());
    });
  });
});
