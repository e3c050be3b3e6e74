/**
 * `paddock-pidproxy <pidfile> <command> [args…]`: supervisord's pidproxy. Runs a program that
 * daemonizes itself (mysqld_safe style), relays the signals it receives to the pid written in
 * the pidfile, and exits when that process is gone (supervisord's exits on TERM at once; this one
 * waits, so the supervisor sees the real stop).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const PIDPROXY_USAGE = 'Usage: paddock-pidproxy <pidfile name> <command> [<cmdarg1> ...]\n';
const RELAYED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGUSR1', 'SIGUSR2', 'SIGQUIT'];
const POLL_MS = 200;

function readPid(pidfile: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidfile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function main(argv: string[]): Promise<number> {
  const [pidfile, cmd, ...args] = argv;
  if (!pidfile || !cmd) {
    process.stdout.write(PIDPROXY_USAGE);
    return Promise.resolve(1);
  }
  return new Promise((resolve) => {
    const child = spawn(path.resolve(cmd), args, { stdio: 'inherit' });
    let childExit: number | null = null;
    let sawTarget = false;
    child.on('error', (e) => {
      process.stderr.write(`paddock-pidproxy: cannot run ${cmd}: ${e.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, sig) => {
      childExit = code ?? (sig ? 128 : 1);
    });
    for (const sig of RELAYED) {
      process.on(sig, () => {
        const pid = readPid(pidfile);
        if (pid === null) {
          process.stdout.write(`Can't read child pidfile ${pidfile}!\n`);
          return;
        }
        try {
          process.kill(pid, sig);
        } catch (e) {
          process.stderr.write(`paddock-pidproxy: cannot signal ${pid}: ${(e as Error).message}\n`);
        }
      });
    }
    // Exit once the process in the pidfile is gone (after it appeared at least once), or, when it
    // never appears, once our own child has exited and no pidfile shows up.
    const timer = setInterval(() => {
      const pid = readPid(pidfile);
      if (pid !== null && alive(pid)) {
        sawTarget = true;
        return;
      }
      if (sawTarget || (childExit !== null && pid === null)) {
        clearInterval(timer);
        resolve(sawTarget ? 0 : (childExit ?? 0));
      }
    }, POLL_MS);
  });
}
