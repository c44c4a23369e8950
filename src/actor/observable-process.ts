import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { HandlerError } from '../errors/handler-error.js';
import { NORMAL, errorExit, type ExitReason } from '../exit/exit-reason.js';
import { enter, leave } from '../mailbox/run-queue.js';
import type { Lifecycle } from './lifecycle.js';
import { Process, lost, type Sink } from './process.js';

/**
 * @internal Any Observable run as a supervised child: started at once, its
 * values published, complete = `normal`, error = `error`. Stopping it
 * unsubscribes the source. It takes no messages: they become dead letters.
 */
export class ObservableProcess extends Process {
  #subscription: Subscription | null = null;

  constructor(
    private readonly stream: Observable<unknown>,
    sink: Sink | null,
    scheduler: SchedulerLike,
  ) {
    super(sink, scheduler, undefined);
  }

  boot(): this {
    enter();
    try {
      this.started({ kind: 'started', pid: this.pid });
      if (!this.running) return this;
      const subscription = this.stream.subscribe({
        next: (value) => this.publish(value),
        error: (error: unknown) => this.#end(errorExit(error)),
        complete: () => this.#end(NORMAL),
      });
      if (this.running) this.#subscription = subscription;
      else subscription.unsubscribe();
    } finally {
      leave();
    }
    return this;
  }

  #end(reason: ExitReason): void {
    enter();
    try {
      this.exit(reason);
    } finally {
      leave();
    }
  }

  protected receive(kind: number, payload: unknown, via: unknown): void {
    const error = new HandlerError(
      String(this.pid),
      'handleInfo',
      'does not exist: a plain Observable child takes no messages.',
    );
    lost((via as never) ?? this.pid, kind, payload, errorExit(error), error);
  }

  protected terminate(): void {
    const subscription = this.#subscription;
    this.#subscription = null;
    subscription?.unsubscribe();
  }

  protected exitNotification(reason: ExitReason): Lifecycle {
    return { kind: 'exit', pid: this.pid, reason };
  }
}
