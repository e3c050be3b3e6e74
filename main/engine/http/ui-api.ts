/**
 * The browser host of the UI: serves the built renderer at `/` (strict CSP) and its JSON API under
 * `/api/…`, with live pushes as server-sent events. Mount it on the engine's HTTP server after
 * authentication: `server.addHandler(createUiHandler(facade, { staticDir }))`.
 *
 * Routes (all JSON; errors are `{faultName, code, message}` with a 4xx/5xx status):
 *   GET  /api/snapshot                      Snapshot
 *   GET  /api/events                        SSE: `snapshot` first, then `process`, `supervisor`, `group`
 *   GET  /api/config                        ConfigView
 *   GET  /api/config-status                 ConfigStatus (the host's, else the last failed re-read)
 *   POST /api/reload/preview                ReloadPreview
 *   POST /api/reload/apply                  ReloadResult
 *   POST /api/processes/:namespec/:action   start|stop|restart|signal|clear-logs  (body {signal})
 *   GET  /api/processes/:namespec/history   StateTransition[]
 *   POST /api/groups/:group/:action         start|stop|restart|signal
 *   POST /api/all/:action                   start|stop|restart|signal|clear-logs
 *   GET  /api/log?name&stream&offset&length LogSlice (stream: stdout|stderr|main)
 *   GET  /api/log-search?name&stream&q     LogSearchResult (whole log, case-insensitive)
 *   GET  /api/log-events?name&stream        SSE: `tick` (LogTick) on growth/rotation
 *   GET  /api/stats                         StatsSample
 *   GET  /api/stats-events                  SSE: `stats` about once a second
 * POSTs must be `application/json` and same-origin (Origin, when sent, must match Host).
 */
import { promises as fsp } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import type { SupervisorFacade } from '../facade.js';
import { SupervisorError, type FaultName } from '../model/faults.js';
import type { EngineEvent } from '../model/types.js';
import { readLogSlice, requireLogPath, searchLog, watchLog } from './log-files.js';
import { applyDiff, configView, previewReload as previewRereadFn } from './reload.js';
import { StatsSampler } from './stats.js';
import type { BridgeError, ConfigStatus, ReloadPreview, ReloadResult, Snapshot } from './wire.js';
import { MAX_LOG_READ } from './wire.js';

/** Returns true when it handled (answered) the request. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface UiHandler extends HttpHandler {
  /** Detaches from the facade and ends every open event stream. */
  close(): void;
  /** Number of open event streams (for tests). */
  readonly streams: number;
  readonly sampler: StatsSampler;
}

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
  "frame-ancestors 'none'; form-action 'self'";

/** Content types of the built renderer's files (both hosts serve them). */
export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

// Names: printable, no path tricks; supervisord names cannot contain ':' except as group:name.
const nameSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'control characters');
const signalSchema = z
  .string()
  .regex(/^[A-Za-z0-9]{1,16}$/, 'signal name or number')
  .or(z.number().int().min(1).max(64).transform(String));
const streamSchema = z.enum(['stdout', 'stderr', 'main']);
const logQuery = z.object({
  name: z.string().max(512).default(''),
  stream: streamSchema,
  offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  length: z.coerce.number().int().min(0).max(MAX_LOG_READ),
});
const logSearchQuery = z.object({
  name: z.string().max(512).default(''),
  stream: streamSchema,
  q: z.string().min(1).max(1024),
});
const logEventsQuery = z.object({ name: z.string().max(512).default(''), stream: streamSchema });
const signalBody = z.object({ signal: signalSchema });
const processAction = z.enum(['start', 'stop', 'restart', 'signal', 'clear-logs']);
const groupAction = z.enum(['start', 'stop', 'restart', 'signal']);

const STATUS: Partial<Record<FaultName, number>> = {
  BAD_NAME: 404,
  NO_FILE: 404,
  BAD_ARGUMENTS: 400,
  INCORRECT_PARAMETERS: 400,
  BAD_SIGNAL: 400,
  UNKNOWN_METHOD: 404,
  FAILED: 500,
  SPAWN_ERROR: 500,
  ABNORMAL_TERMINATION: 500,
  CANT_REREAD: 422,
};

class HttpFault extends Error {
  constructor(
    readonly status: number,
    readonly body: BridgeError,
  ) {
    super(body.message);
  }
}

