import { spawn } from 'node:child_process';
import { repoRoot } from '@switchboard/testing';

export interface CommandRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the gateway's operator commands (apps/gateway/src/cli/<name>.ts) as its npm script
 * runs it, from the workspace root, against the given database.
 */
export function runGatewayCommand(name: string, args: string[], databaseUrl: string): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', `apps/gateway/src/cli/${name}.ts`, ...args],
      {
        cwd: repoRoot(),
        env: { ...process.env, DATABASE_URL: databaseUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}
