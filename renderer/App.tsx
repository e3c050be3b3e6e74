import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ProcessInfo, StateTransition } from '../main/engine/model/types.js';
import type {
  ConfigStatus,
  ConfigView,
  ReloadPreview,
  Snapshot,
  StatsSample,
} from '../preload/contract.js';
import { SourceError, type DataSource } from './api/data-source.js';
import { issueLocation, parseConfigIssues } from './model/config-issues.js';
import {
  effectiveTheme,
  readThemeChoice,
  toggleTheme,
  writeThemeChoice,
  type ThemeChoice,
} from './model/theme.js';
import { LogViewer } from './components/LogViewer.js';
import {
  parseDeepLink,
  resolveDeepLink,
  type DeepLink,
  type DeepLinkStream,
} from './model/deep-link.js';
import {
  actionsFor,
  badgeOf,
  describe,
  formatBytes,
  groupActions,
  groupProcesses,
  namespec,
  summary,
} from './model/process-model.js';
import { stateName } from '../main/engine/model/states.js';

type Tab = 'logs' | 'history' | 'config';

const darkQuery = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');
const SIGNALS = ['HUP', 'INT', 'TERM', 'KILL', 'USR1', 'USR2', 'QUIT'];

export function App({ source }: { source: DataSource }) {
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [connected, setConnected] = useState(false);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('logs');
  const [stats, setStats] = useState<StatsSample | null>(null);
  const [toast, setToast] = useState<string | null>(null);
  const [reload, setReload] = useState<ReloadPreview | null>(null);
  const [activity, setActivity] = useState(false);
  // Config errors: the last failed reload from this window, and the host's own status.
  const [reloadError, setReloadError] = useState<string | null>(null);
  const [hostStatus, setHostStatus] = useState<ConfigStatus | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [themeChoice, setThemeChoice] = useState<ThemeChoice>(() =>
    readThemeChoice(window.localStorage),
  );
  const [systemDark, setSystemDark] = useState(() => darkQuery().matches);
  const theme = effectiveTheme(themeChoice, systemDark);
  const [now, setNow] = useState(() => Date.now() / 1000);
  const filterRef = useRef<HTMLInputElement>(null);
  // Deep link (`#log=<namespec>`): from the shell (notification, tray) or a bookmark.
  const [link, setLink] = useState<DeepLink | null>(() => parseDeepLink(window.location.hash));
  const [linked, setLinked] = useState<{ ns: string; stream: DeepLinkStream; n: number } | null>(
    null,
  );

  useEffect(() => {
    const onHash = () => setLink(parseDeepLink(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (!link || !snap) return;
    const ns = resolveDeepLink(link.log, snap.processes);
    if (ns) {
      setSelected(ns);
      setTab('logs');
      setActivity(false);
      setLinked((l) => ({ ns, stream: link.stream ?? 'stdout', n: (l?.n ?? 0) + 1 }));
    } else setToast(`No program named ${link.log}`);
    setLink(null);
    // Consumed: clear the hash so the same link opened again is a change (hashchange fires).
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }, [link, snap]);

  useEffect(() => {
    if (!linked) return;
    document
      .querySelector(`[data-testid="proc-${CSS.escape(linked.ns)}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [linked]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const q = darkQuery();
    const onChange = () => setSystemDark(q.matches);
    q.addEventListener('change', onChange);
    return () => q.removeEventListener('change', onChange);
  }, []);

  const toggleThemeChoice = () => {
    const next = toggleTheme(themeChoice, systemDark);
    writeThemeChoice(window.localStorage, next);
    setThemeChoice(next);
  };

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now() / 1000), 1000);
    return () => clearInterval(t);
  }, []);

  // Live state: snapshot first, then events.
  useEffect(
    () =>
      source.subscribeState({
        onSnapshot: (s) => {
          setSnap(s);
          setConnected(true);
        },
        onProcessState: (ev) =>
          setSnap((s) => {
            if (!s || ev.seq <= s.seq) return s;
            const key = namespec(ev.info);
            const exists = s.processes.some((p) => namespec(p) === key);
            const processes = exists
              ? s.processes.map((p) => (namespec(p) === key ? ev.info : p))
              : [...s.processes, ev.info];
            return { ...s, seq: ev.seq, processes };
          }),
        onDisconnect: () => setConnected(false),
      }),
    [source],
  );

  useEffect(() => source.onStats(setStats), [source]);

  // The host's config status: on load, when the process set or daemon state changes (a reload
  // from the tray or supervisorctl), and whenever the window comes back into view.
  const refreshConfigStatus = useCallback(() => {
    void source.getConfigStatus().then(setHostStatus, () => undefined);
  }, [source]);
  useEffect(() => {
    refreshConfigStatus();
    const onVisible = () => {
      if (document.visibilityState === 'visible') refreshConfigStatus();
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', refreshConfigStatus);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', refreshConfigStatus);
    };
  }, [refreshConfigStatus]);
  useEffect(refreshConfigStatus, [refreshConfigStatus, snap?.groups, snap?.state.statename]);

  const previewReload = useCallback(async () => {
    try {
      const p = await source.previewReload();
      setReloadError(p.error);
      setReload(p);
    } catch (e) {
      setToast(String(e instanceof Error ? e.message : e));
    }
    refreshConfigStatus();
  }, [source, refreshConfigStatus]);

  const applyReload = useCallback(async () => {
    try {
      const r = await source.applyReload();
      setReloadError(null);
      const failed = r.actions.filter((a) => a.error !== null);
      setToast(
        failed.length
          ? failed.map((a) => `${a.group}: ${a.error ?? ''}`).join('; ')
          : `reload: ${r.actions.length} group(s) updated`,
      );
    } catch (e) {
      if (e instanceof SourceError && e.faultName === 'CANT_REREAD') setReloadError(e.message);
      else setToast(`reload: ${e instanceof Error ? e.message : String(e)}`);
    }
    refreshConfigStatus();
  }, [source, refreshConfigStatus]);

  const configError = reloadError ?? hostStatus?.error ?? null;

  const skew = useMemo(() => {
    const p = snap?.processes[0];
    return p ? p.now - Date.now() / 1000 : 0;
  }, [snap?.seq]);

  const groups = useMemo(
    () => (snap ? groupProcesses(snap.processes, snap.groups, filter) : []),
    [snap, filter],
  );
  const flat = useMemo(() => groups.flatMap((g) => g.processes), [groups]);
  const selectedInfo = snap?.processes.find((p) => namespec(p) === selected) ?? null;

  const run = useCallback(async (what: string, fn: () => Promise<unknown>) => {
    try {
      const r = await fn();
      if (Array.isArray(r)) {
        const failed = (r as { name: string; status: number; description: string }[]).filter(
          (x) => x.status !== 80,
        );
        setToast(
          failed.length
            ? failed.map((f) => `${f.name}: ${f.description}`).join('; ')
            : `${what}: OK`,
        );
      } else setToast(`${what}: OK`);
    } catch (e) {
      setToast(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, []);

  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), 4000);
    return () => clearTimeout(t);
  }, [toast]);

  // Keyboard shortcuts.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.tagName === 'INPUT' || target.tagName === 'SELECT') {
        if (e.key === 'Escape') target.blur();
        return;
      }
      const idx = flat.findIndex((p) => namespec(p) === selected);
      const sel = selectedInfo;
      if (e.key === '/') {
        e.preventDefault();
        filterRef.current?.focus();
      } else if (e.key === 'j' || e.key === 'ArrowDown') {
        const n = flat[Math.min(flat.length - 1, idx + 1)];
        if (n) setSelected(namespec(n));
      } else if (e.key === 'k' || e.key === 'ArrowUp') {
        const n = flat[Math.max(0, idx - 1)];
        if (n) setSelected(namespec(n));
      } else if (sel && e.key === 's' && actionsFor(sel.statename).start) {
        void run(`start ${namespec(sel)}`, () => source.startProcess(namespec(sel)));
      } else if (sel && e.key === 'x' && actionsFor(sel.statename).stop) {
        void run(`stop ${namespec(sel)}`, () => source.stopProcess(namespec(sel)));
      } else if (sel && e.key === 'r' && actionsFor(sel.statename).restart) {
        void run(`restart ${namespec(sel)}`, () => source.restartProcess(namespec(sel)));
      } else if (e.key === 'l') setTab('logs');
      else if (e.key === 'h') setTab('history');
      else if (e.key === 'c') setTab('config');
      else if (e.key === 'Escape') {
        setReload(null);
        setActivity(false);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flat, selected, selectedInfo, run, source]);

  const counts = snap ? summary(snap.processes) : null;
  const statsOf = (p: ProcessInfo) => stats?.processes[namespec(p)];

  return (
    <div className="app">
      <header className="top">
        <div className="brand">
          <span className="logo">▚</span> Paddock
          <span className="ident">{snap?.identification}</span>
          <span
            className={`conn ${connected ? 'up' : 'down'}`}
            title={connected ? 'live' : 'disconnected'}
          >
            {connected ? `● ${snap?.state.statename ?? ''}` : '○ reconnecting'}
          </span>
        </div>
        {counts && (
          <div className="counts">
            <span className="tone-ok">{counts.ok} running</span>
            <span className="tone-warn">{counts.warn + counts.busy} changing/exited</span>
            <span className="tone-bad">{counts.bad} failed</span>
            <span className="tone-idle">{counts.idle} stopped</span>
          </div>
        )}
        <input
          ref={filterRef}
          className="filter"
          placeholder="Filter  ( / )"
          value={filter}
          data-testid="filter"
          onChange={(e) => setFilter(e.target.value)}
        />
        <div className="actions">
          <button onClick={() => void run('start all', () => source.startAll())}>Start all</button>
          <button onClick={() => void run('stop all', () => source.stopAll())}>Stop all</button>
          <button onClick={() => void run('restart all', () => source.restartAll())}>
            Restart all
          </button>
          <button data-testid="reload" onClick={() => void previewReload()}>
            Reload config…
          </button>
          <button onClick={() => setActivity((a) => !a)}>Activity log</button>
          <button
            onClick={toggleThemeChoice}
            data-testid="theme-toggle"
            title={`${theme === 'dark' ? 'Dark' : 'Light'} theme (${
              themeChoice === null ? 'following the system' : 'chosen'
            }): switch to ${theme === 'dark' ? 'light' : 'dark'}`}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
      </header>
      {configError !== null && configError !== dismissed && (
        <ConfigErrorBanner
          text={configError}
          fallback={reloadError === null && (hostStatus?.fallback ?? false)}
          onRetry={() => void previewReload()}
          onDismiss={() => setDismissed(configError)}
        />
      )}
      <main className="body">
        <section className="procs">
          {!snap && <div className="empty">Connecting…</div>}
          {groups.map((g) => {
            const ga = groupActions(g.processes.map((p) => p.statename));
            return (
              <div className="group" key={g.name} data-testid={`group-${g.name}`}>
                <div className="grouphead">
                  <span className="gname">{g.name}</span>
                  <span className="gcount">{g.processes.length}</span>
                  <span className="spacer" />
                  <button
                    disabled={!ga.start}
                    onClick={() => void run(`start ${g.name}`, () => source.startGroup(g.name))}
                  >
                    ▶
                  </button>
                  <button
                    disabled={!ga.stop}
                    onClick={() => void run(`stop ${g.name}`, () => source.stopGroup(g.name))}
                  >
                    ■
                  </button>
                  <button
                    disabled={!ga.restart}
                    onClick={() => void run(`restart ${g.name}`, () => source.restartGroup(g.name))}
                  >
                    ↻
                  </button>
                </div>
                {g.processes.map((p) => {
                  const ns = namespec(p);
                  const b = badgeOf(p.statename);
                  const a = actionsFor(p.statename);
                  const st = statsOf(p);
                  return (
                    <div
                      key={ns}
                      className={`proc ${selected === ns ? 'sel' : ''}`}
                      data-testid={`proc-${ns}`}
                      onClick={() => setSelected(ns)}
                    >
                      <span className={`badge tone-${b.tone}`} data-testid="badge">
                        {b.text}
                      </span>
                      <span className="pname">{p.group === p.name ? p.name : ns}</span>
                      <span className="pdesc">{describe(p, now, skew)}</span>
                      <span className="pstat">
                        {st && p.pid > 0 ? `${st.cpu.toFixed(1)}%` : ''}
                      </span>
                      <span className="pstat">{st && p.pid > 0 ? formatBytes(st.memory) : ''}</span>
                      {p.spawnerr && (
                        <span className="spawnerr" title={p.spawnerr}>
                          {p.spawnerr}
                        </span>
                      )}
                      <span className="pact" onClick={(e) => e.stopPropagation()}>
                        <button
                          data-testid="start"
                          disabled={!a.start}
                          onClick={() => void run(`start ${ns}`, () => source.startProcess(ns))}
                        >
                          Start
                        </button>
                        <button
                          data-testid="stop"
                          disabled={!a.stop}
                          onClick={() => void run(`stop ${ns}`, () => source.stopProcess(ns))}
                        >
                          Stop
                        </button>
                        <button
                          disabled={!a.restart}
                          onClick={() => void run(`restart ${ns}`, () => source.restartProcess(ns))}
                        >
                          Restart
                        </button>
                        <select
                          disabled={!a.signal}
                          value=""
                          onChange={(e) => {
                            const sig = e.target.value;
                            if (sig)
                              void run(`signal ${sig} ${ns}`, () => source.signalProcess(ns, sig));
                          }}
                        >
                          <option value="">Signal…</option>
                          {SIGNALS.map((s) => (
                            <option key={s} value={s}>
                              {s}
                            </option>
                          ))}
                        </select>
                        <button
                          onClick={() =>
                            void run(`clear log ${ns}`, () => source.clearProcessLogs(ns))
                          }
                        >
                          Clear log
                        </button>
                      </span>
                    </div>
                  );
                })}
              </div>
            );
          })}
          <div className="help">
            Keys: <kbd>/</kbd> filter · <kbd>j</kbd>/<kbd>k</kbd> select · <kbd>s</kbd> start ·{' '}
            <kbd>x</kbd> stop · <kbd>r</kbd> restart · <kbd>l</kbd>/<kbd>h</kbd>/<kbd>c</kbd>{' '}
            logs/history/config · <kbd>Esc</kbd> close
          </div>
        </section>
        <section className="detail">
          {activity ? (
            <>
              <div className="tabs">
                <span className="title">Activity log</span>
              </div>
              <LogViewer source={source} namespec="" mode="main" />
            </>
          ) : selectedInfo ? (
            <>
              <div className="tabs">
                <span className="title" data-testid="detail-title">
                  {namespec(selectedInfo)}
                </span>
                {(['logs', 'history', 'config'] as const).map((t) => (
                  <button
                    key={t}
                    className={tab === t ? 'on' : ''}
                    onClick={() => setTab(t)}
                    data-testid={`tab-${t}`}
                  >
                    {t}
                  </button>
                ))}
              </div>
              {tab === 'logs' && (
                <LogViewer
                  key={`${namespec(selectedInfo)}#${linked?.ns === selected ? linked.n : 0}`}
                  source={source}
                  namespec={namespec(selectedInfo)}
                  mode={linked?.ns === selected ? linked.stream : 'stdout'}
                />
              )}
              {tab === 'history' && (
                <History source={source} ns={namespec(selectedInfo)} seq={snap?.seq ?? 0} />
              )}
              {tab === 'config' && <ConfigPanel source={source} ns={namespec(selectedInfo)} />}
            </>
          ) : (
            <div className="empty">
              Select a process to see its logs, history and configuration.
            </div>
          )}
        </section>
      </main>
      {reload && (
        <ReloadDialog
          preview={reload}
          onClose={() => setReload(null)}
          onApply={() => {
            setReload(null);
            void applyReload();
          }}
        />
      )}
      {toast && (
        <div className="toast" role="status">
          {toast}
        </div>
      )}
    </div>
  );
}

