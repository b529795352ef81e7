import { CancelRunHandler } from './cancel-run.handler.js';
import { CompleteRunHandler } from './complete-run.handler.js';
import { QueueRunHandler } from './queue-run.handler.js';
import { ReportCheckErrorHandler } from './report-check-error.handler.js';
import { ReportCheckResultHandler } from './report-check-result.handler.js';
import { RequestRunHandler } from './request-run.handler.js';
import { SkipStageHandler } from './skip-stage.handler.js';
import { StartCheckHandler } from './start-check.handler.js';
import { StartStageHandler } from './start-stage.handler.js';
import { TimeOutCheckHandler } from './time-out-check.handler.js';

/** Command handlers of this folder, for the application module. */
export const RUN_COMMAND_HANDLERS = [
  CancelRunHandler,
  CompleteRunHandler,
  QueueRunHandler,
  ReportCheckErrorHandler,
  ReportCheckResultHandler,
  RequestRunHandler,
  SkipStageHandler,
  StartCheckHandler,
  StartStageHandler,
  TimeOutCheckHandler,
];
