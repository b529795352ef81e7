import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/decorators.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { LEDGER } from './tokens.js';

/**
 * Liveness and readiness probes. They are the only routes without authorization (decision
 * 0005): they reveal nothing but the public trust root and whether the store answers.
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<object> {
    try {
      await this.ledger.store.ping();
      // Ready means: able to sign with the current key, also after a rotation made elsewhere.
      await this.ledger.keyRing.refresh();
      await this.ledger.keyRing.current();
      return { status: 'ready', trustRoot: this.ledger.keyRing.trustRoot, activeKid: this.ledger.keyRing.activeKid };
    } catch (e) {
      res.status(503);
      return { status: 'unavailable', reason: e instanceof Error ? e.message : String(e) };
    }
  }
}
