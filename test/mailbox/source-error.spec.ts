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
  // DESIGN 6: "an error no one handles goes to RxJS's config.onUnhandledError".
  expect(unhandled()).toHaveBeenCalledWith(failure);
});
