import { OWN } from '../mailbox/kinds.js';

/** @internal A monitor's down message, delivered only while the monitor is still on. */
export const DOWN = OWN + 16;
/** @internal A linked actor's exit, for a behaviour that traps exits. */
export const LINK_EXIT = OWN + 17;
/** @internal An idle timeout fired; delivered only if no message came since it was armed. */
export const IDLE = OWN + 18;
