import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AuthConfig } from '../auth/auth-config.js';
import { AuthGuard } from '../auth/auth.guard.js';
import { AuthModule } from '../auth/auth.module.js';
import { WhoAmIController } from '../auth/whoami.controller.js';
import type { Config } from '../config/config.js';
import { ledgerGraphqlModule, RESOLVERS } from '../graphql/graphql.module.js';
import { MUTATION_PROVIDERS } from '../graphql/mutations/index.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { MetricsController } from '../projections/metrics.controller.js';
import { ProjectionsHost, startProjections } from '../projections/projections.host.js';
import { PROJECTIONS } from '../projections/tokens.js';

/**
 * The service's API (only for `qledger serve`, not for CLI command contexts): the global
 * deny-by-default guard, the projection runners, GraphQL, and the REST routes beyond health.
 */
@Module({})
export class ApiModule {
  static forRoot(ledger: Ledger, config: Config, auth: AuthConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [AuthModule.forRoot(ledger, config, auth), ledgerGraphqlModule({ authRecheckMs: config.wsAuthRecheckMs })],
      controllers: [WhoAmIController, MetricsController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: PROJECTIONS,
          useFactory: () => startProjections(ledger.pool, ledger.store, (l) => process.stderr.write(`qledger: ${l}\n`)),
        },
        ProjectionsHost,
        ...RESOLVERS,
        ...MUTATION_PROVIDERS,
      ],
    };
  }
}
