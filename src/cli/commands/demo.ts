import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { AppModule } from '../../app/app.module.js';
import { runDemo, type DemoReport } from '../../demo/demo.js';
import { ProcessHost } from '../../process/process.host.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { configFrom, operatorMetadata, withLedger, type Output } from '../context.js';
import { defaultOrigin } from './init.js';

const HELP = `Usage: qledger demo [--runs N] [--seed S] [options]

Writes a realistic, reproducible workload into the ledger through the real commands, with the
process manager running: projects and blueprints, N pipeline runs with passing and failing checks,
policy rejections with their explanations, human approvals and a veto, a waiver, managed key
rotations (which start the projects' crypto pipelines), one rotation of the ledger's signing key,
a model approved by the run that trained it and a batch manifest scored with it. Then it verifies
the whole log offline (ledger-verify) and prints the counts. Exit code 1 if verification fails.

Options:
  --runs N                pipeline runs to request (default 20, at most 1000)
  --seed S                seed of the workload (default 1): the same seed, the same workload
${COMMON_HELP}`;

export async function demoCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv, { ...COMMON_OPTIONS, runs: { type: 'string' }, seed: { type: 'string' } }, 'qledger demo [--runs N] [--seed S]');
  if (args.values['help']) return (io.out(HELP), 0);
  if (args.positionals.length > 0) throw new UsageError(`qledger demo takes no arguments (got "${args.positionals[0]}")`);
  const runs = intFlag('--runs', args.values['runs'], 20, 1, 1000);
  const seed = intFlag('--seed', args.values['seed'], 1, 0, 2 ** 31 - 1);
  const config = configFrom(args);
  return withLedger(config, io, async (ledger) => {
    const { trustRoot } = await ledger.keyRing.ensureGenesis((kid) => config.origin ?? defaultOrigin(kid), operatorMetadata());
    const app = await NestFactory.create(AppModule.forLedger(ledger, config), { logger: ['error'] });
    await app.init();
    const tty = process.stderr.isTTY === true;
    try {
      const report = await runDemo(ledger, app.get(CommandBus), await app.get(ProcessHost).start(), {
        runs,
        seed,
        trustRoot,
        progress: tty ? (l) => process.stderr.write(`\r\x1b[2K${l}`) : undefined,
      });
      if (tty) process.stderr.write('\r\x1b[2K');
      print(io, report, runs, seed);
      return report.verified.ok ? 0 : 1;
    } finally {
      await app.close();
    }
  });
}

function print(io: Output, r: DemoReport, runs: number, seed: number): void {
  io.out(`demo: ${runs} runs, seed ${seed}`);
  io.out(`events written:         ${r.events}`);
  io.out(`runs requested:         ${r.runs.requested} (${r.runs.byKeyRotation} by key rotations)`);
  io.out(`runs succeeded/failed:  ${r.runs.succeeded}/${r.runs.failed}`);
  io.out(`policy rejections:      ${r.rejections}`);
  io.out(`approvals / vetoes:     ${r.approvals} / ${r.vetoes}`);
  io.out(`waivers:                ${r.waivers}`);
  io.out(`managed key rotations:  ${r.managedKeyRotations}`);
  io.out(`signing key rotations:  ${r.signingKeyRotations}`);
  io.out(`models approved:        ${r.modelsApproved}`);
  io.out(`batch manifests:        ${r.batchManifests}`);
  io.out(
    r.verified.ok
      ? `verified: all ${r.verified.events} events of the ledger are signed and chained (ledger-verify)`
      : `VERIFICATION FAILED: ${r.verified.failures} failures in ${r.verified.events} events: run ledger-verify on an export for details`,
  );
}

function intFlag(name: string, raw: string | boolean | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < min || n > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max} (got "${String(raw)}")`);
  }
  return n;
}
