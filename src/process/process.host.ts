import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { LEDGER } from '../app/tokens.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { ProcessManager } from './process-manager.js';

/** Runs the process manager with the application (qledger serve): started after bootstrap, stopped on shutdown. */
@Injectable()
export class ProcessHost implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly manager: ProcessManager;

  constructor(@Inject(LEDGER) ledger: Ledger, commands: CommandBus) {
    this.manager = new ProcessManager(ledger, {
      execute: (c) => commands.execute(c as never),
      log: (l) => process.stderr.write(`qledger: ${l}\n`),
      sweepIntervalMs: Number(process.env['QLEDGER_PROCESS_SWEEP_MS'] ?? 5000) || 5000,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.manager.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.manager.stop();
  }
}
