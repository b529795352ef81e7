import { IsCheckId, IsEntityId, IsModelName, IsPathId, IsSha256Hex, IsWaiverId } from '../../edge/rules.js';

export class Sha256Param {
  @IsSha256Hex()
  sha256!: string;
}

export class RunParam {
  @IsEntityId()
  runId!: string;
}

export class RunCheckParams {
  @IsEntityId()
  runId!: string;

  @IsCheckId()
  checkId!: string;
}

export class ModelParam {
  @IsModelName()
  name!: string;
}

export class JobParam {
  @IsPathId({ message: 'a job id: letters, digits, . _ : = / - (1 to 200)' })
  jobId!: string;
}

export class WaiverParams {
  @IsEntityId()
  runId!: string;

  @IsWaiverId()
  waiverId!: string;
}
