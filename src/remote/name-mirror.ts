import type { Subscription } from 'rxjs';
import type { Pid } from '../actor/pid.js';
import { Registry } from '../registry/registry.js';
import type { Frame } from './wire.js';

/** A `names` frame: what changed in the sender's names. */
type NamesFrame = Extract<Frame, { t: 'names' }>;

/**
 * @internal Name mirroring over one connection, both ways: the peer watching this node's names
 * (told what changed, as `names` frames), and this node's mirror of the peer's names, a
 * `Registry` kept from the `names` frames the peer sends (docs/design.md, "Remote › Connections").
 */
export class NameMirror {
  /** The peer's names, once this node has asked for them. */
  private mirror: Registry | null = null;
  private watching: Subscription | null = null;

  /** The mirror of the peer's names, and whether it was made by this call. */
  open(): { readonly registry: Registry; readonly made: boolean } {
    if (this.mirror !== null) return { registry: this.mirror, made: false };
    return { registry: (this.mirror = new Registry()), made: true };
  }

  /**
   * The peer watches `registry`: `send` tells it every change, beginning with the names held
   * now. Each pid is `exported` first, so the peer hears of its exit. A second watch does nothing.
   */
  watch(registry: Registry, exported: (pid: Pid) => void, send: (frame: NamesFrame) => void): void {
    if (this.watching !== null) return;
    // What the peer was last told of our names.
    const told = new Map<string, number>();
    this.watching = registry.entries$.subscribe((names) => {
      const set: [string, number, string | null][] = [];
      const del: string[] = [];
      for (const [name, pid] of names) {
        if (pid.node !== undefined || told.get(name) === pid.id) continue;
        exported(pid);
        told.set(name, pid.id);
        set.push([name, pid.id, pid.name ?? null]);
      }
      for (const name of told.keys()) {
        const pid = names.get(name);
        if (pid === undefined || pid.node !== undefined) {
          told.delete(name);
          del.push(name);
        }
      }
      if (set.length > 0 || del.length > 0) send({ t: 'names', set, del });
    });
  }

  /** Applies what the peer says changed in its names; `remotePid` gives the pid of an id. */
  apply(frame: NamesFrame, remotePid: (id: number, name: string | null) => Pid): void {
    const mirror = this.mirror;
    if (mirror === null) return;
    for (const name of frame.del) mirror.unregister(name);
    for (const [name, id, pidName] of frame.set) {
      const pid = remotePid(id, pidName);
      mirror.unregister(name);
      // A pid whose exit already arrived is not named again.
      if (!pid.target.dead) {
        mirror.register(name, pid);
      }
    }
  }

  /** The peer is lost: no more telling it of our names. */
  close(): void {
    this.watching?.unsubscribe();
  }
}
