import { Subject } from 'rxjs';
import { genServer, spawn, stop } from '../../src/index.js';
import { useUnhandledErrors } from '../support.js';

const unhandled = useUnhandledErrors();

test('an error from a source feeding a dead actor mailbox is reported, not swallowed', () => {
  const feed = new Subject<string>();
  const def = genServer({
    init: (_: void, ctx) => {
      feed.subscribe(ctx.mailbox);
      return 0;
    },
    handleInfo: (_: string, n: number) => n,
  });
  const pid = spawn(def, undefined);
  stop(pid);
  const failure = new Error('feed failed');
  feed.error(failure);
  // docs/design.md, "Reports": an error no caller can receive is reported, and reaches
  // rxjs's config.onUnhandledError when that is set.
  expect(unhandled()).toHaveBeenCalledWith(failure);
});
