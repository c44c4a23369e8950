import { config } from 'rxjs';

// The one host timer rxotp uses, as rxjs does: not for time, only to rethrow outside the caller.
declare function setTimeout(callback: () => void): unknown;

/**
 * @internal Hands an error nobody can handle to rxjs's `config.onUnhandledError`,
 * or rethrows it on a later macrotask when none is set — what rxjs itself does,
 * so the error is never lost and never breaks the code that found it.
 */
export function reportUnhandled(error: unknown): void {
  const { onUnhandledError } = config;
  if (onUnhandledError) {
    onUnhandledError(error);
  } else {
    setTimeout(() => {
      throw error;
    });
  }
}
