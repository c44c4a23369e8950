import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { NodeDownError } from '../errors/node-down-error.js';
import { scheduleHeartbeat } from './heartbeat.js';

/**
 * @internal Whether a connection's peer is alive: heartbeats out, silence counted in, and once
 * the peer is lost, the error that says why, told to every `down$` watcher
 * (docs/design.md, "Remote › Liveness").
 */
export class Liveness {
  /** Why the peer is down, once it is; `null` while it is up. */
  down: NodeDownError | null = null;
  /** Emits the peer's loss once, then completes; at once if it is already lost. */
  readonly down$: Observable<NodeDownError>;
  private watchers: ((error: NodeDownError) => void)[] = [];
  /** Whether a frame has arrived since the last heartbeat went out. */
  private heard = false;
  private timer: Subscription | null = null;

  constructor() {
    this.down$ = new Observable<NodeDownError>((subscriber) => {
      const emit = (error: NodeDownError): void => {
        subscriber.next(error);
        subscriber.complete();
      };
      if (this.down !== null) return emit(this.down);
      this.watchers.push(emit);
      return () => {
        const i = this.watchers.indexOf(emit);
        if (i >= 0) this.watchers.splice(i, 1);
      };
    });
  }

  /** A frame arrived from the peer: it is alive. */
  heardFrom(): void {
    this.heard = true;
  }

  /**
   * Calls `send` every `interval` ms; after `missed` intervals in a row with no frame from the
   * peer, calls `silent` instead, and beats no more.
   */
  beat(
    scheduler: SchedulerLike,
    interval: number,
    missed: number,
    send: () => void,
    silent: (why: string) => void,
  ): void {
    if (this.down !== null) return;
    let quiet = 0;
    this.timer = scheduleHeartbeat(scheduler, interval, () => {
      quiet = this.heard ? 0 : quiet + 1;
      this.heard = false;
      if (quiet >= missed) {
        silent(`missed ${missed} heartbeats`);
        return false;
      }
      send();
      return true;
    });
  }

  /** The peer is lost: records why and stops the heartbeat. Watchers hear of it in `tell`. */
  lose(error: NodeDownError): void {
    this.down = error;
    this.timer?.unsubscribe();
  }

  /** Tells every `down$` watcher that the peer is lost (after `lose`). */
  tell(): void {
    const watchers = this.watchers;
    this.watchers = [];
    for (const watch of watchers) watch(this.down!);
  }
}
