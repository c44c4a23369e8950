import { INTERNAL } from '../mailbox/kinds.js';

/** @internal A monitor's down message, delivered only while the monitor is still on. */
export const DOWN = INTERNAL + 16;
/** @internal A linked actor's exit, for a behaviour that traps exits. */
export const LINK_EXIT = INTERNAL + 17;
/** @internal An idle timeout fired; delivered only if no message came since it was armed. */
export const IDLE = INTERNAL + 18;
