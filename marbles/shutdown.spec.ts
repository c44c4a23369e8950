import { NEVER, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Registry, child, genServer, oneForAll, oneForOne, type Shutdown } from '../src/index.js';
import { scriptedChild, treeMarbles } from '../src/testing/index.js';

// Under one_for_all, x's crash stops its siblings (they exit cancelled and
// their terminate runs); the set starts again only once they have exited or
// their shutdown time has run out.

const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A genServer sibling whose terminate settles when `terminate` does. */
const sibling = (id: string, terminate: Observable<unknown>, shutdown?: Shutdown) =>
  child(id, () => genServer({ init: () => 0, terminate: () => terminate }).start(), {
    ...(shutdown !== undefined && { shutdown }),
  });

const letters = {
  s: 'start slow',
  S: 'exit slow cancelled',
  x: 'start x',
  X: 'exit x error',
};

describe('shutdown', () => {
  test('a terminate that takes 3 frames: the restart comes exactly 3 frames later', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const terminate = cold('---|');
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      const tree$ = of(sibling('slow', terminate), x).pipe(oneForAll());
      // prettier-ignore
      const unsub         =  '^------------!   ',
            expected      =  '(sx)--X--(Ssx)   ',
            terminateSubs = ['------^--!       ',
                             '-------------^--!'],
            xSubs         = ['^-----!          ',
                             '---------^---!   '];

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(terminate.subscriptions).toBe(terminateSubs);
      expectSubscriptions(x.subscriptions).toBe(xSubs);
    });
  });

  test('a terminate that never settles: the restart comes at exactly its shutdown', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      const tree$ = of(sibling('slow', NEVER, 4), x).pipe(oneForAll());
      // prettier-ignore
      const unsub    =  '^-------------!',
            expected =  '(sx)--X---(Ssx)',
            xSubs    = ['^-----!        ',
                        '----------^---!'];

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(x.subscriptions).toBe(xSubs);
    });
  });

  // docs/design.md, "Lifecycle": a child torn down by its supervisor has its Observable
  // terminate unsubscribed once shutdown ms pass on the supervisor's scheduler, during a
  // restart and after the tree is unsubscribed alike.
  test('a terminate that never settles is unsubscribed when its shutdown runs out', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const terminate = cold('-');
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      const tree$ = of(sibling('slow', terminate, 4), x).pipe(oneForAll());
      // The tree is left running: only the first incarnation's terminate runs.
      // prettier-ignore
      const expected      = '(sx)--X---(Ssx)',
            terminateSubs = '------^---!    ';

      expectObservable(treeMarbles(tree$, letters)).toBe(expected);
      expectSubscriptions(terminate.subscriptions).toBe(terminateSubs);
    });
  });

  test('after the tree is unsubscribed, a terminate that never settles is unsubscribed at its shutdown', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const terminate = cold('-');
      const tree$ = of(sibling('slow', terminate, 4)).pipe(oneForAll());
      // prettier-ignore
      const unsub         = '^-----!    ',
            expected      = 's          ',
            terminateSubs = '------^---!';

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(terminate.subscriptions).toBe(terminateSubs);
    });
  });

  test("a worker's default shutdown is 5000 ms", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      const tree$ = of(sibling('slow', NEVER), x).pipe(oneForAll());
      // prettier-ignore
      const unsub    = '5010ms !',
            expected = '(sx)--X 4999ms (Ssx)';

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
    });
  });

  test('brutal_kill: the restart comes at once; terminate is started, not awaited', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const terminate = cold('---|');
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      const tree$ = of(sibling('slow', terminate, 'brutal_kill'), x).pipe(oneForAll());
      // The restart is decided (r) and the sibling killed (S) in the frame of the crash.
      // prettier-ignore
      const unsub         =  '^-----------!   ',
            expected      =  '(sx)--(XrSsx)   ',
            terminateSubs = ['------^--!      ',
                             '------------^--!'],
            xSubs         = ['^-----!         ',
                             '------^-----!   '];

      expectObservable(treeMarbles(tree$, { ...letters, r: 'restart x' }), unsub).toBe(expected);
      expectSubscriptions(terminate.subscriptions).toBe(terminateSubs);
      expectSubscriptions(x.subscriptions).toBe(xSubs);
    });
  });

  test('giving up waits out a stuck child once more: each pass abandons it at exactly its shutdown', () => {
    const exits: string[] = [];
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      const registry = new Registry();
      const crashy = child('crashy', () => cold('------#'));
      const tree$ = of(sibling('stuck', NEVER, 10), crashy).pipe(
        oneForAll({ registry, intensity: 1 }),
      );
      const steps = {
        R: 'started',
        s: 'start stuck',
        c: 'start crashy',
        X: 'exit crashy error',
        r: 'restart crashy 1',
        S: 'exit stuck cancelled',
        G: 'give-up',
        E: 'exit error',
      };
      // The first crash waits 10 frames for stuck, then restarts the set; the second is one
      // restart too many (intensity 1), and giving up waits 10 frames for stuck again.
      // prettier-ignore
      const expected = '(Rsc)-(Xr)------(Ssc)-(XG)------(SE|)';

      expectObservable(treeMarbles(tree$, steps)).toBe(expected);
      registry.whereis$('stuck').subscribe((pid) => {
        pid?.exit$.subscribe((r) => exits.push(`${ts.now()} ${r.kind}`));
      });
    });
    // Each abandoned incarnation's own exit$ says cancelled, at the frame it was given up on.
    expect(exits).toEqual(['16 cancelled', '32 cancelled']);
  });

  test("'infinity' waits for a terminate that never settles: the set stays down", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      const tree$ = of(sibling('slow', NEVER, 'infinity'), x).pipe(oneForAll());
      // prettier-ignore
      const unsub    = '    1000ms !',
            expected = '(sx)--X     ',
            xSubs    = '^-----!     ';

      expectObservable(treeMarbles(tree$, letters), unsub).toBe(expected);
      expectSubscriptions(x.subscriptions).toBe(xSubs);
    });
  });

  test('siblings stop one at a time, each awaited, in reverse start order', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const aTerminate = cold('---|');
      const bTerminate = cold('--|');
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      const tree$ = of(sibling('a', aTerminate), sibling('b', bTerminate), x).pipe(oneForAll());
      const stops = {
        a: 'start a',
        b: 'start b',
        x: 'start x',
        A: 'exit a',
        B: 'exit b',
        X: 'exit x',
      };
      // prettier-ignore
      const unsub     =  '^-----------------!   ',
            expected  =  '(abx)-X-B--(Aabx)    ',
            bTermSubs = ['------^-!             ',
                         '------------------^-! '],
            aTermSubs = ['--------^--!          ',
                         '------------------^--!'],
            xSubs     = ['^-----!               ',
                         '-----------^------!   '];

      expectObservable(treeMarbles(tree$, stops), unsub).toBe(expected);
      expectSubscriptions(bTerminate.subscriptions).toBe(bTermSubs);
      expectSubscriptions(aTerminate.subscriptions).toBe(aTermSubs);
      expectSubscriptions(x.subscriptions).toBe(xSubs);
    });
  });

  test('a nested supervisor waits for its own children by default (shutdown infinity)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const terminate = cold('---|');
      const sub = child('sub', () => of(sibling('slow', terminate)).pipe(oneForOne()));
      const x = scriptedChild('x', [cold('------#'), cold('-')]);
      const tree$ = of(sub, x).pipe(oneForAll());
      const nested = {
        s: 'start sub',
        w: 'start sub/slow',
        x: 'start x',
        S: 'exit sub',
        X: 'exit x',
      };
      // prettier-ignore
      const unsub    =  '^-----------!',
            expected =  '(swx)-X--(Sswx)',
            xSubs    = ['^-----!      ',
                        '---------^--!'];

      expectObservable(treeMarbles(tree$, nested), unsub).toBe(expected);
      expectSubscriptions(x.subscriptions).toBe(xSubs);
    });
  });
});
