// node.leaving$: emits once as a node starts to leave (close(), or its connection closed), then
// completes; a subscriber that comes later hears it at once. Cluster singletons hand over on it.
import { spawn, stop } from '../../src/index.js';
import { collector, useNatsCluster } from './cluster-fixture.js';

const { join, fresh } = useNatsCluster('lv');

describe('leaving$', () => {
  it('emits once as close() begins, while the node still holds its names, then completes', async () => {
    fresh();
    const [node] = await join('a');
    const pid = spawn(collector, []);
    await node.registry.claim('kept', pid);
    const heard: string[] = [];
    node.leaving$.subscribe({
      next: () => heard.push(`leaving, 'kept' at ${String(node.registry.whereis('kept'))}`),
      complete: () => heard.push('complete'),
    });
    expect(heard).toEqual([]);
    const closing = node.close();
    expect(heard).toEqual([`leaving, 'kept' at ${String(pid)}`, 'complete']);
    await closing;
    const late: string[] = [];
    node.leaving$.subscribe({
      next: () => late.push('leaving'),
      complete: () => late.push('complete'),
    });
    expect(late).toEqual(['leaving', 'complete']);
    stop(pid);
  });

  it("emits when the node's connection closes under it, and only once", async () => {
    fresh();
    const [node, nc] = await join('b');
    let count = 0;
    const left = new Promise<void>((resolve) =>
      node.leaving$.subscribe({ next: () => count++, complete: resolve }),
    );
    await nc.close();
    await left;
    await node.close();
    expect(count).toBe(1);
  });
});
