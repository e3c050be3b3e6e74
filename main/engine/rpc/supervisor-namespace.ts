/**
 * The `supervisor.*` XML-RPC namespace (supervisord's `rpcinterface.py`, API 3.0): each method
 * checks its arguments, refuses to run while the daemon is shutting down, and is a few lines over
 * the engine facade. Structs are built with supervisord's field order.
 */
import type { ConfigInfo, ResultStruct, SupervisorFacade } from '../facade.js';
import { SupervisorError } from '../model/faults.js';
import type { LogChannel, ProcessInfo } from '../model/types.js';
import { SUPERVISOR_DOCS } from './docstrings.js';
import { INT_MAX, INT_MIN, isStruct, type XmlRpcStruct, type XmlRpcValue } from './xmlrpc.js';

export const API_VERSION = '3.0';
/**
 * What `getSupervisorVersion` reports. We answer with the supervisord release whose API and
 * behaviour we reproduce (4.2.5, Debian's), so `supervisorctl version` prints the same thing
 * against Paddock as against the supervisord it replaces.
 */
export const SUPERVISOR_VERSION = '4.2.5';

/** How an argument is checked. */
export type ParamKind = 'string' | 'int' | 'boolean' | 'signal' | 'chars' | 'array';

export interface RpcMethod {
  /** Parameter kinds in order; the first `required` are mandatory. */
  params: readonly ParamKind[];
  required: number;
  /** The docstring (`system.methodHelp`). */
  doc: string;
  call(args: readonly XmlRpcValue[]): XmlRpcValue | Promise<XmlRpcValue>;
}

export type RpcNamespace = Record<string, RpcMethod>;

/** `int(value)` as supervisord applies it: an int, or a string holding one. */
function asInt(v: XmlRpcValue): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** Check arity and kinds; throw INCORRECT_PARAMETERS as supervisord does for a TypeError. */
export function checkArgs(
  name: string,
  method: Pick<RpcMethod, 'params' | 'required'>,
  args: readonly XmlRpcValue[],
): XmlRpcValue[] {
  if (args.length < method.required || args.length > method.params.length) {
    throw new SupervisorError('INCORRECT_PARAMETERS');
  }
  return args.map((a, i) => {
    const kind = method.params[i]!;
    const bad = (): never => {
      throw new SupervisorError(
        'INCORRECT_PARAMETERS',
        `${name}: argument ${i + 1} must be ${kind}`,
      );
    };
    switch (kind) {
      case 'string':
        if (typeof a === 'string') return a;
        if (Buffer.isBuffer(a)) return a.toString('utf8'); // base64 unmarshals to str in supervisord
        return bad();
      case 'int': {
        const n = asInt(a);
        return n === undefined ? bad() : n;
      }
      case 'boolean':
        if (typeof a === 'boolean') return a;
        if (typeof a === 'number') return a !== 0;
        return bad();
      case 'signal':
        if (typeof a === 'string' || (typeof a === 'number' && Number.isInteger(a))) return a;
        return bad();
      case 'chars':
        // sendProcessStdin checks this itself (INCORRECT_PARAMETERS with the value as text).
        return a;
      case 'array':
        return Array.isArray(a) ? a : bad();
    }
    return bad();
  });
}

/** Clamp a timestamp (seconds) into an XML-RPC int, as supervisord's `capped_int`. */
export function cappedInt(v: number): number {
  const i = Math.trunc(v);
  if (!Number.isFinite(i)) return 0;
  return Math.min(INT_MAX, Math.max(INT_MIN, i));
}

/** The process-info struct, field for field and in supervisord's order. */
export function processInfoStruct(p: ProcessInfo): XmlRpcStruct {
  return {
    name: p.name,
    group: p.group,
    start: cappedInt(p.start),
    stop: cappedInt(p.stop),
    now: cappedInt(p.now),
    state: p.state,
    statename: p.statename,
    spawnerr: p.spawnerr || '',
    exitstatus: p.exitstatus || 0,
    logfile: p.stdout_logfile || '',
    stdout_logfile: p.stdout_logfile || '',
    stderr_logfile: p.stderr_logfile || '',
    pid: p.pid || 0,
    description: p.description,
  };
}

export function resultStruct(r: ResultStruct): XmlRpcStruct {
  return { name: r.name, group: r.group, status: r.status, description: r.description };
}

function results(rs: readonly ResultStruct[]): XmlRpcValue[] {
  return rs.map(resultStruct);
}

