import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Roles } from '../auth/decorators.js';
import { prometheusText, type ProjectionService } from './projection-service.js';
import { PROJECTIONS } from './tokens.js';

/** Prometheus metrics: projection positions and lag. For admins and operators (scrapers use an API key). */
@Controller()
export class MetricsController {
  constructor(@Inject(PROJECTIONS) private readonly projections: ProjectionService) {}

  @Get('metrics')
  @Roles('admin', 'operator')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    return prometheusText(await this.projections.status());
  }
}
