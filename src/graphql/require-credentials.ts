import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { toGraphqlError } from './errors.js';

/**
 * Deny by default over HTTP: the credentials of a GraphQL request are checked when its context is
 * built, before Apollo parses, validates or executes anything. So operations that reach no resolver
 * (introspection, `__typename`), which the per-resolver guard never sees, and the schema hints of a
 * validation error are not served without valid credentials either. The principal is left in the
 * context, where the guard finds it: a request is authenticated once. A refusal is the guard's
 * error (401, same code and line). Subscriptions authenticate when their WebSocket connects.
 */
export async function requestPrincipal(authenticator: Authenticator, headers: Record<string, unknown>): Promise<Principal> {
  try {
    return await authenticator.fromHeader(headers['authorization']);
  } catch (e) {
    throw toGraphqlError(e);
  }
}
