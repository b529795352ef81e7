import { BlueprintsResolver } from './blueprints.resolver.js';
import { DecisionsResolver } from './decisions.resolver.js';
import { LineageResolver } from './lineage.resolver.js';
import { LiveUpdatesResolver } from './live-updates.resolver.js';
import { ManagedKeysResolver } from './managed-keys.resolver.js';
import { EvidenceCitationResolver, EvidenceResolver, RegistryResolver } from './registry.resolver.js';
import { RunsResolver } from './runs.resolver.js';

/** The auditor's queries over the read models, and the live run and decision views (issue 4). */
export const READ_MODEL_RESOLVERS = [
  RunsResolver,
  DecisionsResolver,
  LineageResolver,
  RegistryResolver,
  EvidenceResolver,
  EvidenceCitationResolver,
  BlueprintsResolver,
  ManagedKeysResolver,
  LiveUpdatesResolver,
];
