import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Config } from '../config/config.js';
import { LEDGER } from '../app/tokens.js';
import type { Ledger } from '../ledger/open-ledger.js';
import type { AuthConfig } from './auth-config.js';
import { createAuthenticator } from './create-authenticator.js';
import { AUTHENTICATOR } from './tokens.js';

/** Provides the Authenticator (and the ledger) to every module, GraphQL's WebSocket handshake included. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(ledger: Ledger, config: Config, auth: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AUTHENTICATOR, useFactory: () => createAuthenticator(ledger.pool, config.dataDir, auth) },
        { provide: LEDGER, useValue: ledger },
      ],
      exports: [AUTHENTICATOR, LEDGER],
    };
  }
}
