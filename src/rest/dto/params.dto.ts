import { Matches } from 'class-validator';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ID_MESSAGE = 'letters, digits, . _ : - (1 to 128 characters, starting with a letter or digit)';

export class Sha256Param {
  @Matches(/^[0-9a-f]{64}$/, { message: 'the SHA-256 of the content: 64 lowercase hex characters' })
  sha256!: string;
}

export class RunParam {
  @Matches(ID, { message: ID_MESSAGE })
  runId!: string;
}

export class RunCheckParams {
  @Matches(ID, { message: ID_MESSAGE })
  runId!: string;

  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'a check id of the run plan: lowercase letters, digits, _ and -' })
  checkId!: string;
}

export class ModelParam {
  @Matches(/^[a-z0-9][a-z0-9._-]{0,99}$/, { message: 'a model name: lowercase letters, digits, . _ - (1 to 100)' })
  name!: string;
}

export class JobParam {
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:=/-]{0,199}$/, { message: 'a job id: letters, digits, . _ : = / - (1 to 200)' })
  jobId!: string;
}

export class WaiverParams {
  @Matches(ID, { message: ID_MESSAGE })
  runId!: string;

  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, { message: 'a waiver id: letters, digits, . _ : - (1 to 64)' })
  waiverId!: string;
}
