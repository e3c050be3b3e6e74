/**
 * supervisord's HTTP server: one HTTP/1.1 implementation listening on the `[unix_http_server]`
 * socket and/or the `[inet_http_server]` port. HTTP Basic auth (plain or `{SHA}` passwords)
 * guards every route, including handlers added by other front ends (the web UI).
 *
 * Routes: `POST /RPC2` (XML-RPC), `GET /logtail/<namespec>[/stdout|stderr]` and
 * `GET /mainlogtail` (chunked `tail -f`, as supervisord's `tail_f_producer`), then the added
 * handlers, then 404.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  unlinkSync,
  watch,
  type FSWatcher,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { SupervisorFacade } from '../facade.js';
import { SupervisorError } from '../model/faults.js';
import type { Config, LogChannel } from '../model/types.js';
import { makePaddockNamespace } from './paddock-namespace.js';
import { RpcDispatcher } from './system-namespace.js';
import { parseMethodCall, serializeFault, serializeResponse, XmlRpcParseError } from './xmlrpc.js';

/** A route added by another front end; returns true when it handled the request. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface HttpServerOptions {
  facade: SupervisorFacade;
  config: Config;
  handlers?: HttpHandler[];
  /** Largest accepted request body (413 above). Default 16 MiB. */
  maxBodyBytes?: number;
  /** How often the unix socket's presence is checked (ms). Default 1000. */
  socketCheckMs?: number;
  /** How often a logtail stream polls its file (ms). Default 100, as supervisord. */
  tailPollMs?: number;
  /** Called with diagnostic messages (socket recreated, handler errors …). */
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

interface Credentials {
  username: string;
  password: string;
}

interface Listener {
  kind: 'unix' | 'inet';
  server: Server;
  creds: Credentials | null;
  /** For unix sockets: the path and the inode we created. */
  path?: string;
  ino?: number;
}

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

/** supervisord's `encrypted_dictionary_authorizer`. */
export function checkPassword(stored: string, given: string): boolean {
  let expected: Buffer;
  let actual: Buffer;
  if (stored.startsWith('{SHA}')) {
    expected = Buffer.from(stored.slice(5).toLowerCase());
    actual = Buffer.from(createHash('sha1').update(given, 'utf8').digest('hex'));
  } else {
    expected = Buffer.from(stored, 'utf8');
    actual = Buffer.from(given, 'utf8');
  }
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Resolve `user` or `user:group` (names or numbers) to ids, via /etc/passwd and /etc/group. */
export function resolveChown(spec: string): [number, number] {
  const [user, group] = spec.split(':', 2) as [string, string | undefined];
  const lookup = (file: string, name: string): string[] | undefined => {
    try {
      return readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.split(':'))
        .find((f) => f[0] === name);
    } catch {
      return undefined;
    }
  };
  let uid: number;
  let gid: number;
  if (/^\d+$/.test(user)) {
    uid = Number(user);
    gid = Number(lookupByUid(uid)?.[3] ?? -1);
  } else {
    const pw = lookup('/etc/passwd', user);
    if (!pw) throw new Error(`Invalid user name ${user}`);
    uid = Number(pw[2]);
    gid = Number(pw[3]);
  }
  if (group !== undefined) {
    if (/^\d+$/.test(group)) gid = Number(group);
    else {
      const gr = lookup('/etc/group', group);
      if (!gr) throw new Error(`Invalid group name ${group}`);
      gid = Number(gr[2]);
    }
  }
  return [uid, gid];
  function lookupByUid(id: number): string[] | undefined {
    try {
      return readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .map((l) => l.split(':'))
        .find((f) => f[2] === String(id));
    } catch {
      return undefined;
    }
  }
}

/** Is something answering on this unix socket? (supervisord's `checkused`.) */
function socketInUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s: Socket = connect(path);
    const done = (v: boolean): void => {
      s.destroy();
      resolve(v);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(2000, () => done(false));
  });
}

function listen(server: Server, target: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    const done = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (typeof target === 'string') server.listen(target, done);
    else if (target.host === '') server.listen(target.port, done);
    else server.listen(target.port, target.host, done);
  });
}

