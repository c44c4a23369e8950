import type { ChildSpec } from './child-spec.js';

/** @internal What the control calls send to a supervisor. */
export type ControlRequest =
  | { readonly op: 'which' }
  | { readonly op: 'count' }
  | { readonly op: 'start'; readonly spec: ChildSpec }
  | { readonly op: 'terminate' | 'restart' | 'delete'; readonly id: string };
