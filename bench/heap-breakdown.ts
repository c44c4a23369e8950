// What a tree of idle children is made of: heap snapshots before and after building one,
// grouped by constructor, per child.
//   node --expose-gc --import tsx bench/heap-breakdown.ts [children=20000] [--spawn]
// With --spawn, `children` plain spawned genServers instead of a supervised tree.
import { from, type Subscription } from 'rxjs';
import * as built from 'rxotp';
import { getHeapSnapshot } from 'node:v8';
import { asLib } from './built.js';
import { collectGarbage } from './measure.js';

interface Snapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: string[];
      readonly node_types: [string[], ...unknown[]];
    };
  };
  readonly nodes: number[];
  readonly strings: string[];
}

async function groups(): Promise<Map<string, { count: number; bytes: number }>> {
  collectGarbage();
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer);
  const snap = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]!]!;
    const name =
      type === 'object' || type === 'closure' ? snap.strings[snap.nodes[i + iName]!]! : `(${type})`;
    const key = type === 'closure' ? `closure ${name}` : name;
    const g = out.get(key) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += snap.nodes[i + iSize]!;
    out.set(key, g);
  }
  return out;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? '20000');
  const spawnOnly = process.argv.includes('--spawn');
  const lib = asLib(built);
  const worker = lib.genServer({ init: () => 0, handleCast: (by: number, s: number) => s + by });
  const before = await groups();
  let held: unknown[] = [];
  let subscription: Subscription | undefined;
  if (spawnOnly) {
    held = Array.from({ length: n }, () => lib.spawn(worker, undefined));
  } else {
    const specs = Array.from({ length: n }, (_, i) => lib.child(`w${i}`, () => worker.start()));
    subscription = from(specs).pipe(lib.oneForOne()).subscribe();
  }
  const after = await groups();
  const rows = [...after]
    .map(([k, a]) => {
      const b = before.get(k) ?? { count: 0, bytes: 0 };
      return { k, count: (a.count - b.count) / n, bytes: (a.bytes - b.bytes) / n };
    })
    .filter((r) => Math.abs(r.bytes) >= 1)
    .sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  console.log(`per ${spawnOnly ? 'spawned actor' : 'supervised child'}: ${total.toFixed(0)} bytes`);
  for (const r of rows.slice(0, 30)) {
    console.log(`${r.bytes.toFixed(1).padStart(8)} B  ${r.count.toFixed(2).padStart(6)} ×  ${r.k}`);
  }
  subscription?.unsubscribe();
  held.length = 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
