import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
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
import type { Ledger } from '../ledger/open-ledger.js';
import { HealthController } from './health.controller.js';
import { LedgerErrorFilter } from './ledger-error.filter.js';
import { CONFIG, EVIDENCE_STORE, LEDGER } from './tokens.js';

@Module({})
export class AppModule {
  /**
   * `api`: the HTTP service's API (`ApiModule.forRoot(...)`: auth, projections, GraphQL), given by
   * `qledger serve` only; CLI command contexts leave it out (and do not load its packages).
   */
  static forLedger(ledger: Ledger, config: Config, api?: DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), ...(api ? [api] : [])],
      controllers: [HealthController],
      providers: [
        { provide: LEDGER, useValue: ledger },
        { provide: CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: LedgerErrorFilter },
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
