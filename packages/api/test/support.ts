import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
export const built = existsSync(CLI);

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly stderr: () => string;
}

/** Starts `keel serve --port 0` as a real process and waits for the URL it prints. */
export function spawnServer(dataDir: string, extra: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', dataDir, '--no-ui', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      const m = /http:\/\/[^\s]+/.exec(d.toString());
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[0], child, stderr: () => err });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${err}`));
    });
  });
}

export async function stop(s: ServerProcess): Promise<void> {
  if (s.child.exitCode !== null) return;
  const gone = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
  if (s.child.exitCode === null) s.child.kill('SIGKILL');
}

export const postJson = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
