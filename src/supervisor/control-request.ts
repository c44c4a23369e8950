/** @internal What the control calls send to a supervisor. */
export type ControlRequest =
  | { readonly op: 'which' }
  | { readonly op: 'count' }
  | { readonly op: 'terminate' | 'restart' | 'delete'; readonly id: string };