function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export class HttpServer {
  private readonly facade: SupervisorFacade;
  private readonly config: Config;
  private readonly handlers: HttpHandler[];
  private readonly dispatcher: RpcDispatcher;
  private readonly maxBody: number;
  private readonly opts: HttpServerOptions;
  private readonly listeners: Listener[] = [];
  private readonly tails = new Set<() => void>();
  private watchTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(opts: HttpServerOptions) {
    this.opts = opts;
    this.facade = opts.facade;
    this.config = opts.config;
    this.handlers = [...(opts.handlers ?? [])];
    this.dispatcher = new RpcDispatcher(opts.facade, {
      paddock: makePaddockNamespace(opts.facade),
    });
    this.maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  }

  addHandler(h: HttpHandler): void {
    this.handlers.push(h);
  }

  /** The TCP address actually bound (useful with port 0), or null. */
  inetAddress(): { host: string; port: number } | null {
    const l = this.listeners.find((x) => x.kind === 'inet');
    const a = l?.server.address();
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : null;
  }

  async start(): Promise<void> {
    const unix = this.config.unixHttpServer;
    const inet = this.config.inetHttpServer;
    if (unix) {
      const creds = unix.username
        ? { username: unix.username, password: unix.password ?? '' }
        : null;
      const l: Listener = { kind: 'unix', server: this.makeServer(creds), creds, path: unix.file };
      await this.bindUnix(l);
      this.listeners.push(l);
      this.watchTimer = setInterval(() => void this.checkSocket(), this.opts.socketCheckMs ?? 1000);
      this.watchTimer.unref();
    }
    if (inet) {
      const creds = inet.username
        ? { username: inet.username, password: inet.password ?? '' }
        : null;
      const l: Listener = { kind: 'inet', server: this.makeServer(creds), creds };
      await listen(l.server, { host: inet.host, port: inet.port });
      this.listeners.push(l);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watchTimer) clearInterval(this.watchTimer);
    for (const stop of [...this.tails]) stop();
    await Promise.all(
      this.listeners.map(
        (l) =>
          new Promise<void>((resolve) => {
            l.server.close(() => resolve());
            l.server.closeAllConnections();
          }),
      ),
    );
    for (const l of this.listeners) {
      if (l.path && l.ino !== undefined) this.unlinkIfOurs(l.path, l.ino);
    }
    this.listeners.length = 0;
  }

  private unlinkIfOurs(path: string, ino: number): void {
    try {
      if (lstatSync(path).ino === ino) unlinkSync(path);
    } catch {
      /* already gone */
    }
  }

  private async bindUnix(l: Listener): Promise<void> {
    const cfg = this.config.unixHttpServer!;
    const path = l.path!;
    if (existsSync(path)) {
      if (await socketInUse(path)) {
        const e = new Error(
          `Another program is already listening on ${path}`,
        ) as NodeJS.ErrnoException;
        e.code = 'EADDRINUSE';
        throw e;
      }
      this.opts.log?.('info', `Unlinking stale socket ${path}`);
      try {
        unlinkSync(path);
      } catch {
        /* raced away */
      }
    }
    await listen(l.server, path);
    chmodSync(path, cfg.chmod);
    if (cfg.chown) {
      const [uid, gid] = resolveChown(cfg.chown);
      try {
        chownSync(path, uid, gid);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === 'EPERM') {
          throw new Error(
            `Not permitted to chown ${path} to uid/gid ${uid}/${gid}; adjust "chown" in [unix_http_server]`,
          );
        }
        throw e;
      }
    }
    l.ino = lstatSync(path).ino;
  }

  /** Recreate the unix socket if someone deleted it under us (tmp cleaners, a stray rm). */
  private async checkSocket(): Promise<void> {
    for (const l of this.listeners) {
      if (this.closed || l.kind !== 'unix' || !l.path) continue;
      let gone = false;
      try {
        lstatSync(l.path);
      } catch (e) {
        gone = (e as NodeJS.ErrnoException).code === 'ENOENT';
      }
      if (!gone) continue;
      this.opts.log?.('warn', `socket ${l.path} was removed; recreating it`);
      const old = l.server;
      await new Promise<void>((resolve) => old.close(() => resolve()));
      if (this.closed) return;
      l.server = this.makeServer(l.creds);
      try {
        await this.bindUnix(l);
      } catch (e) {
        this.opts.log?.('error', `could not recreate ${l.path}: ${(e as Error).message}`);
      }
    }
  }

  private makeServer(creds: Credentials | null): Server {
    const server = createServer({ requireHostHeader: false }, (req, res) => {
      this.handle(req, res, creds).catch((e: unknown) => {
        this.opts.log?.('error', `HTTP handler error: ${(e as Error)?.stack ?? String(e)}`);
        if (!res.headersSent) this.error(res, 500);
        else res.destroy();
      });
    });
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    return server;
  }

  private error(res: ServerResponse, code: number, headers: Record<string, string> = {}): void {
    const reasons: Record<number, string> = {
      400: 'Bad Request',
      401: 'Unauthorized',
      404: 'Not Found',
      411: 'Length Required',
      413: 'Request Entity Too Large',
      500: 'Internal Server Error',
    };
    const reason = reasons[code] ?? 'Error';
    const body =
      `<html><head><title>Error response</title></head><body><h1>Error response</h1>` +
      `<p>Error code ${code}.</p><p>Message: ${reason}.</p></body></html>`;
    res.writeHead(code, reason, {
      'Content-Type': 'text/html',
      'Content-Length': String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
  }

  private authorized(
    req: IncomingMessage,
    res: ServerResponse,
    creds: Credentials | null,
  ): boolean {
    if (!creds) return true;
    const header = req.headers.authorization;
    const unauthorized = (): false => {
      req.resume();
      this.error(res, 401, { 'WWW-Authenticate': 'Basic realm="default"', Connection: 'close' });
      return false;
    };
    if (!header) return unauthorized();
    const m = /^(\S+)\s+(.*)$/.exec(header);
    if (!m || m[1]!.toLowerCase() !== 'basic') return unauthorized();
    const b64 = m[2]!.trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
      req.resume();
      this.error(res, 400, { Connection: 'close' });
      return false;
    }
    const decoded = Buffer.from(b64, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    const user = i === -1 ? decoded : decoded.slice(0, i);
    const pass = i === -1 ? '' : decoded.slice(i + 1);
    if (user === creds.username && i !== -1 && checkPassword(creds.password, pass)) return true;
    return unauthorized();
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    creds: Credentials | null,
  ): Promise<void> {
    if (!this.authorized(req, res, creds)) return;
    const url = req.url ?? '/';
    if (url.startsWith('/RPC2')) return this.handleRpc(req, res);
    if (url.startsWith('/logtail')) return this.handleLogtail(req, res);
    if (url.startsWith('/mainlogtail')) return this.handleMainLogtail(req, res);
    for (const h of this.handlers) {
      if (await h(req, res)) return;
    }
    req.resume();
    this.error(res, 404);
  }

  private readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
    return new Promise((resolve) => {
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) > this.maxBody) {
        this.error(res, 413, { Connection: 'close' });
        req.resume();
        resolve(null);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let tooBig = false;
      req.on('data', (c: Buffer) => {
        if (tooBig) return;
        size += c.length;
        if (size > this.maxBody) {
          tooBig = true;
          chunks.length = 0;
          this.error(res, 413, { Connection: 'close' });
          resolve(null);
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (!tooBig) resolve(Buffer.concat(chunks));
      });
      req.on('error', () => {
        if (!tooBig) resolve(null);
      });
      req.on('aborted', () => resolve(null));
    });
  }

  private async handleRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      req.resume();
      this.error(res, 400);
      return;
    }
    const body = await this.readBody(req, res);
    if (body === null) return;
    let call;
    try {
      call = parseMethodCall(body);
    } catch (e) {
      if (e instanceof XmlRpcParseError) {
        this.opts.log?.('error', `XML-RPC request data is invalid: ${e.message}`);
        this.error(res, 400);
        return;
      }
      throw e;
    }
    let xml: string;
    try {
      const value = await this.dispatcher.call(call.methodName, call.params);
      xml = serializeResponse(value);
    } catch (e) {
      if (e instanceof SupervisorError) {
        xml = serializeFault(e.code, e.faultString);
      } else {
        // supervisord answers 500 here; a fault tells the client what went wrong instead.
        this.opts.log?.(
          'error',
          `XML-RPC method ${call.methodName} raised: ${(e as Error)?.stack}`,
        );
        const msg = e instanceof Error ? `${e.name}:${e.message}` : String(e);
        xml = serializeFault(30, `FAILED: ${msg}`);
      }
    }
    if (res.destroyed) return;
    const out = Buffer.from(xml, 'utf8');
    res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': String(out.length) });
    res.end(out);
  }

  private handleLogtail(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    if (req.method !== 'GET') return this.error(res, 400);
    let path = (req.url ?? '').split('?')[0]!.split('#')[0]!;
    if (path.includes('%')) {
      try {
        path = decodeURIComponent(path);
      } catch {
        return this.error(res, 400);
      }
    }
    path = path.replace(/^\/+/, '');
    const slash = path.indexOf('/');
    if (slash === -1) return this.error(res, 404);
    const rest = path.slice(slash + 1);
    const cut = rest.indexOf('/');
    const namespec = cut === -1 ? rest : rest.slice(0, cut);
    const channel = cut === -1 ? 'stdout' : rest.slice(cut + 1);
    if (channel !== 'stdout' && channel !== 'stderr') return this.error(res, 404);
    let file: string | null;
    try {
      // A bare group name means group:group, a group:* is no process: both as split_namespec.
      file = this.facade.getProcessLogPath(namespec, channel as LogChannel);
    } catch (e) {
      if (e instanceof SupervisorError) return this.error(res, 404);
      throw e;
    }
    if (file === null || !existsSync(file)) return this.error(res, 404);
    this.streamTail(res, file, true);
  }

  private handleMainLogtail(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    if (req.method !== 'GET') return this.error(res, 400);
    const file = this.facade.getMainLogPath();
    if (file === null || !existsSync(file)) return this.error(res, 404);
    this.streamTail(res, file, false);
  }

  /** supervisord's `tail_f_producer`: the last 1024 bytes, then whatever is appended. */
  private streamTail(res: ServerResponse, file: string, accelHeader: boolean): void {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return this.error(res, 404);
    }
    const headers: Record<string, string> = {
      'Last-Modified': httpDate(statSync(file).mtimeMs),
      'Content-Type': 'text/plain;charset=utf-8',
    };
    if (accelHeader) headers['X-Accel-Buffering'] = 'no';
    res.writeHead(200, headers);
    let ino = fstatSync(fd).ino;
    let size = fstatSync(fd).size;
    let pos = size >= 1024 ? size - 1024 : 0;
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      watcher?.close();
      this.tails.delete(stop);
      try {
        closeSync(fd);
      } catch {
        /* closed */
      }
      if (!res.writableEnded) res.end();
    };
    const pump = (): void => {
      if (stopped) return;
      // follow rotation: the path now names another file
      try {
        const st = statSync(file);
        if (st.ino !== ino) {
          closeSync(fd);
          fd = openSync(file, 'r');
          ino = fstatSync(fd).ino;
          pos = 0;
        }
      } catch {
        /* unlinked: keep reading the old descriptor */
      }
      try {
        size = fstatSync(fd).size;
      } catch {
        stop();
        return;
      }
      if (size < pos) {
        pos = 0;
        res.write('==> File truncated <==\n');
        return;
      }
      if (res.writableNeedDrain) return; // slow reader: wait, never buffer unboundedly
      while (pos < size) {
        const buf = Buffer.alloc(Math.min(size - pos, 65536));
        const n = readSync(fd, buf, 0, buf.length, pos);
        if (n <= 0) break;
        pos += n;
        res.write(buf.subarray(0, n));
        if (res.writableNeedDrain) break;
      }
    };
    const timer = setInterval(pump, this.opts.tailPollMs ?? 100);
    // inotify wakes the stream as soon as bytes land (supervisord polls; the interval above
    // remains for rotation and filesystems without change notification).
    let watcher: FSWatcher | null = null;
    try {
      watcher = watch(file, { persistent: false }, () => pump());
      watcher.on('error', () => undefined);
    } catch {
      watcher = null;
    }
    this.tails.add(stop);
    res.on('close', stop);
    pump();
  }
}
