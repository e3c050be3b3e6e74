/**
 * DataSource over the engine's HTTP server (`main/engine/http/ui-api.ts`): JSON under `/api/…`,
 * live pushes as server-sent events. Same-origin, so the browser's HTTP basic auth applies.
 */
import type {
  BridgeError,
  ConfigStatus,
  LogStream,
  LogTick,
  ProcessStateEvent,
  Snapshot,
  StatsSample,
  SupervisorStateEvent,
  GroupChangeEvent,
  Unsubscribe,
} from '../../preload/contract.js';
import type { DataSource, StateHandlers } from './data-source.js';
import { SourceError } from './data-source.js';

const enc = encodeURIComponent;

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new SourceError({ faultName: 'FAILED', code: 30, message: String(err) });
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const e = parsed as Partial<BridgeError> | null;
    throw new SourceError({
      faultName: (e?.faultName ?? 'FAILED') as BridgeError['faultName'],
      code: (e?.code ?? 30) as BridgeError['code'],
      message: e?.message ?? `HTTP ${res.status}`,
    });
  }
  return parsed as T;
}

function listen(
  url: string,
  handlers: Record<string, (data: unknown) => void>,
  onError?: () => void,
): Unsubscribe {
  const es = new EventSource(url);
  for (const [name, fn] of Object.entries(handlers)) {
    es.addEventListener(name, (ev) => fn(JSON.parse((ev as MessageEvent<string>).data)));
  }
  if (onError) es.addEventListener('error', onError);
  return () => es.close();
}

export function createHttpSource(base = ''): DataSource {
  const get = <T>(p: string): Promise<T> => call<T>('GET', base + p);
  const post = <T>(p: string, body?: unknown): Promise<T> => call<T>('POST', base + p, body);
  return {
    kind: 'http',
    subscribeState(h: StateHandlers): Unsubscribe {
      // The server writes the snapshot as the first event of the stream, then live events.
      return listen(
        `${base}/api/events`,
        {
          snapshot: (d) => h.onSnapshot(d as Snapshot),
          process: (d) => h.onProcessState(d as ProcessStateEvent),
          supervisor: (d) => h.onSupervisorState?.(d as SupervisorStateEvent),
          group: (d) => h.onGroupChange?.(d as GroupChangeEvent),
        },
        () => h.onDisconnect?.(),
      );
    },
    getSnapshot: () => get('/api/snapshot'),
    getConfigView: () => get('/api/config'),
    previewReload: () => post('/api/reload/preview'),
    applyReload: () => post('/api/reload/apply'),
    getConfigStatus: () =>
      get<ConfigStatus>('/api/config-status').catch((e: unknown) => {
        // A daemon without the route answers UNKNOWN_METHOD: it cannot tell.
        if (e instanceof SourceError && e.faultName === 'UNKNOWN_METHOD') return null;
        throw e;
      }),
    startProcess: (n) => post(`/api/processes/${enc(n)}/start`),
    stopProcess: (n) => post(`/api/processes/${enc(n)}/stop`),
    restartProcess: (n) => post(`/api/processes/${enc(n)}/restart`),
    signalProcess: (n, signal) => post(`/api/processes/${enc(n)}/signal`, { signal }),
    clearProcessLogs: (n) => post(`/api/processes/${enc(n)}/clear-logs`),
    getHistory: (n) => get(`/api/processes/${enc(n)}/history`),
    startGroup: (g) => post(`/api/groups/${enc(g)}/start`),
    stopGroup: (g) => post(`/api/groups/${enc(g)}/stop`),
    restartGroup: (g) => post(`/api/groups/${enc(g)}/restart`),
    signalGroup: (g, signal) => post(`/api/groups/${enc(g)}/signal`, { signal }),
    startAll: () => post('/api/all/start'),
    stopAll: () => post('/api/all/stop'),
    restartAll: () => post('/api/all/restart'),
    signalAll: (signal) => post('/api/all/signal', { signal }),
    clearAllLogs: () => post('/api/all/clear-logs'),
    readLog: (n, stream, offset, length) =>
      get(`/api/log?name=${enc(n)}&stream=${stream}&offset=${offset}&length=${length}`),
    searchLog: (n, stream, q) => get(`/api/log-search?name=${enc(n)}&stream=${stream}&q=${enc(q)}`),
    getStats: () => get('/api/stats'),
    onLog(n: string, stream: LogStream, cb: (t: LogTick) => void): Unsubscribe {
      return listen(`${base}/api/log-events?name=${enc(n)}&stream=${stream}`, {
        tick: (d) => cb(d as LogTick),
      });
    },
    onStats(cb: (s: StatsSample) => void): Unsubscribe {
      return listen(`${base}/api/stats-events`, { stats: (d) => cb(d as StatsSample) });
    },
  };
}

/** Picks the Electron bridge when present, else the HTTP API of the page's origin. */
export async function defaultSource(): Promise<DataSource> {
  if (typeof window !== 'undefined' && window.paddock) {
    const { createBridgeSource } = await import('./bridge-source.js');
    return createBridgeSource(window.paddock);
  }
  return createHttpSource('');
}
