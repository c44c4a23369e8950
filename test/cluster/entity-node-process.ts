// One node running sharded entities in a child process of its own, for
// entity-processes.spec.ts. Run: node --import tsx entity-node-process.ts '<EntityNodeConfig as JSON>'
// (with an IPC channel). It joins the cluster, starts its 'counter' region,
// says { event: 'ready' }, then obeys one EntityCommand per IPC message.
// Each activation and each end of one is published on the witness subject, so
// a process outside the nodes sees every activation.
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { call, cast, genServer } from '../../src/index.js';
import { entities, entity, joinCluster } from '../../src/remote/index.js';

export interface EntityNodeConfig {
  readonly url: string;
  readonly name: string;
  readonly cluster: string;
  readonly bucket: string;
  readonly witness: string;
  readonly heartbeat: { readonly interval: number; readonly missed: number };
}

/** What the witness hears: an activation starting or ending, and where. */
export interface WitnessNote {
  readonly e: 'start' | 'stop';
  readonly id: string;
  readonly node: string;
}

export type EntityCommand =
  | { readonly op: 'cast'; readonly id: string }
  | { readonly op: 'get'; readonly id: string }
  | { readonly op: 'members' }
  | { readonly op: 'close' };

export type EntityReply =
  | { readonly ref: number; readonly ok: true; readonly value: unknown }
  | { readonly ref: number; readonly ok: false; readonly error: string };

const config = JSON.parse(process.argv[2]!) as EntityNodeConfig;
const text = new TextEncoder();

async function main(): Promise<void> {
  const nc: NatsConnection = await connect({ servers: config.url });
  const note = (e: WitnessNote['e'], id: string): void =>
    nc.publish(config.witness, text.encode(JSON.stringify({ e, id, node: config.name })));
  const counter = genServer({
    init: (id: string) => {
      note('start', id);
      return { id, n: 0 };
    },
    handleCall: (_: 'get', _from, s: { id: string; n: number }) => ({ reply: s.n, state: s }),
    handleCast: (_: 'inc', s: { id: string; n: number }) => ({ ...s, n: s.n + 1 }),
    terminate: (_reason, s: { id: string; n: number }) => note('stop', s.id),
  });
  const node = await joinCluster({
    connection: nc,
    name: config.name,
    cluster: config.cluster,
    heartbeat: config.heartbeat,
  });
  const bucket = await new Kvm(nc).create(config.bucket, { history: 1 });
  const region = await entities(node, 'counter', counter, { bucket, idleTimeout: Infinity });
  process.on('message', (message: { ref: number; command: EntityCommand }) => {
    const { ref, command } = message;
    const answer = (value: unknown): void => {
      Promise.resolve(value).then(
        (v) => process.send!({ ref, ok: true, value: v } satisfies EntityReply),
        (error: unknown) =>
          process.send!({ ref, ok: false, error: String(error) } satisfies EntityReply),
      );
    };
    switch (command.op) {
      case 'cast':
        return answer(cast(entity(region, command.id), 'inc'));
      case 'get':
        return answer(call(entity(region, command.id), 'get', { timeout: 20_000 }));
      case 'members':
        return answer(region.members());
      case 'close':
        return answer(
          (async () => {
            await region.close();
            await node.close();
            await nc.flush();
            return true;
          })(),
        );
    }
  });
  await nc.flush();
  process.send!({ event: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
