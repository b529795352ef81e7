import { Controller, Get, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { Inject } from '@nestjs/common';
import { Roles } from '../auth/decorators.js';
import { EVIDENCE_STORE } from '../app/tokens.js';
import { StoreEvidenceCommand, type StoreEvidenceResult } from '../commands/evidence/store-evidence.command.js';
import { ValidationError } from '../domain/errors.js';
import { MEDIA_TYPE } from '../edge/rules.js';
import type { EvidenceBlobStore } from '../evidence/evidence-store.js';
import { Sha256Param } from './dto/params.dto.js';
import type { WriteContext } from './idempotency.js';
import { IdempotencyKeys } from '../edge/idempotency-keys.js';
import { Write } from './write-context.decorator.js';

/**
 * Evidence blobs, content-addressed: `PUT /evidence/{sha256}` streams the raw body into the
 * store (the digest is checked while it streams) and records it in the ledger. Evidence belongs
 * to no project (the same report may back several runs): any writer role may upload, any role
 * read.
 */
@Controller('evidence')
export class EvidenceController {
  constructor(
    private readonly commands: CommandBus,
    private readonly idempotency: IdempotencyKeys,
    @Inject(EVIDENCE_STORE) private readonly blobs: EvidenceBlobStore,
  ) {}

  @Put(':sha256')
  @Roles('worker', 'operator', 'admin')
  async put(@Param() p: Sha256Param, @Req() req: Request, @Write() w: WriteContext): Promise<StoreEvidenceResult> {
    const mediaType = mediaTypeOf(req);
    if ((req as { _body?: boolean })._body === true || req.readableEnded) {
      throw new ValidationError(
        'EVIDENCE_BODY_CONSUMED',
        'send the evidence bytes as application/octet-stream and name their media type in the X-Evidence-Media-Type header',
        [{ path: 'header:Content-Type', message: 'application/octet-stream (or any type other than JSON or form data)' }],
      );
    }
    await this.idempotency.claim(w);
    return this.commands.execute(new StoreEvidenceCommand(p.sha256, mediaType, req, w.meta));
  }

  @Get(':sha256')
  @Roles('worker', 'operator', 'admin', 'approver', 'auditor')
  async get(@Param() p: Sha256Param, @Res() res: Response): Promise<void> {
    const body = await this.blobs.open(p.sha256);
    const size = await this.blobs.stat(p.sha256);
    res.status(200).setHeader('content-type', 'application/octet-stream');
    if (size !== undefined) res.setHeader('content-length', String(size));
    res.setHeader('etag', `"sha256:${p.sha256}"`);
    for await (const chunk of body) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }
}

function mediaTypeOf(req: Request): string {
  const raw = req.headers['x-evidence-media-type'] ?? req.headers['content-type'] ?? 'application/octet-stream';
  const value = String(raw).split(';')[0]?.trim().toLowerCase() ?? '';
  if (!MEDIA_TYPE.test(value)) {
    throw new ValidationError('INVALID_INPUT', 'invalid input: the media type must look like type/subtype, e.g. application/json', [
      { path: 'header:X-Evidence-Media-Type', message: 'a media type such as application/json or text/plain' },
    ]);
  }
  return value;
}
