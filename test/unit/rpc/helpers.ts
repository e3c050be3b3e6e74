import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import type { Config } from '../../../main/engine/model/types.js';

/** A Config with only what the HTTP server reads filled in. */
export function serverConfig(opts: {
  socket?: string;
  inetPort?: number;
  username?: string;
  password?: string;
  chmod?: number;
}): Config {
  return {
    configFile: '/dev/null',
    files: [],
    supervisord: {} as Config['supervisord'],
    unixHttpServer: opts.socket
      ? {
          file: opts.socket,
          chmod: opts.chmod ?? 0o700,
          chown: null,
          username: opts.username ?? null,
          password: opts.password ?? null,
        }
      : null,
    inetHttpServer:
      opts.inetPort !== undefined
        ? {
            host: '127.0.0.1',
            port: opts.inetPort,
            username: opts.username ?? null,
            password: opts.password ?? null,
          }
        : null,
    supervisorctl: {
      serverurl: 'http://localhost:9001',
      username: null,
      password: null,
      prompt: 'supervisor',
      historyFile: null,
    },
    rpcinterfaces: { supervisor: 'supervisor.rpcinterface:make_main_rpcinterface' },
    groups: [],
    warnings: [],
  };
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request over a unix socket. */
export function raw(
  socketPath: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers }, (res) => {
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
    req.end(body);
  });
}

/** Poll `fn` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 15000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
