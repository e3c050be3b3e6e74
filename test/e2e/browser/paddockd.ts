/**
 * Runs the built `paddockd` (`node bin/paddockd.js -n -c FILE`) as a real process for the browser
 * end-to-end tests, and makes sure that it and every child it started are gone afterwards.
 *
 * Every process of one run is recognised by an environment marker (`PADDOCK_E2E_TAG`) that the
 * daemon inherits from the test and passes on to its children and their descendants.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const PADDOCKD = path.join(ROOT, 'bin/paddockd.js');
export const STATIC = path.join(ROOT, 'out/renderer');
export const CHROMIUM = '/usr/bin/chromium';

/** The build (daemon and renderer) and Debian's Chromium are there. */
export function haveBuiltUi(): boolean {
  return (
    fs.existsSync(path.join(STATIC, 'index.html')) &&
    fs.existsSync(path.join(ROOT, 'out/main/engine/cli/paddockd.js')) &&
    fs.existsSync(CHROMIUM)
  );
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(
  what: string,
  fn: () => boolean | Promise<boolean>,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain GET from Node (no browser), optionally with HTTP Basic credentials. */
export function httpGet(
  url: string,
  auth?: { username: string; password: string },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (auth) {
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    }
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url}: timeout`)));
  });
}

/** Pids of live processes whose environment carries `PADDOCK_E2E_TAG=<tag>`. */
export function taggedPids(tag: string): number[] {
  const needle = `\0PADDOCK_E2E_TAG=${tag}\0`;
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    let env: string;
    try {
      env = `\0${fs.readFileSync(`/proc/${e}/environ`, 'latin1')}`;
      // A zombie has no environment left and is not running anything.
      if (/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${e}/stat`, 'latin1'))) continue;
    } catch {
      continue;
    }
    if (env.includes(needle)) out.push(Number(e));
  }
  return out;
}

export interface Daemon {
  proc: ChildProcess;
  base: string;
  port: number;
  tag: string;
  output(): string;
  /** SIGTERM, wait for the exit; SIGKILL what is left. Resolves with the pids that had to be killed. */
  stop(): Promise<number[]>;
}

/**
 * Starts `paddockd -n -c conf` and waits until its HTTP server answers (200, or 401 when it has
 * credentials). `port` must be the `[inet_http_server]` port written in `conf`.
 */
export async function startPaddockd(conf: string, port: number): Promise<Daemon> {
  const tag = randomBytes(8).toString('hex');
  const proc = spawn(process.execPath, [PADDOCKD, '-n', '-c', conf], {
    cwd: path.dirname(conf),
    env: { ...process.env, PADDOCK_E2E_TAG: tag },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let code: number | null | undefined;
  const exited = new Promise<void>((r) =>
    proc.on('exit', (c, sig) => {
      code = c ?? (sig ? -1 : null);
      r();
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const daemon: Daemon = {
    proc,
    base,
    port,
    tag,
    output: () => out,
    async stop() {
      if (code === undefined) proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (code === undefined) proc.kill('SIGKILL');
      // The daemon stops its children before it exits; anything still tagged is a leak.
      const left: number[] = [];
      try {
        await waitFor('children gone', () => taggedPids(tag).length === 0, 5_000);
      } catch {
        for (const pid of taggedPids(tag)) {
          left.push(pid);
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      return left;
    },
  };
  try {
    await waitFor(
      'paddockd HTTP server',
      async () => {
        if (code !== undefined) throw new Error(`paddockd exited (${code}):\n${out}`);
        try {
          const r = await httpGet(`${base}/`);
          return r.status === 200 || r.status === 401;
        } catch {
          return false;
        }
      },
      30_000,
    );
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  return daemon;
}
