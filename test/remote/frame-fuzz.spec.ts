// Nothing from the wire is trusted (docs/design.md, "Remote › The wire"): random
// bytes and structured mutations of valid frames, published on every subject a
// node listens to (frames, heartbeats and goodbyes, no-responders answers, the
// names bucket) and fed into a link, leave every node up and answering calls.
import fc from 'fast-check';
import { asapScheduler } from 'rxjs';
import { headers } from '@nats-io/transport-node';
import { call, genServer, spawn, type Pid } from '../../src/index.js';
import { connectNode, linkPair } from '../../src/remote/index.js';
import { propertySettings } from '../property/settings.js';
import { useUnhandledErrors } from '../support.js';
import { seen, useNatsCluster } from './cluster-fixture.js';

// A counter that takes any info or cast: valid frames the fuzz makes must not crash it.
const counter = genServer({
  init: () => 0,
  handleCall: (_: 'get', _from, n) => ({ reply: n, state: n }),
  handleCast: (_: unknown, n) => n,
  handleInfo: (_: unknown, n) => n,
});

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** Valid frames, the material structured mutations start from (no stop or goodbye: those act). */
const templates = (id: number): Record<string, unknown>[] => [
  { t: 'hello', node: 'x' },
  { t: 'hb' },
  { t: 'watch' },
  { t: 'msg', to: id, kind: 1, payload: { n: 1 } },
  { t: 'msg', to: id, kind: 0, payload: [{ '$rxotp.pid': [0, 1, null, 'x'] }], p: 1 },
  { t: 'call', to: id, ref: 7, request: 'get' },
  { t: 'mon', id },
  { t: 'reply', ref: 3, value: 1 },
  { t: 'fail', ref: 3, error: { name: 'Error', message: 'm', reason: { kind: 'normal' } } },
  { t: 'exit', id: 1, reason: { kind: 'error', error: { name: 'E', message: 'm' } } },
  { t: 'whereis', q: 1, name: 'victim' },
  { t: 'names', set: [['n', 1, null]], del: ['m'] },
  { t: 'where', q: 1, id: 1, name: null },
  { t: 'unreg', name: 'other', id: 1 },
];

/** A valid frame with one field replaced by any JSON value, or removed. */
const mutated = (id: number): fc.Arbitrary<unknown> =>
  fc
    .tuple(
      fc.constantFrom(...templates(id)),
      fc.nat(),
      fc.option(fc.jsonValue(), { nil: undefined }),
    )
    .map(([frame, pick, value]) => {
      const keys = Object.keys(frame);
      const key = keys[pick % keys.length]!;
      const out: Record<string, unknown> = { ...frame };
      if (value === undefined) delete out[key];
      else out[key] = value;
      return out;
    });

const payload = (id: number): fc.Arbitrary<Uint8Array> =>
  fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.jsonValue().map(encode), mutated(id).map(encode));

describe('a cluster fed garbage on every subject it listens to', () => {
  const nats = useNatsCluster('fuzz');
  useUnhandledErrors();

  test('keeps every node up and answering calls', async () => {
    const { nodes, ncs } = await nats.cluster(2);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const attacker = await nats.connectNats();
    const cluster = nats.clusterName();
    const victim = spawn(counter, undefined);
    await a.registry.claim('victim', victim);
    const remote: Pid = await seen(b, 'victim');
    // The subjects a listens on, read off its heartbeats.
    const runOf = new Map<string, string>();
    ncs[1]!.subscribe(`${cluster}.f.*.*.hb`, {
      callback: (_e, m) => {
        const [, , name, run] = m.subject.split('.');
        runOf.set(name!, run!);
      },
    });
    while (!runOf.has('n0')) await new Promise((resolve) => setTimeout(resolve, 20));
    const aRun = runOf.get('n0')!;
    const subjects = [
      `${cluster}.f.x.r1.t.n0.${aRun}`,
      `${cluster}.f.n1.zz.t.n0.${aRun}`,
      `${cluster}.f.x.r2.hb`,
      `${cluster}.f.x.r2.anything`,
      `${cluster}.nr.n0.${aRun}.n1.zz.3`,
      `$KV.${cluster}_names.fuzzkey`,
      `$KV.${cluster}_names.=zz`,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...subjects), payload(victim.id), fc.boolean()), {
          minLength: 1,
          maxLength: 8,
        }),
        async (frames) => {
          for (const [subject, data, with503] of frames) {
            attacker.publish(
              subject,
              data,
              with503 ? { headers: headers(503, 'No Responders') } : undefined,
            );
          }
          await attacker.flush();
          await expect(call(remote, 'get')).resolves.toBe(0);
          await expect(call(victim, 'get')).resolves.toBe(0);
        },
      ),
      propertySettings(41, { ...process.env, FC_RUNS: process.env.FC_RUNS ?? '200' }),
    );
    expect(a.stats().badFrames).toBeGreaterThan(0);
    expect(await call(remote, 'get')).toBe(0);
  }, 120_000);
});

describe('a link fed garbage', () => {
  useUnhandledErrors();

  test('keeps the node up and answering calls', async () => {
    // Each frame is delivered as its own task on the scheduler, as over a real link.
    const [here, there] = linkPair({ scheduler: asapScheduler });
    const server = connectNode({ name: 'server', link: here, heartbeat: false });
    const victim = spawn(counter, undefined);
    server.registry.register('victim', victim);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.jsonValue(), mutated(victim.id), fc.anything()), { maxLength: 8 }),
        async (frames) => {
          for (const frame of frames) {
            try {
              there.send(frame);
            } catch {
              // Refused by the sending end (not cloneable): it never reached the node.
            }
          }
          await new Promise((resolve) => setTimeout(resolve, 0));
          await expect(call(victim, 'get')).resolves.toBe(0);
        },
      ),
      propertySettings(42, { ...process.env, FC_RUNS: process.env.FC_RUNS ?? '200' }),
    );
    expect(server.stats().badFrames).toBeGreaterThan(0);
    server.close();
  });
});
