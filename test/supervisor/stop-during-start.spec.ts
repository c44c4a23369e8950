import { of } from 'rxjs';
import { child, genServer, oneForOne, stop, type Pid } from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';

test('a stop asked for while the initial set is starting starts no further child', () => {
  const before = liveActorCount();
  let supervisor: Pid | undefined;
  const started: string[] = [];
  const worker = (id: string, stopsTheTree = false) =>
    genServer({
      init: () => {
        started.push(id);
        if (stopsTheTree) stop(supervisor!);
        return 0;
      },
    });
  const exits: string[] = [];
  of(
    child('a', () => worker('a').start()),
    child('b', () => worker('b', true).start()),
    child('c', () => worker('c').start()),
  )
    .pipe(oneForOne())
    .subscribe((n) => {
      if (n.kind === 'started') supervisor = n.pid;
      if (n.kind === 'child-exited') exits.push(`${n.path.join('/')} ${n.reason.kind}`);
      if (n.kind === 'exit') exits.push(`supervisor ${n.reason.kind}`);
    });
  expect(started).toEqual(['a', 'b']);
  expect(exits).toEqual(['b cancelled', 'a cancelled', 'supervisor normal']);
  expect(liveActorCount()).toBe(before);
});
