import { DecisionsResolver } from './decisions.resolver.js';
import { LineageResolver } from './lineage.resolver.js';
import { EvidenceCitationResolver, EvidenceResolver, RegistryResolver } from './registry.resolver.js';
import { RunsResolver } from './runs.resolver.js';

/** The auditor's queries over the read models (issue 4). */
export const READ_MODEL_RESOLVERS = [
  RunsResolver,
  DecisionsResolver,
  LineageResolver,
  RegistryResolver,
  EvidenceResolver,
  EvidenceCitationResolver,
];
