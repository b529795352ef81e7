import { auditTrailProjection } from './audit-trail/audit-trail.projection.js';
import type { Projection } from './projection.js';
import { READ_MODEL_PROJECTIONS } from './rm-common/read-models.js';
import { signingKeysProjection } from './signing-keys/signing-keys.projection.js';

/** Every read model of the service. Add a projection here (one folder each). */
export const PROJECTIONS: readonly Projection[] = [auditTrailProjection, signingKeysProjection, ...READ_MODEL_PROJECTIONS];
