import { Registry } from '../../src/index.js';
import { connectNode, linkPair, type Link } from '../../src/remote/index.js';

describe('connectNode checks its options before connecting', () => {
  const [link] = linkPair();

  test.each([
    ['no options', undefined, TypeError],
    ['an empty name', { name: '', link }, TypeError],
    ['a link that is not one', { name: 'a', link: {} as Link }, TypeError],
    ['a registry that is not one', { name: 'a', link, registry: new Map() }, TypeError],
    ['a zero heartbeat interval', { name: 'a', link, heartbeat: { interval: 0 } }, RangeError],
    ['no missed heartbeat allowed', { name: 'a', link, heartbeat: { missed: 0 } }, RangeError],
  ])('%s', (_label, options, error) => {
    expect(() => connectNode(options as unknown as Parameters<typeof connectNode>[0])).toThrow(
      error,
    );
  });

  test('whereis needs a string name', () => {
    const [a] = linkPair();
    const node = connectNode({ name: 'a', link: a, heartbeat: false, registry: new Registry() });
    expect(() => node.whereis$(1 as unknown as string)).toThrow(TypeError);
    node.close();
  });
});

describe('connectNode heartbeats are exact over their whole range', () => {
  // Node clamps a timer of 2^31 ms or more to 1 ms: unchained, a 3e9 ms
  // interval would tick every millisecond and take the peer for lost at once.
  test('an interval of 3e9 ms takes no peer for lost within a real macrotask or two', async () => {
    const [a] = linkPair();
    const node = connectNode({ name: 'a', link: a, heartbeat: { interval: 3e9, missed: 1 } });
    let down = false;
    node.down$.subscribe(() => (down = true));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(down).toBe(false);
    node.close();
  });

  test.each([Infinity, -1, NaN])('an interval of %s is a RangeError', (interval) => {
    const [a] = linkPair();
    expect(() => connectNode({ name: 'a', link: a, heartbeat: { interval } })).toThrow(
      /connectNode: options\.heartbeat\.interval/,
    );
  });
});
