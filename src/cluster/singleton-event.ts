import type { Pid } from '../actor/pid.js';

/**
 * What a cluster singleton's wrapper publishes on its node (read it with
 * `published$` on the wrapper's pid): `contending` while another node holds
 * the lease (`owner`, when known) or none does, `running` with the child's pid
 * once this node holds it, `fenced` when this node lost the lease and stopped
 * the child, `left` once the node left the cluster.
 *
 * @example
 * ```ts
 * const show = (e: SingletonEvent) => (e.kind === 'running' ? `here: ${String(e.pid)}` : e.kind);
 * ```
 */
export type SingletonEvent =
  | { readonly kind: 'contending'; readonly owner: string | undefined }
  | { readonly kind: 'running'; readonly pid: Pid }
  | { readonly kind: 'fenced' }
  | { readonly kind: 'left' };
