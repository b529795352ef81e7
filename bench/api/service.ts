// The service as in production: the qledger CLI in child processes (demo, token, serve) on one data
// directory with the embedded PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export function cliEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // NODE_ENV=production as a deployment sets it (graphql-js then skips its development-only checks).
  return { ...process.env, NODE_ENV: 'production', QLEDGER_DATA_DIR: dataDir, QLEDGER_DEV_INSECURE_KEYS: 'true', ...extra };
}

/** Runs `qledger <args>` to completion; its stdout. */
export function qledger(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`qledger ${args[0]} exited ${code}: ${err.slice(-2000)}`))));
  });
}

export interface Served {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `qledger serve --port 0` and resolves with its URL once it listens. */
export function serve(env: NodeJS.ProcessEnv, log: (l: string) => void, nodeArgs: readonly string[] = []): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [...nodeArgs, CLI, 'serve', '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    let out = '';
    child.stderr!.on('data', (c: Buffer) => {
      for (const line of c.toString().split('\n')) if (line.trim() && !line.includes('WARNING: development key')) log(`  serve: ${line}`);
    });
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          pid: child.pid!,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
    });
    child.on('exit', (code) => reject(new Error(`qledger serve exited ${code} before listening: ${out.slice(-500)}`)));
  });
}
