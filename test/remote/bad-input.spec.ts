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
