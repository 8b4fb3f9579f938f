import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The last lines the process wrote, for error messages. */
  tail(): string;
  /** SIGTERM, then SIGKILL after the grace period. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children must not outlive the process that started them, even on a crash. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export interface StartProcessOptions {
  name: string;
  command: string;
  args: readonly string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Print output lines prefixed with `[name]` (default true); otherwise only kept for tail(). */
  echo?: boolean;
  /** Also append every output line to this file. */
  logFile?: string;
  /**
   * Own process group: a terminal's Ctrl-C then reaches only the parent, which stops
   * the children in order instead of all of them dying at once.
   */
  detached?: boolean;
}

const TAIL_LINES = 40;

export function startProcess(options: StartProcessOptions): ManagedProcess {
  installExitHook();
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  live.add(child);
  const lines: string[] = [];
  const echo = options.echo ?? true;
  const log = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      if (echo) process.stdout.write(`[${options.name}] ${line}\n`);
      log?.write(`${line}\n`);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      log?.end();
      resolve(code);
    });
    child.once('error', (error) => {
      lines.push(`spawn failed: ${error.message}`);
      live.delete(child);
      resolve(-1);
    });
  });
  return {
    name: options.name,
    pid: child.pid ?? -1,
    exited,
    tail: () => lines.join('\n'),
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from Linux /proc; NaN elsewhere. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
