import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { RevokeSigningKeyHandler } from '../commands/keys/revoke-signing-key.handler.js';
import { RotateSigningKeyHandler } from '../commands/keys/rotate-signing-key.handler.js';
import type { Config } from '../config/config.js';
import { loadAuthConfig, type AuthConfig } from '../auth/auth-config.js';
import { AuthGuard } from '../auth/auth.guard.js';
import { WhoAmIController } from '../auth/whoami.controller.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { MetricsController } from '../projections/metrics.controller.js';
import { ProjectionsHost, startProjections } from '../projections/projections.host.js';
import { ledgerGraphqlModule, RESOLVERS } from '../graphql/graphql.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { PROJECTIONS } from '../projections/tokens.js';
import { HealthController } from './health.controller.js';
import { LedgerErrorFilter } from './ledger-error.filter.js';
import { CONFIG, LEDGER } from './tokens.js';

@Module({})
export class AppModule {
  static forLedger(ledger: Ledger, config: Config, auth: AuthConfig = loadAuthConfig({})): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(ledger, config, auth), ledgerGraphqlModule()],
      controllers: [HealthController, WhoAmIController, MetricsController],
      providers: [
        { provide: LEDGER, useValue: ledger },
        { provide: CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: LedgerErrorFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: PROJECTIONS,
          useFactory: () => startProjections(ledger.pool, ledger.store, (l) => process.stderr.write(`qledger: ${l}\n`)),
        },
        ProjectionsHost,
        ...RESOLVERS,
        RotateSigningKeyHandler,
        RevokeSigningKeyHandler,
      ],
    };
  }
}
