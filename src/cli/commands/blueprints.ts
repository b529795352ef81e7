import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { AppModule } from '../../app/app.module.js';
import { blueprintFilesIn, formatProblem, loadBlueprintFiles } from '../../blueprints/load.js';
import { RegisterBlueprintCommand, type RegisterBlueprintResult } from '../../commands/blueprints/register-blueprint.command.js';
import type { Config } from '../../config/config.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { configFrom, operatorMetadata, withLedger, type Output } from '../context.js';

const HELP = `Usage: qledger blueprints <validate|register> [FILE...]

  validate FILE...      check blueprint files (YAML) against the schema and the rules: stage DAG,
                        check types, thresholds, approval rules; every problem as file:line path: expected...
  register [FILE...]    validate, then record each blueprint version in the ledger (default: every
                        *.yaml of ./blueprints/); the same content again records nothing; changed
                        content under a registered version is refused: give it a new version

The format: blueprints/README.md. Exit codes: 0 all good, 1 a file is invalid or refused, 2 usage.

${COMMON_HELP}`;

export async function blueprintsCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv, COMMON_OPTIONS, 'qledger blueprints <validate|register> [FILE...]');
  const [sub, ...files] = args.positionals;
  if (args.values['help'] || sub === undefined) return (io.out(HELP), sub === undefined && !args.values['help'] ? 2 : 0);
  switch (sub) {
    case 'validate': {
      if (files.length === 0) throw new UsageError('qledger blueprints validate needs at least one FILE');
      const { loaded, problems } = await loadBlueprintFiles(files);
      for (const b of loaded) io.out(`ok ${b.file}: ${b.definition.id} v${b.definition.version} ${b.digest}`);
      for (const p of problems) io.err(formatProblem(p));
      return problems.length > 0 ? 1 : 0;
    }
    case 'register': {
      const targets = files.length > 0 ? files : await defaultFiles();
      const { loaded, problems } = await loadBlueprintFiles(targets);
      if (problems.length > 0) {
        for (const p of problems) io.err(formatProblem(p));
        io.err(`qledger: nothing registered: fix the ${problems.length} problem(s) above [INVALID_BLUEPRINT_FILE]`);
        return 1;
      }
      return withBus(configFrom(args), io, async (bus) => {
        for (const b of loaded) {
          const r = await bus.execute<RegisterBlueprintCommand, RegisterBlueprintResult>(
            new RegisterBlueprintCommand(b.definition, operatorMetadata()),
          );
          io.out(`${r.recorded ? 'registered' : 'unchanged '} ${r.blueprintId} v${r.version} ${r.digest} (${b.file})`);
        }
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown blueprints command "${sub}": use validate or register`);
  }
}

async function defaultFiles(): Promise<string[]> {
  if (!existsSync('blueprints')) throw new UsageError('no ./blueprints/ directory here: name the blueprint FILEs to register');
  const files = await blueprintFilesIn('blueprints');
  if (files.length === 0) throw new UsageError('./blueprints/ has no *.yaml file: name the blueprint FILEs to register');
  return files;
}

/** Runs a command through the NestJS CQRS bus, as the service would (same as qledger keys). */
async function withBus(config: Config, io: Output, fn: (bus: CommandBus) => Promise<number>): Promise<number> {
  return withLedger(config, io, async (ledger) => {
    if (ledger.keyRing.trustRoot === undefined) throw new UsageError('the ledger is not initialized: run qledger init first');
    const app = await NestFactory.createApplicationContext(AppModule.forLedger(ledger, config), { logger: false });
    try {
      return await fn(app.get(CommandBus));
    } finally {
      await app.close();
    }
  });
}
