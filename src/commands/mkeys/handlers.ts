import { RegisterManagedKeyHandler } from './register-managed-key.handler.js';
import { ReportKeyCompromiseHandler } from './report-key-compromise.handler.js';
import { RetireManagedKeyHandler } from './retire-managed-key.handler.js';
import { RotateManagedKeyHandler } from './rotate-managed-key.handler.js';

/** Command handlers of this folder, for the application module. */
export const MANAGED_KEY_COMMAND_HANDLERS = [
  RegisterManagedKeyHandler,
  ReportKeyCompromiseHandler,
  RetireManagedKeyHandler,
  RotateManagedKeyHandler,
];
