// Where the time goes in a .cpuprofile: the functions with the most self time.
//   node --import tsx bench/top-self.ts <file.cpuprofile> [--top=25] [--filter=dist/] [--lines=fnName]
// --lines shows, for the functions of that name, which source lines the samples fell on.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  /** Samples per 1-based source line, when V8 recorded them. */
  readonly positionTicks?: readonly { readonly line: number; readonly ticks: number }[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, ...flags] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: top-self.ts <file.cpuprofile> [--top=25] [--filter=substring]');
  process.exit(2);
}
const top = Number(flags.find((f) => f.startsWith('--top='))?.slice(6) ?? 25);
const filter = flags.find((f) => f.startsWith('--filter='))?.slice(9);
const linesOf = flags.find((f) => f.startsWith('--lines='))?.slice(8);

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const frame = byId.get(id)!.callFrame;
  const where =
    frame.url === '' ? '' : relative(process.cwd(), frame.url.replace(/^file:\/\//, ''));
  // lineNumber is 0-based in the profile.
  const key = `${frame.functionName || '(anonymous)'}  ${where}${where ? `:${frame.lineNumber + 1}` : ''}`;
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
});

const rows = [...selfUs]
  .filter(([k]) => filter === undefined || k.includes(filter))
  .sort((a, b) => b[1] - a[1]);
console.log(
  `total ${(total / 1000).toFixed(0)} ms sampled${filter ? `; showing frames matching '${filter}'` : ''}`,
);
for (const [key, us] of rows.slice(0, top)) {
  console.log(
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`,
  );
}

if (linesOf !== undefined) {
  const ticks = new Map<string, number>();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== linesOf) continue;
    const where = relative(process.cwd(), node.callFrame.url.replace(/^file:\/\//, ''));
    for (const { line, ticks: n } of node.positionTicks ?? []) {
      const key = `${where}:${line}`;
      ticks.set(key, (ticks.get(key) ?? 0) + n);
    }
  }
  const sum = [...ticks.values()].reduce((a, b) => a + b, 0);
  console.log(`\nsamples by line in ${linesOf} (${sum} ticks)`);
  for (const [key, n] of [...ticks].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * n) / sum).toFixed(1).padStart(5)}%  ${key}`);
  }
}
