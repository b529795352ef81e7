import DataLoader from 'dataloader';
import type pg from 'pg';
import type { WithPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import {
  signingKeyHistory,
  signingKeysByKid,
  type SigningKeyChangeRow,
  type SigningKeyRow,
} from '../projections/signing-keys/signing-keys.queries.js';

/** Per-request batch loaders: every kid asked for while resolving one operation is fetched in one query. */
export interface Loaders {
  readonly signingKey: DataLoader<string, SigningKeyRow | null>;
  readonly keyHistory: DataLoader<string, SigningKeyChangeRow[]>;
}

export function createLoaders(pool: pg.Pool): Loaders {
  return {
    signingKey: new DataLoader(async (kids) => {
      const found = await signingKeysByKid(pool, kids);
      return kids.map((k) => found.get(k) ?? null);
    }),
    keyHistory: new DataLoader(async (kids) => {
      const found = await signingKeyHistory(pool, kids);
      return kids.map((k) => found.get(k) ?? []);
    }),
  };
}

/** The GraphQL context: the HTTP request (queries) or the WebSocket principal (subscriptions), and the loaders. */
export interface GqlContext extends WithPrincipal {
  req?: { headers: Record<string, unknown> } & WithPrincipal;
  loaders: Loaders;
}

export type { Principal };
