import { map, switchMap, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ActorExitError,
  Registry,
  call$,
  child,
  genServer,
  spawn,
  stop,
  supervise,
  via,
  type Protocol,
} from '../../src/index.js';
import { connectNode, linkPair } from '../../src/remote/index.js';
import { useUnhandledErrors } from '../support.js';

useUnhandledErrors();

const newScheduler = () =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Counts the calls it answered; 'crash' crashes it. */
const worker = genServer<{ state: number; args: void; call: 'get' | 'crash'; reply: number }>()({
  init: () => 0,
  handleCall: (req, _from, n) => {
    if (req === 'crash') throw new Error('crash');
    return { reply: n + 1, state: n + 1 };
  },
});

function connect(registry: Registry) {
  const [a, b] = linkPair();
  const serverNode = connectNode({ name: 'srv', link: a, registry, heartbeat: false });
  const client = connectNode({ name: 'cli', link: b, heartbeat: false });
  return { serverNode, client };
}

describe('remoteRegistry: the peer names, mirrored', () => {
  test('a name follows a supervised child across a restart on the peer', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable, cold }) => {
      const registry = new Registry();
      const tree = supervise([child('w', () => worker.start(undefined))], { registry }).subscribe();
      const { client } = connect(registry);
      const w = via<Protocol>(client.remoteRegistry(), 'w');
      const at = (ms: number, req: 'get' | 'crash') =>
        timer(ms).pipe(
          switchMap(() => call$(w, req)),
          map(String),
        );
      expectObservable(at(10, 'get')).toBe('10ms (1|)', { 1: '1' });
      expectObservable(at(11, 'get')).toBe('11ms (2|)', { 2: '2' });
      expectObservable(at(12, 'crash')).toBe(
        '12ms #',
        undefined,
        new ActorExitError('<pid 2@srv w>', { kind: 'error', error: new Error('crash') }),
      );
      // The next incarnation, counting from 0 again.
      expectObservable(at(20, 'get')).toBe('20ms (1|)', { 1: '1' });
      cold('30ms x').subscribe(() => {
        tree.unsubscribe();
        client.close();
      });
    });
  });

  test('whereis$ on the mirror sees the name come, go and come back', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable, cold }) => {
      const registry = new Registry();
      const { client, serverNode } = connect(registry);
      const names$ = client
        .remoteRegistry()
        .whereis$('x')
        .pipe(map((pid) => (pid === undefined ? '-' : String(pid))));
      cold('5ms a').subscribe(() => registry.register('x', spawn(worker, undefined)));
      cold('7ms a').subscribe(() => stop(registry.whereis('x')!));
      cold('9ms a').subscribe(() => registry.register('x', spawn(worker, undefined)));
      expectObservable(names$, '^ 15ms !').toBe('u 4ms a 1ms b 1ms c 2ms b', {
        u: '-',
        a: `<pid 4@srv x>`,
        b: '-',
        c: `<pid 5@srv x>`,
      });
      cold('12ms a').subscribe(() => serverNode.close());
    });
  });

  test('the peer lost: its names leave the mirror', () => {
    const testScheduler = newScheduler();
    testScheduler.run(({ expectObservable, cold }) => {
      const registry = new Registry();
      registry.register('x', spawn(worker, undefined));
      const { client, serverNode } = connect(registry);
      const mirror = client.remoteRegistry();
      expectObservable(mirror.whereis$('x').pipe(map((p) => p?.node ?? '-'))).toBe('(us) 1ms u', {
        u: '-',
        s: 'srv',
      });
      expectObservable(
        timer(6).pipe(switchMap(() => call$(via<Protocol>(mirror, 'x'), 'get'))),
      ).toBe('6ms #', undefined, expect.objectContaining({ name: 'NoProcError' }) as unknown);
      cold('5ms a').subscribe(() => serverNode.close());
    });
  });
});
