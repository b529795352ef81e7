import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { RevokeSigningKeyHandler } from '../commands/keys/revoke-signing-key.handler.js';
import { RotateSigningKeyHandler } from '../commands/keys/rotate-signing-key.handler.js';
import type { Config } from '../config/config.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { HealthController } from './health.controller.js';
import { LedgerErrorFilter } from './ledger-error.filter.js';
import { CONFIG, LEDGER } from './tokens.js';

@Module({})
export class AppModule {
  /**
   * `api`: the HTTP service's API (`ApiModule.forRoot(...)`: auth, projections, GraphQL), given by
   * `qledger serve` only; CLI command contexts leave it out (and do not load its packages).
   */
  static forLedger(ledger: Ledger, config: Config, api?: DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), ...(api ? [api] : [])],
      controllers: [HealthController],
      providers: [
        { provide: LEDGER, useValue: ledger },
        { provide: CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: LedgerErrorFilter },
        RotateSigningKeyHandler,
        RevokeSigningKeyHandler,
      ],
    };
  }
}