function trueOrResults(v: true | ResultStruct[]): XmlRpcValue {
  return v === true ? true : results(v);
}

const none = <T>(v: T | null): T | 'none' => (v === null ? 'none' : v);

/**
 * supervisord 4.2.5's config-info struct: its keys, its order, `None` shown as `'none'`.
 * (4.2.5 does not include `autorestart`, so neither do we.)
 */
export function configInfoStruct(c: ConfigInfo): XmlRpcStruct {
  return {
    autostart: c.autostart,
    directory: none(c.directory),
    uid: none(c.uid),
    command: c.command,
    exitcodes: c.exitcodes,
    group: c.group,
    group_prio: c.group_prio,
    inuse: c.inuse,
    killasgroup: c.killasgroup,
    name: c.name,
    process_prio: c.process_prio,
    redirect_stderr: c.redirect_stderr,
    startretries: c.startretries,
    startsecs: c.startsecs,
    stdout_capture_maxbytes: c.stdout_capture_maxbytes,
    stdout_events_enabled: c.stdout_events_enabled,
    stdout_logfile: none(c.stdout_logfile),
    stdout_logfile_backups: c.stdout_logfile_backups,
    stdout_logfile_maxbytes: c.stdout_logfile_maxbytes,
    stdout_syslog: c.stdout_syslog,
    stopsignal: c.stopsignal,
    stopwaitsecs: c.stopwaitsecs,
    stderr_capture_maxbytes: c.stderr_capture_maxbytes,
    stderr_events_enabled: c.stderr_events_enabled,
    stderr_logfile: none(c.stderr_logfile),
    stderr_logfile_backups: c.stderr_logfile_backups,
    stderr_logfile_maxbytes: c.stderr_logfile_maxbytes,
    stderr_syslog: c.stderr_syslog,
    serverurl: none(c.serverurl),
  };
}

const str = (v: XmlRpcValue | undefined): string => v as string;
const int = (v: XmlRpcValue | undefined): number => v as number;
const bool = (v: XmlRpcValue | undefined, dflt: boolean): boolean =>
  v === undefined ? dflt : (v as boolean);
const sig = (v: XmlRpcValue | undefined): string | number => v as string | number;