function ConfigErrorBanner({
  text,
  fallback,
  onRetry,
  onDismiss,
}: {
  text: string;
  fallback: boolean;
  onRetry: () => void;
  onDismiss: () => void;
}) {
  const issues = parseConfigIssues(text);
  return (
    <div className="cfgbanner" role="alert" data-testid="config-error">
      <div className="cfghead">
        <strong>
          {fallback
            ? 'The configuration could not be loaded: running with no programs.'
            : 'The configuration has errors: the last reload was not applied.'}
        </strong>
        <span className="spacer" />
        <button onClick={onRetry} data-testid="config-error-retry">
          Reload again
        </button>
        <button onClick={onDismiss} title="Hide until the error changes">
          Dismiss
        </button>
      </div>
      <ul>
        {issues.map((i, n) => (
          <li key={n} data-testid="config-issue">
            {i.file !== null && <code className="loc">{issueLocation(i)}</code>}
            {i.section !== null && <span className="sect">[{i.section}]</span>}
            {i.option !== null && <span className="opt">{i.option}</span>}
            <span className="msg">{i.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function History({ source, ns, seq }: { source: DataSource; ns: string; seq: number }) {
  const [rows, setRows] = useState<StateTransition[]>([]);
  useEffect(() => {
    void source.getHistory(ns).then(setRows, () => setRows([]));
  }, [source, ns, seq]);
  return (
    <div className="history" data-testid="history">
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>From</th>
            <th>To</th>
            <th>pid</th>
            <th>Exit status</th>
          </tr>
        </thead>
        <tbody>
          {[...rows].reverse().map((t, i) => (
            <tr key={i}>
              <td>{new Date(t.at).toLocaleString()}</td>
              <td>
                <span className={`badge tone-${badgeOf(stateName(t.from)).tone}`}>
                  {stateName(t.from)}
                </span>
              </td>
              <td>
                <span className={`badge tone-${badgeOf(stateName(t.to)).tone}`}>
                  {stateName(t.to)}
                </span>
              </td>
              <td>{t.pid || ''}</td>
              <td>
                {t.exitstatus === null
                  ? ''
                  : `${t.exitstatus}${t.expected === false ? ' (unexpected)' : ''}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ConfigPanel({ source, ns }: { source: DataSource; ns: string }) {
  const [view, setView] = useState<ConfigView | null>(null);
  useEffect(() => {
    void source.getConfigView().then(setView, () => setView(null));
  }, [source]);
  const proc = view?.processes.find((p) => `${p.group}:${p.name}` === ns);
  return (
    <div className="config" data-testid="config">
      {view && (
        <div className="cfgfile">
          {view.configFile}
          {view.warnings.map((w) => (
            <div key={w} className="warn">
              ⚠ {w}
            </div>
          ))}
        </div>
      )}
      {proc && (
        <table>
          <tbody>
            <tr>
              <th>section</th>
              <td>[{proc.section}]</td>
              <td />
            </tr>
            {proc.values.map((v) => (
              <tr key={v.key} className={v.source ? 'set' : 'default'}>
                <th>{v.key}</th>
                <td>{v.value}</td>
                <td className="src">
                  {v.source ? `${v.source.file}:${v.source.line}` : 'default'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ReloadDialog({
  preview,
  onClose,
  onApply,
}: {
  preview: ReloadPreview;
  onClose: () => void;
  onApply: () => void;
}) {
  const d = preview.diff;
  const empty = d && d.added.length + d.changed.length + d.removed.length === 0;
  return (
    <div className="modal" role="dialog" data-testid="reload-dialog">
      <div className="card">
        <h2>Reload configuration</h2>
        {preview.error && <pre className="error">{preview.error}</pre>}
        {d && (
          <div className="diff">
            {empty && <p>No changes.</p>}
            {d.added.map((g) => (
              <div key={`a${g}`} className="added">
                + {g} <em>added</em>
              </div>
            ))}
            {d.changed.map((g) => (
              <div key={`c${g}`} className="changed">
                ~ {g} <em>changed (will restart)</em>
              </div>
            ))}
            {d.removed.map((g) => (
              <div key={`r${g}`} className="removed">
                − {g} <em>removed (will stop)</em>
              </div>
            ))}
          </div>
        )}
        <div className="buttons">
          <button onClick={onClose}>Cancel</button>
          <button
            className="primary"
            disabled={!d || !!empty}
            onClick={onApply}
            data-testid="apply-reload"
          >
            Apply
          </button>
        </div>
      </div>
    </div>
  );
}
