// Shared by the singleton specs: a singleton worker that tells a witness when each
// incarnation starts and stops, and a lease bucket per cluster.
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { child, genServer, type ChildSpec } from '../../src/index.js';
import type { SingletonKv } from '../../src/remote/index.js';

/** What the witness saw: `up <node>` and `down <node>`, in the order they happened. */
export type Witness = (line: string) => void;

/** The singleton's protocol: `where` answers the node it runs on; marks cast to it are told to `onMark`. */
export type SingletonCall = 'where';
export type SingletonCast = { readonly mark: number } | 'crash';
/** The worker's protocol, for the addresses that reach it. */
export interface SingletonProtocol {
  readonly call: SingletonCall;
  readonly reply: string;
  readonly cast: SingletonCast;
  readonly info: never;
}

/**
 * A worker that tells the witness `up <node>` on init and `down <node>` on terminate, passes
 * each mark cast to it to `onMark`, and tells where it runs.
 */
export function singletonWorker(
  node: string,
  witness: Witness,
  onMark: (mark: number) => void = () => undefined,
) {
  return genServer<{
    state: null;
    args: null;
    call: SingletonCall;
    reply: string;
    cast: SingletonCast;
  }>()({
    init: () => {
      witness(`up ${node}`);
      return null;
    },
    handleCall: (_request, _from, state) => ({ reply: node, state }),
    handleCast: (request, state) => {
      if (request === 'crash') throw new Error('crashed on request');
      onMark(request.mark);
      return state;
    },
    terminate: () => witness(`down ${node}`),
  });
}

/** The worker's child spec on `node`, with the witness. */
export const singletonSpec = (
  id: string,
  node: string,
  witness: Witness,
  onMark?: (mark: number) => void,
): ChildSpec => child(id, () => singletonWorker(node, witness, onMark).start(null));

/** A lease bucket of its own for cluster `cluster`. */
export async function leaseBucket(nc: NatsConnection, cluster: string): Promise<SingletonKv> {
  return new Kvm(nc).create(`${cluster}_leases`, { history: 1 });
}

/**
 * Checks a witness log: never two incarnations up at once. `killed` nodes' incarnations end
 * where `killed <node>` appears (a SIGKILL leaves no `down`).
 */
export function overlaps(log: readonly string[]): string[] {
  const up = new Set<string>();
  const faults: string[] = [];
  for (const line of log) {
    const [what, node] = line.split(' ') as [string, string];
    if (what === 'up') {
      if (up.size > 0) faults.push(`${line} while ${[...up].join(', ')} up`);
      up.add(node);
    } else {
      up.delete(node);
    }
  }
  return faults;
}