/** Build the `supervisor.*` namespace over a facade. */
export function makeSupervisorNamespace(facade: SupervisorFacade): RpcNamespace {
  /** supervisord's `_update`: every call fails with SHUTDOWN_STATE once the mood is < RUNNING. */
  const update = (): void => {
    if (facade.getState().statecode < 1) throw new SupervisorError('SHUTDOWN_STATE');
  };
  const m = (
    name: string,
    params: readonly ParamKind[],
    required: number,
    call: (a: readonly XmlRpcValue[]) => XmlRpcValue | Promise<XmlRpcValue>,
    checkState = true,
  ): RpcMethod => ({
    params,
    required,
    doc: SUPERVISOR_DOCS[name] ?? 'None',
    call: (a) => {
      if (checkState) update();
      return call(a);
    },
  });
  const readLog = (channel: LogChannel) => (a: readonly XmlRpcValue[]) =>
    facade.readProcessLog(str(a[0]), channel, int(a[1]), int(a[2])).toString('utf8');
  const tailLog = (channel: LogChannel) => (a: readonly XmlRpcValue[]) => {
    const [data, offset, overflow] = facade.tailProcessLog(
      str(a[0]),
      channel,
      int(a[1]),
      int(a[2]),
    );
    return [data.toString('utf8'), cappedInt(offset), overflow];
  };

  const ns: RpcNamespace = {
    getAPIVersion: m('getAPIVersion', [], 0, () => API_VERSION),
    getSupervisorVersion: m('getSupervisorVersion', [], 0, () => SUPERVISOR_VERSION),
    getIdentification: m('getIdentification', [], 0, () => facade.getIdentification()),
    getState: m('getState', [], 0, () => {
      const s = facade.getState();
      return { statecode: s.statecode, statename: s.statename };
    }),
    getPID: m('getPID', [], 0, () => facade.getPID()),
    readLog: m('readLog', ['int', 'int'], 2, (a) =>
      facade.readMainLog(int(a[0]), int(a[1])).toString('utf8'),
    ),
    clearLog: m('clearLog', [], 0, () => facade.clearMainLog()),
    shutdown: m('shutdown', [], 0, () => facade.shutdown()),
    restart: m('restart', [], 0, () => facade.restart()),
    reloadConfig: m('reloadConfig', [], 0, () => {
      const d = facade.reloadConfig();
      return [[d.added, d.changed, d.removed]];
    }),
    addProcessGroup: m('addProcessGroup', ['string'], 1, (a) => facade.addProcessGroup(str(a[0]))),
    removeProcessGroup: m('removeProcessGroup', ['string'], 1, (a) =>
      facade.removeProcessGroup(str(a[0])),
    ),
    startProcess: m('startProcess', ['string', 'boolean'], 1, async (a) =>
      trueOrResults(await facade.startProcess(str(a[0]), bool(a[1], true))),
    ),
    startProcessGroup: m('startProcessGroup', ['string', 'boolean'], 1, async (a) =>
      results(await facade.startProcessGroup(str(a[0]), bool(a[1], true))),
    ),
    startAllProcesses: m('startAllProcesses', ['boolean'], 0, async (a) =>
      results(await facade.startAllProcesses(bool(a[0], true))),
    ),
    stopProcess: m('stopProcess', ['string', 'boolean'], 1, async (a) =>
      trueOrResults(await facade.stopProcess(str(a[0]), bool(a[1], true))),
    ),
    stopProcessGroup: m('stopProcessGroup', ['string', 'boolean'], 1, async (a) =>
      results(await facade.stopProcessGroup(str(a[0]), bool(a[1], true))),
    ),
    stopAllProcesses: m('stopAllProcesses', ['boolean'], 0, async (a) =>
      results(await facade.stopAllProcesses(bool(a[0], true))),
    ),
    signalProcess: m('signalProcess', ['string', 'signal'], 2, (a) =>
      trueOrResults(facade.signalProcess(str(a[0]), sig(a[1]))),
    ),
    signalProcessGroup: m('signalProcessGroup', ['string', 'signal'], 2, (a) =>
      results(facade.signalProcessGroup(str(a[0]), sig(a[1]))),
    ),
    signalAllProcesses: m('signalAllProcesses', ['signal'], 1, (a) =>
      results(facade.signalAllProcesses(sig(a[0]))),
    ),
    getAllConfigInfo: m('getAllConfigInfo', [], 0, () =>
      facade.getAllConfigInfo().map(configInfoStruct),
    ),
    getProcessInfo: m('getProcessInfo', ['string'], 1, (a) =>
      processInfoStruct(facade.getProcessInfo(str(a[0]))),
    ),
    getAllProcessInfo: m('getAllProcessInfo', [], 0, () =>
      facade.getAllProcessInfo().map(processInfoStruct),
    ),
    readProcessStdoutLog: m('readProcessStdoutLog', ['string', 'int', 'int'], 3, readLog('stdout')),
    readProcessStderrLog: m('readProcessStderrLog', ['string', 'int', 'int'], 3, readLog('stderr')),
    tailProcessStdoutLog: m('tailProcessStdoutLog', ['string', 'int', 'int'], 3, tailLog('stdout')),
    tailProcessStderrLog: m('tailProcessStderrLog', ['string', 'int', 'int'], 3, tailLog('stderr')),
    clearProcessLogs: m('clearProcessLogs', ['string'], 1, (a) =>
      facade.clearProcessLogs(str(a[0])),
    ),
    clearAllProcessLogs: m('clearAllProcessLogs', [], 0, () =>
      results(facade.clearAllProcessLogs()),
    ),
    sendProcessStdin: m('sendProcessStdin', ['string', 'chars'], 2, (a) => {
      const chars = a[1];
      if (typeof chars !== 'string' && !Buffer.isBuffer(chars)) {
        throw new SupervisorError('INCORRECT_PARAMETERS', describe(chars ?? null));
      }
      return facade.sendProcessStdin(str(a[0]), chars);
    }),
    // supervisord does not check its state for this one.
    sendRemoteCommEvent: m(
      'sendRemoteCommEvent',
      ['string', 'string'],
      2,
      (a) => facade.sendRemoteCommEvent(str(a[0]), str(a[1])),
      false,
    ),
  };
  // Backward-compatible aliases (they share the docstring, as in Python).
  ns['getVersion'] = ns['getAPIVersion']!;
  ns['readMainLog'] = ns['readLog']!;
  ns['readProcessLog'] = ns['readProcessStdoutLog']!;
  ns['tailProcessLog'] = ns['tailProcessStdoutLog']!;
  ns['clearProcessLog'] = ns['clearProcessLogs']!;
  return ns;
}

function describe(v: XmlRpcValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  if (isStruct(v)) return JSON.stringify(v);
  return String(v);
}
