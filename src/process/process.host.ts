import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CONFIG, LEDGER } from '../app/tokens.js';
import type { Config } from '../config/config.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { ProcessManager } from './process-manager.js';

/**
 * The process manager inside the application: `qledger serve` and `qledger demo` start it (one
 * active instance per ledger, decision 0042); an application that does not start it (tests that
 * drive runs by hand, tools) only gets the command handlers. Stopped with the application.
 */
@Injectable()
export class ProcessHost implements OnApplicationShutdown {
  readonly manager: ProcessManager;
  private started = false;

  constructor(@Inject(LEDGER) ledger: Ledger, @Inject(CONFIG) config: Config, commands: CommandBus) {
    this.manager = new ProcessManager(ledger, {
      execute: (c) => commands.execute(c as never),
      log: (l) => process.stderr.write(`qledger: ${l}\n`),
      sweepIntervalMs: config.processSweepMs,
    });
  }

  async start(): Promise<ProcessManager> {
    if (!this.started) {
      this.started = true;
      await this.manager.start();
    }
    return this.manager;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.started) await this.manager.stop();
  }
}
