import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { RevokeSigningKeyHandler } from '../commands/keys/revoke-signing-key.handler.js';
import { RotateSigningKeyHandler } from '../commands/keys/rotate-signing-key.handler.js';
import { RecordBatchManifestHandler } from '../commands/batches/record-batch-manifest.handler.js';
import { ApproveModelForStageHandler } from '../commands/models/approve-model-for-stage.handler.js';
import { RegisterModelVersionHandler } from '../commands/models/register-model-version.handler.js';
import { RevokeModelApprovalHandler } from '../commands/models/revoke-model-approval.handler.js';
import { RevokeModelVersionHandler } from '../commands/models/revoke-model-version.handler.js';
import { IsModelApprovedHandler } from '../queries/models/is-model-approved.handler.js';
import { StoreEvidenceHandler } from '../commands/evidence/store-evidence.handler.js';
import { FsEvidenceStore } from '../evidence/fs-evidence-store.js';
import { join } from 'node:path';
import { DeprecateBlueprintHandler } from '../commands/blueprints/deprecate-blueprint.handler.js';
import { RegisterBlueprintHandler } from '../commands/blueprints/register-blueprint.handler.js';
import { ArchiveProjectHandler } from '../commands/projects/archive-project.handler.js';
import { AttachBlueprintHandler } from '../commands/projects/attach-blueprint.handler.js';
import { CreateProjectHandler } from '../commands/projects/create-project.handler.js';
import { DetachBlueprintHandler } from '../commands/projects/detach-blueprint.handler.js';
import { SetCryptoPipelineHandler } from '../commands/projects/set-crypto-pipeline.handler.js';
import { DECISION_COMMAND_HANDLERS } from '../commands/decisions/handlers.js';
import { MANAGED_KEY_COMMAND_HANDLERS } from '../commands/mkeys/handlers.js';
import { RUN_COMMAND_HANDLERS } from '../commands/runs/handlers.js';
import type { Config } from '../config/config.js';
import { loadAuthConfig, type AuthConfig } from '../auth/auth-config.js';
import { AuthGuard } from '../auth/auth.guard.js';
import { WhoAmIController } from '../auth/whoami.controller.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { MetricsController } from '../projections/metrics.controller.js';
import { ProjectionsHost, startProjections } from '../projections/projections.host.js';
import { ledgerGraphqlModule, RESOLVERS } from '../graphql/graphql.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { PROJECTIONS } from '../projections/tokens.js';
import { HealthController } from './health.controller.js';
import { LedgerErrorFilter } from './ledger-error.filter.js';
import { CONFIG, EVIDENCE_STORE, LEDGER } from './tokens.js';

@Module({})
export class AppModule {
  static forLedger(ledger: Ledger, config: Config, auth: AuthConfig = loadAuthConfig({})): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(ledger, config, auth), ledgerGraphqlModule()],
      controllers: [HealthController, WhoAmIController, MetricsController],
      providers: [
        { provide: LEDGER, useValue: ledger },
        { provide: CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: LedgerErrorFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: PROJECTIONS,
          useFactory: () => startProjections(ledger.pool, ledger.store, (l) => process.stderr.write(`qledger: ${l}\n`)),
        },
        ProjectionsHost,
        ...RESOLVERS,
        RotateSigningKeyHandler,
        RevokeSigningKeyHandler,
        {
          provide: EVIDENCE_STORE,
          useValue: new FsEvidenceStore({ dir: join(config.dataDir, 'evidence'), maxBytes: config.evidenceMaxBytes }),
        },
        StoreEvidenceHandler,
        RegisterModelVersionHandler,
        ApproveModelForStageHandler,
        RevokeModelApprovalHandler,
        RevokeModelVersionHandler,
        RecordBatchManifestHandler,
        IsModelApprovedHandler,
        RegisterBlueprintHandler,
        DeprecateBlueprintHandler,
        CreateProjectHandler,
        AttachBlueprintHandler,
        DetachBlueprintHandler,
        SetCryptoPipelineHandler,
        ArchiveProjectHandler,
        ...RUN_COMMAND_HANDLERS,
        ...DECISION_COMMAND_HANDLERS,
        ...MANAGED_KEY_COMMAND_HANDLERS,
      ],
    };
  }
}
