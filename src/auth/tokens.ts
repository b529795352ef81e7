/** Injection token of the Authenticator (built in the composition root). */
export const AUTHENTICATOR = Symbol('Authenticator');
