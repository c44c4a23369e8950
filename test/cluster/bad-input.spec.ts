// Bad input to clusterSingleton and singletonVia: a TypeError or RangeError naming the function,
// the argument and the fix, thrown before anything is subscribed or written.
import { EMPTY, of } from 'rxjs';
import { child } from '../../src/index.js';
import {
  clusterSingleton,
  singletonVia,
  type ClusterNode,
  type SingletonKv,
} from '../../src/remote/index.js';

const touched: string[] = [];
/** A node and a bucket that record any use: bad input must use neither. */
const node = {
  name: 'a',
  registry: {
    claim: () => (touched.push('claim'), Promise.resolve()),
    whereis$: () => (touched.push('whereis$'), of(undefined)),
  },
  leaving$: EMPTY,
} as unknown as ClusterNode;
const use = (what: string) => (): Promise<never> => {
  touched.push(what);
  return Promise.reject(new Error('unused'));
};
const bucket: SingletonKv = {
  create: use('create'),
  update: use('update'),
  delete: use('delete'),
  watch: use('watch'),
};
const spec = child('s', () => EMPTY);

beforeEach(() => (touched.length = 0));
afterEach(() => expect(touched).toEqual([]));

describe('clusterSingleton refuses', () => {
  it('a heartbeat with missed below 3: the owner could not fence a whole interval early', () => {
    expect(() => clusterSingleton(node, spec, { bucket, heartbeat: { missed: 2 } })).toThrow(
      /^clusterSingleton: options.heartbeat.missed must be at least 3 \(default 4\)/,
    );
  });

  it('a name that is not one lease key token', () => {
    for (const name of ['a.b', '', 'a b', '*', 'x'.repeat(257)]) {
      expect(() => clusterSingleton(node, spec, { bucket, name })).toThrow(TypeError);
    }
    expect(() =>
      clusterSingleton(
        node,
        child('a.b', () => EMPTY),
        { bucket },
      ),
    ).toThrow(
      /^clusterSingleton: options.name must be a string of 1 to 256 letters, digits, '-' and '_'/,
    );
  });

  it('a bucket without the KV methods, and a node that is not from joinCluster', () => {
    expect(() => clusterSingleton(node, spec, { bucket: {} as SingletonKv })).toThrow(
      /^clusterSingleton: options.bucket must be a KV bucket from @nats-io\/kv/,
    );
    expect(() => clusterSingleton({ name: 'a' } as ClusterNode, spec, { bucket })).toThrow(
      /^clusterSingleton: node must be a ClusterNode from joinCluster\(\)/,
    );
  });

  it('a negative or fractional holdBound', () => {
    for (const holdBound of [-1, 1.5]) {
      expect(() => clusterSingleton(node, spec, { bucket, holdBound })).toThrow(
        /^clusterSingleton: options.holdBound must be a whole number >= 0/,
      );
    }
  });
});

describe('singletonVia refuses', () => {
  it('a name that is not one lease key token, and a bad holdBound', () => {
    expect(() => singletonVia(node, 'a.b')).toThrow(/^singletonVia: name must be a string/);
    expect(() => singletonVia(node, 's', { holdBound: -1 })).toThrow(
      /^singletonVia: options.holdBound must be a whole number >= 0/,
    );
  });
});
