import { mkdir } from 'node:fs/promises';
import { toolsBin } from './binaries.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { freePort, waitForTcp } from './ports.js';

export interface RunningServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const READY_DEADLINE_MS = 20_000;

export interface ServerOptions {
  port?: number;
  logFile?: string;
  /** See StartProcessOptions.detached. */
  detached?: boolean;
}

async function startServer(name: string, command: string, args: string[], port: number, fix: string, options: ServerOptions): Promise<RunningServer> {
  const child: ManagedProcess = startProcess({
    name,
    command,
    args,
    echo: false,
    detached: options.detached ?? false,
    ...(options.logFile === undefined ? {} : { logFile: options.logFile }),
  });
  let exitCode: number | null | undefined;
  void child.exited.then((code) => {
    exitCode = code;
  });
  try {
    await waitForTcp('127.0.0.1', port, READY_DEADLINE_MS, () => (exitCode === undefined ? undefined : `exited with code ${String(exitCode)}`));
  } catch (error) {
    await child.stop(2000);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${name} did not start on 127.0.0.1:${port}: ${reason}.\n${fix}\nLast output:\n${child.tail() || '(none)'}`);
  }
  return { url: '', port, pid: child.pid, stop: () => child.stop(5000) };
}

/** nats-server with JetStream, data in `storeDir`. */
export async function startNatsServer(options: ServerOptions & { storeDir: string }): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  await mkdir(options.storeDir, { recursive: true });
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', options.storeDir];
  const server = await startServer('nats-server', toolsBin('nats-server'), args, port, `Is port ${port} taken by another process? Set NATS_URL to another port, or stop the other process.`, options);
  return { ...server, url: `nats://127.0.0.1:${port}` };
}

/** FerretDB v1 with its SQLite backend (MongoDB wire protocol), data in `dir`. */
export async function startFerretDb(options: ServerOptions & { dir: string }): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  await mkdir(options.dir, { recursive: true });
  const args = ['-listen-addr', `127.0.0.1:${port}`, '-sqlite-dir', options.dir, '-log-level', 'warn'];
  const server = await startServer('ferretdb', toolsBin('ferretdb'), args, port, `Is port ${port} taken by another process? Set MONGO_URL to another port, or stop the other process.`, options);
  return { ...server, url: `mongodb://127.0.0.1:${port}` };
}
