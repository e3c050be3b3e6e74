/**
 * Event-listener test helpers: the recording listeners (Python childutils and the TypeScript
 * helper), their records, and one driver over either an in-process Paddock or a real supervisord.
 */
import fs from 'node:fs';
import path from 'node:path';

import { build } from 'esbuild';

import { loadConfig } from '../../main/engine/config/load.js';
import { Supervisor } from '../../main/engine/supervisor.js';
import { NODE } from './config.js';
import { startDaemon, type RunningDaemon } from './daemon.js';
import { eventually } from './engine.js';

export const LISTENERS = path.resolve(import.meta.dirname, '../fixtures/listeners');
export const PYTHON = '/usr/bin/python3';
export const COMM = `${NODE} ${path.join(LISTENERS, 'comm.cjs')}`;

export interface ListenerRecord {
  headers: Record<string, string>;
  payload: string;
  result: 'OK' | 'FAIL' | 'DIE' | 'HELD';
  /** SUPERVISOR_PROCESS_NAME of the listener that recorded it. */
  who: string;
}

/** `python3 record.py <out> <mode>`: the childutils listener. */
export function pyListener(out: string, mode = 'ok'): string {
  return `${PYTHON} ${path.join(LISTENERS, 'record.py')} ${out} ${mode}`;
}

/** Bundle record.ts (with the TypeScript helper) into `dir`; returns a command builder. */
export async function tsListenerBuilder(
  dir: string,
): Promise<(out: string, mode?: string) => string> {
  const outfile = path.join(dir, 'record-ts.mjs');
  await build({
    entryPoints: [path.join(LISTENERS, 'record.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  return (out, mode = 'ok') => `${NODE} ${outfile} ${out} ${mode}`;
}

export function readRecords(file: string): ListenerRecord[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ListenerRecord);
}

/** Wait until the listener has recorded an event matching `eventname` (and `contains`) beyond index `from`. */
export async function waitRecord(
  file: string,
  eventname: string,
  contains = '',
  from = 0,
  timeoutMs = 30_000,
): Promise<ListenerRecord[]> {
  return eventually(
    () => {
      const r = readRecords(file);
      return r
        .slice(from)
        .some((x) => x.headers.eventname === eventname && x.payload.includes(contains))
        ? r
        : null;
    },
    `listener to receive ${eventname} ${contains} (file ${file}: ${JSON.stringify(readRecords(file).map((r) => r.headers.eventname))})`,
    timeoutMs,
  );
}

/**
 * Records as comparable text: pids masked; `len` shown as `ok` when it is the payload's length in
 * characters (Python's `len(str)`); everything else (serials, names, payload) kept.
 */
export function normalize(records: ListenerRecord[]): string[] {
  return records.map((r) => {
    const h = r.headers;
    const len = Number(h.len) === [...r.payload].length ? 'ok' : `BAD(${h.len})`;
    const head = `ver:${h.ver} server:${h.server} serial:${h.serial} pool:${h.pool} poolserial:${h.poolserial} eventname:${h.eventname} len:${len}`;
    return `${r.result} ${head}\n${r.payload.replace(/pid:\d+/g, 'pid:N')}`;
  });
}

/** The facade calls the scenarios make, on Paddock (in-process) or supervisord (XML-RPC). */
export interface Driver {
  kind: 'paddock' | 'supervisord';
  startProcess(name: string, wait: boolean): Promise<unknown>;
  stopProcess(name: string): Promise<unknown>;
  sendProcessStdin(name: string, data: string): Promise<unknown>;
  sendRemoteCommEvent(type: string, data: string): Promise<unknown>;
  removeProcessGroup(name: string): Promise<unknown>;
  addProcessGroup(name: string): Promise<unknown>;
  /** The activity log's text so far. */
  mainLog(): Promise<string>;
  stop(): Promise<void>;
}

export async function paddockDriver(confFile: string): Promise<Driver & { sup: Supervisor }> {
  const config = loadConfig(confFile);
  const sup = new Supervisor(config);
  await sup.start();
  return {
    kind: 'paddock',
    sup,
    startProcess: (n, w) => sup.startProcess(n, w),
    stopProcess: (n) => sup.stopProcess(n),
    sendProcessStdin: async (n, d) => sup.sendProcessStdin(n, d),
    sendRemoteCommEvent: async (t, d) => sup.sendRemoteCommEvent(t, d),
    removeProcessGroup: async (n) => sup.removeProcessGroup(n),
    addProcessGroup: async (n) => sup.addProcessGroup(n),
    async mainLog() {
      await sup.flushLogs();
      return fs.readFileSync(config.supervisord.logfile, 'utf8');
    },
    stop: () => sup.shutdownAndWait(),
  };
}

export async function supervisordDriver(
  confFile: string,
  socket: string,
): Promise<Driver & { daemon: RunningDaemon }> {
  const daemon = await startDaemon('supervisord', confFile, socket);
  const c = daemon.client;
  const logfile = path.join(path.dirname(confFile), 'daemon.log');
  return {
    kind: 'supervisord',
    daemon,
    startProcess: (n, w) => c.call('supervisor.startProcess', n, w),
    stopProcess: (n) => c.call('supervisor.stopProcess', n, true),
    sendProcessStdin: (n, d) => c.call('supervisor.sendProcessStdin', n, d),
    sendRemoteCommEvent: (t, d) => c.call('supervisor.sendRemoteCommEvent', t, d),
    removeProcessGroup: (n) => c.call('supervisor.removeProcessGroup', n),
    addProcessGroup: (n) => c.call('supervisor.addProcessGroup', n),
    mainLog: async () => fs.readFileSync(logfile, 'utf8'),
    async stop() {
      await daemon.stop();
    },
  };
}