function toBridgeError(err: unknown): { status: number; body: BridgeError } {
  if (err instanceof HttpFault) return { status: err.status, body: err.body };
  if (err instanceof SupervisorError) {
    return {
      status: STATUS[err.faultName] ?? 409,
      body: { faultName: err.faultName, code: err.code, message: err.message },
    };
  }
  if (err instanceof z.ZodError) {
    const msg = err.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    return {
      status: 400,
      body: { faultName: 'BAD_ARGUMENTS', code: 3, message: `BAD_ARGUMENTS: ${msg}` },
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { faultName: 'FAILED', code: 30, message: `FAILED: ${message}` } };
}

function badArgs(message: string, status = 400): HttpFault {
  return new HttpFault(status, {
    faultName: 'BAD_ARGUMENTS',
    code: 3,
    message: `BAD_ARGUMENTS: ${message}`,
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw badArgs('request body too large', 413);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badArgs('body is not JSON');
  }
}

/** supervisorctl-style restart: stop unless already stopped, then start. */
async function restartOne(facade: SupervisorFacade, namespec: string): Promise<true> {
  try {
    await facade.stopProcess(namespec, true);
  } catch (err) {
    if (!(err instanceof SupervisorError && err.faultName === 'NOT_RUNNING')) throw err;
  }
  await facade.startProcess(namespec, true);
  return true;
}

export interface UiHandlerOptions {
  /** The built renderer (index.html and assets/). */
  staticDir: string;
  /**
   * The host's own config status (e.g. the desktop host running on a fallback config after a
   * start-up config error). When it reports an error, that error wins over the handler's record.
   */
  configStatus?: () => ConfigStatus;
}

/** What the process view paints first: every process, with the push sequence it is current to. */
export function snapshotOf(facade: SupervisorFacade, seq: number): Snapshot {
  return {
    seq,
    identification: facade.getIdentification(),
    state: facade.getState(),
    pid: facade.getPID(),
    processes: facade.getAllProcessInfo(),
    groups: facade.getConfig().groups.map((g) => g.name),
  };
}

export function createUiHandler(facade: SupervisorFacade, opts: UiHandlerOptions): UiHandler {
  const staticRoot = path.resolve(opts.staticDir);
  const sampler = new StatsSampler(facade);
  let seq = 0;
  interface Stream {
    res: ServerResponse;
    cleanups: (() => void)[];
    close(): void;
  }
  const stateStreams = new Set<Stream>();
  const otherStreams = new Set<Stream>();

  const write = (s: Stream, event: string, data: unknown): void => {
    // A client too slow to drain 8 MB is dropped; EventSource reconnects and gets a new snapshot.
    if (s.res.writableLength > 8 * 1024 * 1024) {
      s.close();
      return;
    }
    s.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  const onEvent = (ev: EngineEvent): void => {
    try {
      if (ev.type === 'process-state') {
        seq++;
        const t = ev.transition;
        const info = facade.getProcessInfo(`${t.group}:${t.name}`);
        for (const s of stateStreams) write(s, 'process', { seq, transition: t, info });
      } else if (ev.type === 'supervisor-state') {
        seq++;
        for (const s of stateStreams) write(s, 'supervisor', { seq, state: ev.state });
      } else if (ev.type === 'process-group') {
        seq++;
        for (const s of stateStreams)
          write(s, 'group', { seq, action: ev.action, group: ev.group });
        broadcastSnapshot();
      }
    } catch {
      // a listener must not throw (the process may be gone by now)
    }
  };
  const unsubscribe = facade.subscribe(onEvent);

  const snapshot = (): Snapshot => snapshotOf(facade, seq);

  /** The process set changed (reload): every state stream gets a fresh snapshot. */
  const broadcastSnapshot = (): void => {
    if (stateStreams.size === 0) return;
    const snap = snapshot();
    for (const s of stateStreams) write(s, 'snapshot', snap);
  };

  const openStream = (req: IncomingMessage, res: ServerResponse, set: Set<Stream>): Stream => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    res.write('retry: 1000\n\n');
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    heartbeat.unref();
    const stream: Stream = {
      res,
      cleanups: [],
      close() {
        if (!set.delete(stream)) return;
        clearInterval(heartbeat);
        for (const c of stream.cleanups) c();
        res.end();
      },
    };
    set.add(stream);
    req.on('close', () => stream.close());
    res.on('error', () => stream.close());
    return stream;
  };

  /** The last re-read through this API: its CANT_REREAD text, or null once one succeeded. */
  let lastReread: { error: string; at: number } | null = null;
  /** `facade.reloadConfig()`, recording the outcome for `/api/config-status`. */
  const reread = (): ReturnType<SupervisorFacade['reloadConfig']> => {
    try {
      const diff = facade.reloadConfig();
      lastReread = null;
      return diff;
    } catch (err) {
      if (err instanceof SupervisorError && err.faultName === 'CANT_REREAD') {
        lastReread = { error: err.message, at: Date.now() };
      }
      throw err;
    }
  };

  const configStatus = (): ConfigStatus => {
    const host = opts.configStatus?.();
    if (host && host.error !== null) return host;
    if (lastReread) return { error: lastReread.error, fallback: false, at: lastReread.at };
    return { error: null, fallback: host?.fallback ?? false, at: null };
  };

  const previewReload = (): ReloadPreview => previewRereadFn(reread);

  /** What `supervisorctl update` does (changed groups updated in place where possible). */
  const applyReload = async (): Promise<ReloadResult> => {
    const result = await applyDiff(facade, reread());
    broadcastSnapshot();
    return result;
  };

  const api = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    parts: string[],
  ): Promise<void> => {
    const method = req.method ?? 'GET';
    const q = Object.fromEntries(url.searchParams);
    const route = parts.join('/');
    if (method === 'GET') {
      if (route === 'snapshot') return sendJson(res, 200, snapshot());
      if (route === 'events') {
        // Snapshot and registration in one synchronous step: no event can fall in between.
        const s = openStream(req, res, stateStreams);
        write(s, 'snapshot', snapshot());
        return;
      }
      if (route === 'config') return sendJson(res, 200, configView(facade));
      if (route === 'config-status') return sendJson(res, 200, configStatus());
      if (route === 'stats') return sendJson(res, 200, await sampler.sample());
      if (route === 'stats-events') {
        const s = openStream(req, res, otherStreams);
        s.cleanups.push(sampler.subscribe((sample) => write(s, 'stats', sample)));
        return;
      }
      if (route === 'log') {
        const p = logQuery.parse(q);
        const name = p.stream === 'main' ? '' : nameSchema.parse(p.name);
        const file = requireLogPath(facade, name, p.stream);
        return sendJson(res, 200, await readLogSlice(file, p.offset, p.length));
      }
      if (route === 'log-search') {
        const p = logSearchQuery.parse(q);
        const name = p.stream === 'main' ? '' : nameSchema.parse(p.name);
        const file = requireLogPath(facade, name, p.stream);
        return sendJson(res, 200, await searchLog(file, p.q));
      }
      if (route === 'log-events') {
        const p = logEventsQuery.parse(q);
        const name = p.stream === 'main' ? '' : nameSchema.parse(p.name);
        const file = requireLogPath(facade, name, p.stream);
        const s = openStream(req, res, otherStreams);
        s.cleanups.push(watchLog(file, name, p.stream, (tick) => write(s, 'tick', tick)));
        return;
      }
      if (parts[0] === 'processes' && parts.length === 3 && parts[2] === 'history') {
        return sendJson(res, 200, facade.getProcessHistory(nameSchema.parse(parts[1])));
      }
      throw new HttpFault(404, {
        faultName: 'UNKNOWN_METHOD',
        code: 1,
        message: `UNKNOWN_METHOD: GET /api/${route}`,
      });
    }
    if (method !== 'POST') {
      throw new HttpFault(405, {
        faultName: 'UNKNOWN_METHOD',
        code: 1,
        message: `UNKNOWN_METHOD: ${method}`,
      });
    }
    // CSRF: a cross-site form cannot send application/json without a preflight we never allow.
    const ctype = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (ctype !== 'application/json') throw badArgs('content-type must be application/json', 415);
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let host = '';
      try {
        host = new URL(origin).host;
      } catch {
        host = '';
      }
      if (host !== req.headers.host) throw badArgs('cross-origin request refused', 403);
    } else if (origin === 'null') throw badArgs('cross-origin request refused', 403);
    const body = await readBody(req);

    if (route === 'reload/preview') return sendJson(res, 200, previewReload());
    if (route === 'reload/apply') return sendJson(res, 200, await applyReload());
    if (parts[0] === 'processes' && parts.length === 3) {
      // One process per call here (`group:*` goes through /api/groups).
      const name = nameSchema.refine((n) => !n.endsWith(':*'), 'use /api/groups').parse(parts[1]);
      const action = processAction.parse(parts[2]);
      switch (action) {
        case 'start':
          await facade.startProcess(name, true);
          return sendJson(res, 200, true);
        case 'stop':
          await facade.stopProcess(name, true);
          return sendJson(res, 200, true);
        case 'restart':
          return sendJson(res, 200, await restartOne(facade, name));
        case 'signal':
          facade.signalProcess(name, signalBody.parse(body).signal);
          return sendJson(res, 200, true);
        case 'clear-logs':
          return sendJson(res, 200, facade.clearProcessLogs(name));
      }
    }
    if (parts[0] === 'groups' && parts.length === 3) {
      const name = nameSchema.parse(parts[1]);
      const action = groupAction.parse(parts[2]);
      switch (action) {
        case 'start':
          return sendJson(res, 200, await facade.startProcessGroup(name, true));
        case 'stop':
          return sendJson(res, 200, await facade.stopProcessGroup(name, true));
        case 'restart': {
          await facade.stopProcessGroup(name, true);
          return sendJson(res, 200, await facade.startProcessGroup(name, true));
        }
        case 'signal':
          return sendJson(res, 200, facade.signalProcessGroup(name, signalBody.parse(body).signal));
      }
    }
    if (parts[0] === 'all' && parts.length === 2) {
      const action = processAction.parse(parts[1]);
      switch (action) {
        case 'start':
          return sendJson(res, 200, await facade.startAllProcesses(true));
        case 'stop':
          return sendJson(res, 200, await facade.stopAllProcesses(true));
        case 'restart': {
          await facade.stopAllProcesses(true);
          return sendJson(res, 200, await facade.startAllProcesses(true));
        }
        case 'signal':
          return sendJson(res, 200, facade.signalAllProcesses(signalBody.parse(body).signal));
        case 'clear-logs':
          return sendJson(res, 200, facade.clearAllProcessLogs());
      }
    }
    throw new HttpFault(404, {
      faultName: 'UNKNOWN_METHOD',
      code: 1,
      message: `UNKNOWN_METHOD: POST /api/${route}`,
    });
  };

  const serveStatic = async (
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<boolean> => {
    const rel = pathname === '/' ? 'index.html' : pathname.slice(1);
    let decoded: string;
    try {
      decoded = decodeURIComponent(rel);
    } catch {
      return false;
    }
    if (decoded.includes('\0')) return false;
    const file = path.resolve(staticRoot, decoded);
    if (file !== staticRoot && !file.startsWith(staticRoot + path.sep)) return false;
    let data: Buffer;
    try {
      const st = await fsp.stat(file);
      if (!st.isFile()) return false;
      data = await fsp.readFile(file);
    } catch {
      return false;
    }
    const ext = path.extname(file).toLowerCase();
    res.writeHead(200, {
      'content-type': MIME[ext] ?? 'application/octet-stream',
      'content-length': data.length,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': ext === '.html' ? 'no-cache' : 'public, max-age=3600',
    });
    res.end(req.method === 'HEAD' ? undefined : data);
    return true;
  };

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return false;
    }
    const pathname = url.pathname;
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      const parts = pathname
        .slice(5)
        .split('/')
        .filter((p) => p !== '')
        .map((p) => {
          try {
            return decodeURIComponent(p);
          } catch {
            return '\u0000';
          }
        });
      try {
        await api(req, res, url, parts);
      } catch (err) {
        const { status, body } = toBridgeError(err);
        if (!res.headersSent) sendJson(res, status, body);
        else res.end();
      }
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    return serveStatic(req, res, pathname);
  };

  const ui = handler as unknown as UiHandler;
  Object.defineProperty(ui, 'streams', { get: () => stateStreams.size + otherStreams.size });
  Object.defineProperty(ui, 'sampler', { value: sampler });
  ui.close = () => {
    unsubscribe();
    for (const s of [...stateStreams, ...otherStreams]) s.close();
  };
  return ui;
}
