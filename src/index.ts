/**
 * rxotp: Erlang/OTP-style actors and supervision trees for RxJS.
 *
 * @module rxotp
 */

// Exit reasons
export type { ExitReason } from './exit/exit-reason.js';
export { formatExit } from './exit/format-exit.js';

// Actors
export type { Address } from './actor/address.js';
export type { Behavior, CallResult, Ctx, LiteralBehavior, MaybeAsync } from './actor/behavior.js';
export type {
  DefineServer,
  GenServer,
  ProtocolOf,
  ServerProtocol,
  ServerTypes,
  StartOptions,
} from './actor/gen-server.js';
export { genServer } from './actor/gen-server.js';
export type { Lifecycle } from './actor/lifecycle.js';
export type { Next, NextOptions } from './actor/next.js';
export { next } from './actor/next.js';
export type { Pid } from './actor/pid.js';
export type {
  CallOf,
  CastOf,
  InfoOf,
  NoProtocol,
  Protocol,
  PublishedOf,
  ReplyOf,
  StateOf,
} from './actor/protocol.js';
export { published$ } from './actor/published.js';
export { spawn } from './actor/spawn.js';
export { state$ } from './actor/state.js';
export type {
  DownMessage,
  ExitMessage,
  MonitorRef,
  SystemMessage,
  TimeoutMessage,
} from './actor/system-messages.js';
export type { NameTable, Via } from './actor/via.js';
export type { Mailbox } from './mailbox/mailbox.js';
export type { MailboxOptions } from './mailbox/mailbox-options.js';

// Messaging
export type { CallRef } from './messaging/call-ref.js';
export { call } from './messaging/call.js';
export { call$ } from './messaging/call-observable.js';
export { cast } from './messaging/cast.js';
export type { DeadLetter } from './messaging/dead-letters.js';
export { deadLetters$ } from './messaging/dead-letters.js';
export { send } from './messaging/send.js';
export type { CallOptions } from './messaging/start-call.js';
export { stop } from './messaging/stop.js';

// Process groups
export { broadcast } from './group/broadcast.js';
export { GroupScope } from './group/group-scope.js';
export { join } from './group/join.js';
export { leave } from './group/leave.js';
export { members$ } from './group/members-observable.js';

// Reports
export type { Report } from './report/reports.js';
export { reports$ } from './report/reports.js';

// Registry
export { Registry } from './registry/registry.js';
export type { Name } from './registry/typed-name.js';
export { typedName } from './registry/typed-name.js';
export { via } from './registry/via.js';

// Supervisors
export { child } from './supervisor/child.js';
export { childrenOf } from './supervisor/children-of.js';
export type { ChildSpec, RestartType, Shutdown } from './supervisor/child-spec.js';
export { countChildren } from './supervisor/count-children.js';
export { deleteChild } from './supervisor/delete-child.js';
export { events$ } from './supervisor/events-observable.js';
export type {
  ChildCounts,
  ChildInfo,
  EventBase,
  SupervisorEvent,
  SupervisorNotification,
} from './supervisor/events.js';
export { oneForAll } from './supervisor/one-for-all.js';
export { oneForOne } from './supervisor/one-for-one.js';
export type {
  BackoffFunction,
  BackoffOptions,
  Strategy,
  SuperviseOptions,
  SupervisorOptions,
} from './supervisor/options.js';
export { restForOne } from './supervisor/rest-for-one.js';
export { restartChild } from './supervisor/restart-child.js';
export { supervise } from './supervisor/supervise.js';
export { terminateChild } from './supervisor/terminate-child.js';
export { startChild } from './supervisor/start-child.js';
export { whichChildren } from './supervisor/which-children.js';

// Errors
export { ActorExitError } from './errors/actor-exit-error.js';
export { AlreadyRegisteredError } from './errors/already-registered-error.js';
export { CallTimeoutError } from './errors/call-timeout-error.js';
export { CallingSelfError } from './errors/calling-self-error.js';
export { LinkedExitError } from './errors/linked-exit-error.js';
export { TreeRunningError } from './errors/tree-running-error.js';
export { ChildRunningError } from './errors/child-running-error.js';
export { ChildSpecError } from './errors/child-spec-error.js';
export { HandlerError } from './errors/handler-error.js';
export { HoldOverflowError } from './errors/hold-overflow-error.js';
export { MailboxFullError } from './errors/mailbox-full-error.js';
export { MaxRestartsExceededError } from './errors/max-restarts-exceeded-error.js';
export { NoProcError } from './errors/no-proc-error.js';
export { NoSuchChildError } from './errors/no-such-child-error.js';
