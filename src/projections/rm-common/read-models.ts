import { blueprintsProjection } from '../blueprints/blueprints.projection.js';
import { decisionsProjection } from '../decisions/decisions.projection.js';
import { evidenceProjection } from '../evidence/evidence.projection.js';
import { lineageProjection } from '../lineage/lineage.projection.js';
import { managedKeysProjection } from '../managed-keys/managed-keys.projection.js';
import { modelsProjection } from '../models/models.projection.js';
import type { Projection } from '../projection.js';
import { projectsProjection } from '../projects/projects.projection.js';
import { runsProjection } from '../runs/runs.projection.js';

/** The auditor's read models (issue 4), one folder each. */
export const READ_MODEL_PROJECTIONS: readonly Projection[] = [
  projectsProjection,
  blueprintsProjection,
  runsProjection,
  decisionsProjection,
  managedKeysProjection,
  evidenceProjection,
  modelsProjection,
  lineageProjection,
];
