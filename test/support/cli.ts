import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const RAMPART_BIN = fileURLToPath(new URL('../../bin/rampart.mjs', import.meta.url));

/** Run the real `rampart` command. */
export function rampart(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [RAMPART_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same without blocking this process's event loop (needed when this process serves HTTP). */
export function rampartAsync(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RAMPART_BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
