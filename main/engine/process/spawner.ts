/**
 * The OS seam: spawning a child in its own process group and signalling it.
 * Only this module imports child_process.
 */
import { spawn as nodeSpawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface SpawnRequest {
  /** Resolved executable path. */
  file: string;
  /** argv, argv[0] as written in the command. */
  argv: string[];
  env: Record<string, string>;
  cwd: string | null;
  uid?: number;
  gid?: number;
  umask: number | null;
}

export interface ChildHandle {
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Called once with the decoded exit: code (null if killed) and signal number (null if exited). */
  onExit(cb: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

export interface Spawner {
  /** Throws (synchronously) with an errno-style `code` when the spawn itself fails. */
  spawn(req: SpawnRequest): ChildHandle;
  /** `kill(2)`: negative pid signals the process group. Throws on errors (ESRCH included). */
  kill(pid: number, signal: number): void;
}

/** The real spawner: every child leads its own process group (setsid), like supervisord's setpgrp. */
export const nodeSpawner: Spawner = {
  spawn(req) {
    let oldUmask: number | undefined;
    if (req.umask !== null) oldUmask = process.umask(req.umask);
    let child;
    try {
      child = nodeSpawn(req.file, req.argv.slice(1), {
        argv0: req.argv[0],
        cwd: req.cwd ?? undefined,
        env: req.env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        uid: req.uid,
        gid: req.gid,
        windowsHide: true,
      });
    } finally {
      if (oldUmask !== undefined) process.umask(oldUmask);
    }
    const pid = child.pid;
    if (pid === undefined) {
      // libuv reports exec/chdir failures asynchronously through 'error'; we only get here when
      // the error was raised during spawn. Drain the error event so it is not thrown.
      child.on('error', () => undefined);
      const err = new Error(`spawn failed: ${req.file}`) as NodeJS.ErrnoException;
      err.code = 'ESPAWN';
      throw err;
    }
    child.on('error', () => undefined);
    const stdin = child.stdin;
    const stdout = child.stdout;
    const stderr = child.stderr;
    if (!stdin || !stdout || !stderr) throw new Error('child pipes missing');
    stdin.on('error', () => undefined);
    return {
      pid,
      stdin,
      stdout,
      stderr,
      onExit(cb) {
        // 'exit' comes from SIGCHLD, before the pipes are necessarily drained; the caller drains.
        child.once('exit', (code, signal) => cb(code, signal));
      },
    };
  },
  kill(pid, signal) {
    process.kill(pid, signal);
  },
};
