import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { RevokeSigningKeyHandler } from '../commands/keys/revoke-signing-key.handler.js';
import { RotateSigningKeyHandler } from '../commands/keys/rotate-signing-key.handler.js';
import type { Config } from '../config/config.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { HealthController } from './health.controller.js';
import { LedgerErrorFilter } from './ledger-error.filter.js';
import { CONFIG, LEDGER, PROOFS } from './tokens.js';

@Module({})
export class AppModule {
  static forLedger(ledger: Ledger, config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [HealthController],
      providers: [
        { provide: LEDGER, useValue: ledger },
        { provide: CONFIG, useValue: config },
        { provide: PROOFS, useValue: ledger.proofs },
        { provide: APP_FILTER, useClass: LedgerErrorFilter },
        RotateSigningKeyHandler,
        RevokeSigningKeyHandler,
      ],
    };
  }
}
