import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { DynamicModule } from '@nestjs/common';
import { GraphQLModule, type GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { AUTHENTICATOR } from '../auth/tokens.js';
import { LEDGER } from '../app/tokens.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { formatError } from './errors.js';
import { operationLimits } from './limits.js';
import { requestPrincipal } from './require-credentials.js';
import { createLoaders, type GqlContext } from './loaders.js';
import { AuditTrailResolver } from './resolvers/audit-trail.resolver.js';
import { LedgerEventsResolver } from './resolvers/ledger-events.resolver.js';
import { ProjectionsResolver } from './resolvers/projections.resolver.js';
import { SigningKeysResolver } from './resolvers/signing-keys.resolver.js';
import { READ_MODEL_RESOLVERS } from './resolvers/read-model.resolvers.js';
import { watchCredentials, type ClosableSocket } from './ws-auth.js';
import { MUTATION_RESOLVERS } from './mutations/index.js';

/** Every resolver of the API (the committed schema is generated from these). */
export const RESOLVERS = [
  AuditTrailResolver,
  SigningKeysResolver,
  ProjectionsResolver,
  LedgerEventsResolver,
  ...READ_MODEL_RESOLVERS,
  ...MUTATION_RESOLVERS,
];

type WsExtra = { principal?: Principal; socket?: ClosableSocket };

export interface LedgerGraphqlOptions {
  /** How often an open WebSocket's credentials are checked again (decision 0054). */
  readonly authRecheckMs?: number;
}

/**
 * GraphQL at /graphql (queries over HTTP, subscriptions over graphql-ws on the same path).
 * The WebSocket is authenticated once, at connection time, from connectionParams
 * `{ authorization: "Bearer ..." }`; a connection without valid credentials is closed (4403).
 * While it is open, its credentials are watched (ws-auth.ts): closed at the token's expiry (4401)
 * or once a re-check fails, e.g. a revoked API key (4403).
 */
export function ledgerGraphqlModule(options: LedgerGraphqlOptions = {}): DynamicModule {
  return GraphQLModule.forRootAsync<ApolloDriverConfig>({
    driver: ApolloDriver,
    inject: [AUTHENTICATOR, LEDGER],
    useFactory: (authenticator: Authenticator, ledger: Ledger): ApolloDriverConfig => ({
      path: '/graphql',
      autoSchemaFile: true,
      sortSchema: true,
      playground: false,
      introspection: true,
      csrfPrevention: true,
      includeStacktraceInErrorResponses: false,
      validationRules: [operationLimits()],
      // No HTTP cache hints are served: without the plugin no resolver is wrapped per field (decision 0057).
      plugins: [ApolloServerPluginCacheControlDisabled()],
      // Keep Apollo's HTTP status for a request without valid credentials (401); Nest would reset it to 200.
      preserveHttpStatusForExecutionErrors: false,
      autoTransformHttpErrors: false,
      formatError,
      context: async (
        arg: { req?: GqlContext['req']; extra?: WsExtra } & Partial<WsContext<Record<string, unknown>, WsExtra>>,
      ): Promise<GqlContext> => {
        const loaders = createLoaders(ledger.pool);
        if (arg.req) return { req: arg.req, principal: await requestPrincipal(authenticator, arg.req.headers), loaders };
        return { principal: arg.extra?.principal, loaders };
      },
      subscriptions: {
        'graphql-ws': {
          path: '/graphql',
          validate: (schema: GraphQLSchema, document: DocumentNode) => validate(schema, document, [...specifiedRules, operationLimits()]),
          onConnect: async (ctx: WsContext<Record<string, unknown> | undefined, unknown>) => {
            const params = ctx.connectionParams ?? {};
            const extra = ctx.extra as WsExtra;
            const header = params['authorization'] ?? params['Authorization'];
            try {
              extra.principal = await authenticator.fromHeader(header);
              if (extra.socket) watchCredentials(extra.socket, header, authenticator, options.authRecheckMs ?? 10_000);
              return true;
            } catch {
              return false;
            }
          },
        } as GraphQLWsSubscriptionsConfig, // validate is passed on to graphql-ws's useServer
      },
    }),
  });
}
