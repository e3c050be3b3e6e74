/** DataSource over the Electron preload bridge (`window.paddock`). */
import type { SupervisorBridge, ProcessStateEvent, Unsubscribe } from '../../preload/contract.js';
import type { DataSource, StateHandlers } from './data-source.js';
import { toSourceError } from './data-source.js';

function wrap<A extends unknown[], R>(fn: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
  return async (...a: A) => {
    try {
      return await fn(...a);
    } catch (err) {
      throw toSourceError(err);
    }
  };
}

export function createBridgeSource(bridge: SupervisorBridge): DataSource {
  const b = bridge;
  return {
    kind: 'electron',
    subscribeState(h: StateHandlers): Unsubscribe {
      // Subscribe first and buffer, then load the snapshot, then replay what is newer.
      let snapshotSeq: number | null = null;
      const buffered: ProcessStateEvent[] = [];
      let closed = false;
      const offs: Unsubscribe[] = [];
      offs.push(
        b.onProcessState((ev) => {
          if (snapshotSeq === null) buffered.push(ev);
          else if (ev.seq > snapshotSeq) h.onProcessState(ev);
        }),
      );
      offs.push(
        b.onSupervisorState((ev) => {
          if (snapshotSeq !== null && ev.seq > snapshotSeq) h.onSupervisorState?.(ev);
        }),
      );
      const reload = (): void => {
        void b.getSnapshot().then(
          (snap) => {
            if (closed) return;
            snapshotSeq = snap.seq;
            h.onSnapshot(snap);
            for (const ev of buffered.splice(0)) if (ev.seq > snap.seq) h.onProcessState(ev);
          },
          () => h.onDisconnect?.(),
        );
      };
      offs.push(
        b.onGroupChange((ev) => {
          h.onGroupChange?.(ev);
          reload();
        }),
      );
      reload();
      return () => {
        closed = true;
        for (const off of offs) off();
      };
    },
    getSnapshot: wrap(() => b.getSnapshot()),
    getConfigView: wrap(() => b.getConfigView()),
    previewReload: wrap(() => b.previewReload()),
    applyReload: wrap(() => b.applyReload()),
    getConfigStatus: wrap(() => b.getConfigStatus()),
    startProcess: wrap((n: string) => b.startProcess(n)),
    stopProcess: wrap((n: string) => b.stopProcess(n)),
    restartProcess: wrap((n: string) => b.restartProcess(n)),
    signalProcess: wrap((n: string, s: string) => b.signalProcess(n, s)),
    clearProcessLogs: wrap((n: string) => b.clearProcessLogs(n)),
    getHistory: wrap((n: string) => b.getHistory(n)),
    startGroup: wrap((g: string) => b.startGroup(g)),
    stopGroup: wrap((g: string) => b.stopGroup(g)),
    restartGroup: wrap((g: string) => b.restartGroup(g)),
    signalGroup: wrap((g: string, s: string) => b.signalGroup(g, s)),
    startAll: wrap(() => b.startAll()),
    stopAll: wrap(() => b.stopAll()),
    restartAll: wrap(() => b.restartAll()),
    signalAll: wrap((s: string) => b.signalAll(s)),
    clearAllLogs: wrap(() => b.clearAllLogs()),
    readLog: wrap((n: string, st, o: number, l: number) => b.readLog(n, st, o, l)),
    searchLog: wrap((n: string, st, q: string) => b.searchLog(n, st, q)),
    getStats: wrap(() => b.getStats()),
    onLog: (n, st, cb) => b.onLog(n, st, cb),
    onStats: (cb) => b.onStats(cb),
  };
}
