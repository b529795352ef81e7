import { APP_PIPE } from '@nestjs/core';
import type { Provider, Type } from '@nestjs/common';
import { ReportCheckHandler } from '../process/commands/report-check.handler.js';
import { RequestPipelineRunHandler } from '../process/commands/request-pipeline-run.handler.js';
import { ProcessHost } from '../process/process.host.js';
import { BatchesController } from './batches.controller.js';
import { EvidenceController } from './evidence.controller.js';
import { LedgerController } from './ledger.controller.js';
import { ModelsController } from './models.controller.js';
import { IdempotencyKeys } from '../edge/idempotency-keys.js';
import { RunScope } from './run-scope.js';
import { RunView } from './run-view.js';
import { RunsController } from './runs.controller.js';
import { inputPipe } from './validation.pipe.js';

/** The REST edge's controllers, wired into AppModule. */
export const REST_CONTROLLERS: Type[] = [RunsController, EvidenceController, ModelsController, BatchesController, LedgerController];

/** The global input pipe, the run scope and view, and the run command handlers the REST edge and the process manager use. */
export const REST_PROVIDERS: Provider[] = [
  { provide: APP_PIPE, useFactory: inputPipe },
  RunScope,
  RunView,
  IdempotencyKeys,
  RequestPipelineRunHandler,
  ReportCheckHandler,
  ProcessHost,
];
