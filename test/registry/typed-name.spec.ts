import {
  Registry,
  call,
  cast,
  genServer,
  spawn,
  state$,
  typedName,
  via,
  type ProtocolOf,
} from '../../src/index.js';

// docs/design.md, "Names": a typed name is the string itself at run time.
const counter = genServer({
  init: (start: number) => start,
  handleCast: (_req: 'inc', n) => n + 1,
  handleCall: (_req: 'get', _from, n) => ({ reply: n, state: n }),
});

test('typedName gives the name itself, usable wherever a name is', async () => {
  const name = typedName<ProtocolOf<typeof counter>>('counter');
  expect(name).toBe('counter');
  const registry = new Registry();
  const pid = spawn(counter, 1, { name, registry });
  expect(registry.whereis(name)).toBe(pid);
  expect(registry.whereis('counter')).toBe(pid);
  const seen: number[] = [];
  const subscription = state$(via(registry, name)).subscribe((n) => seen.push(n));
  cast(via(registry, name), 'inc');
  expect(await call(via(registry, name), 'get')).toBe(2);
  expect(seen).toEqual([1, 2]);
  subscription.unsubscribe();
});

test('any string is a valid typed name', () => {
  expect(typedName('')).toBe('');
  expect(typedName('__proto__')).toBe('__proto__');
});

test('a name that is not a string throws a TypeError naming typedName and the fix', () => {
  expect(() => typedName(42 as never)).toThrow(
    /^typedName: name must be a string \(any string is a valid name\), got 42\.$/,
  );
});
