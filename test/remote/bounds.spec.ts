// What a peer can cost, and what does not fit (docs/design.md, "Remote ›
// Bounds"): made-up nodes in pids and greetings are capped and expire; a
// message over the server's max_payload is an error and a dead letter, never
// a silent loss.
import { call, cast, genServer, send, spawn, type DeadLetter, type Pid } from '../../src/index.js';
import { MessageTooLargeError } from '../../src/remote/index.js';
import { useDeadLetters, useUnhandledErrors } from '../support.js';
import { collector, seen, useNatsCluster } from './cluster-fixture.js';

const echo = genServer({
  init: () => null,
  handleCall: (request: unknown, _from, state) => ({ reply: request, state }),
});

describe('rxotp/remote bounds', () => {
  const nats = useNatsCluster('bounds');
  const letters = useDeadLetters();
  const reported = useUnhandledErrors();

  test('pids of made-up nodes past maxPeers arrive dead, and the refusals are counted and reported', async () => {
    nats.fresh();
    const [a] = await nats.join('a', { maxPeers: 4 });
    const received: unknown[] = [];
    const sink = spawn(collector, received);
    await a.registry.claim('sink', sink);
    // A hostile (or buggy) peer sends pids of 50 made-up nodes in one message.
    const attacker = await nats.connectNats();
    const cluster = nats.clusterName();
    const run = await new Promise<string>((resolve) => {
      const sub = attacker.subscribe(`${cluster}.f.a.*.hb`, {
        callback: (_e, m) => {
          sub.unsubscribe();
          resolve(m.subject.split('.')[3]!);
        },
      });
    });
    const phantoms = Array.from({ length: 50 }, (_, i) => ({
      '$rxotp.pid': [`ghost${i}.r${i}`, 1, null, `ghost${i}`],
    }));
    const to = `${cluster}.f.evil.e1.t.a.${run}`;
    const frame = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
    attacker.publish(to, frame({ t: 'hello', node: 'evil' }));
    attacker.publish(to, frame({ t: 'msg', to: sink.id, kind: 1, payload: phantoms, p: 1 }));
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const pids = received[0] as Pid[];
    expect(pids).toHaveLength(50);
    // evil, and three ghosts: the rest arrive dead.
    expect(a.stats().peers).toBe(4);
    expect(a.stats().refusedPeers).toBe(47);
    expect(pids.filter((pid) => pid.target.reason !== undefined)).toHaveLength(47);
    const first = reported().mock.calls[0]?.[0];
    expect(first).toBeInstanceOf(RangeError);
    expect((first as RangeError).message).toMatch(/maxPeers \(4\)/);
  });

  test('a cast or send over max_payload throws, naming the size and the limit, and is a dead letter', async () => {
    const { nodes } = await nats.cluster(2);
    const pid = spawn(echo, undefined);
    await nodes[0]!.registry.claim('echo', pid);
    const remote = await seen(nodes[1]!, 'echo');
    const huge = 'x'.repeat(2 * 1024 * 1024);
    expect(() => cast(remote, huge)).toThrow(MessageTooLargeError);
    expect(() => send(remote, huge)).toThrow(/over the NATS server's max_payload of \d+ bytes/);
    expect(letters().map((d: DeadLetter) => d.kind)).toEqual(['cast', 'info']);
    const { reason } = letters()[0]!;
    expect(reason.kind === 'error' && reason.error instanceof MessageTooLargeError).toBe(true);
    // The link is still fine.
    await expect(call(remote, 'small')).resolves.toBe('small');
  });

  test('a call over max_payload rejects at once, and is a dead letter', async () => {
    const { nodes } = await nats.cluster(2);
    const pid = spawn(echo, undefined);
    await nodes[0]!.registry.claim('echo', pid);
    const remote = await seen(nodes[1]!, 'echo');
    const error = await call(remote, 'x'.repeat(2 * 1024 * 1024), { timeout: 60_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect((error as MessageTooLargeError).size).toBeGreaterThan(
      (error as MessageTooLargeError).limit,
    );
    expect(letters().map((d) => d.kind)).toEqual(['call']);
  });
});
