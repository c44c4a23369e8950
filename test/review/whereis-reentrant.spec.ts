import { Registry, genServer, spawn, type Pid } from '../../src/index.js';

const idle = genServer({ init: () => 0 });

test('a whereis$ subscriber that registers the name on its first value is told the new pid', () => {
  const registry = new Registry();
  const pid = spawn(idle, undefined);
  const seen: (Pid | undefined)[] = [];
  registry.whereis$('a').subscribe((p) => {
    seen.push(p);
    if (p === undefined) registry.register('a', pid);
  });
  // DESIGN: "whereis$(name) emits the current pid (or undefined) at once, then only when that name's pid changes."
  expect(registry.whereis('a')).toBe(pid);
  expect(seen.map((p) => p?.id)).toEqual([undefined, pid.id]);
});
