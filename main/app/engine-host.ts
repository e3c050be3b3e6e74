/**
 * The engine as the desktop app hosts it, with no Electron import (tested in plain Node):
 * loads the config (a broken config never crashes the app: the engine runs on an empty
 * fallback config and the error is reported), reaps children left by a crashed previous run
 * before starting anything, records live children for the next run, serves the config's
 * `[unix_http_server]` / `[inet_http_server]` (XML-RPC for supervisorctl, and the browser UI),
 * and shuts down in order.
 */
import { dirname } from 'node:path';
import { ConfigError, loadConfig, parseConfigText } from '../engine/config/load.js';
import { createUiHandler, type UiHandler } from '../engine/http/ui-api.js';
import { SupervisorError } from '../engine/model/faults.js';
import type { Config } from '../engine/model/types.js';
import { HttpServer } from '../engine/rpc/http-server.js';
import { Supervisor } from '../engine/supervisor.js';
import type { ConfigStatus, ReloadResult } from '../../preload/contract.js';
import { applyReload, previewReload } from '../ipc/handlers.js';
import {
  ChildRegistry,
  findOrphans,
  reapOrphans,
  type ReapReport,
} from '../engine/process/orphans.js';
import { namespecOf } from './tray-template.js';

export interface EngineHostOptions {
  configPath: string;
  /** Where the fallback engine writes its activity log when the config cannot be loaded. */
  fallbackLogDir: string;
  /** The live-children state file (orphan detection). */
  stateFile: string;
  /** The built renderer, served by the config's HTTP server (null: XML-RPC only). */
  rendererDir?: string | null;
  env?: NodeJS.ProcessEnv;
  /** Grace period between TERM and KILL for orphans. */
  reapGraceMs?: number;
  /** Debounce of the children state file writes. */
  recordDebounceMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** The outcome of "Reload config". */
export type ReloadOutcome =
  { ok: true; restarted: boolean; result: ReloadResult | null } | { ok: false; error: string };

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class EngineHost {
  /** The running engine (on the fallback config while `configError` is set at startup). */
  readonly sup: Supervisor;
  /** The last config load error, or null. */
  configError: string | null;
  /** When `configError` was seen (ms since the epoch). */
  private configErrorAt: number | null = null;
  /** True while running on the empty fallback config. */
  fallback: boolean;
  /** Children of a crashed previous run found at startup, and what was done with them. */
  readonly orphans: ReapReport[];
  /** The HTTP server's startup error (port taken …), or null. */
  serverError: string | null = null;

  private readonly registry: ChildRegistry;
  private server: HttpServer | null = null;
  private ui: UiHandler | null = null;
  private recordTimer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;

  private constructor(
    private readonly opts: EngineHostOptions,
    sup: Supervisor,
    configError: string | null,
    orphans: ReapReport[],
    registry: ChildRegistry,
  ) {
    this.sup = sup;
    this.configError = configError;
    this.configErrorAt = configError === null ? null : Date.now();
    this.fallback = configError !== null;
    this.orphans = orphans;
    this.registry = registry;
    this.unsubscribe = sup.subscribe((ev) => {
      if (ev.type === 'process-state' || ev.type === 'process-group') this.scheduleRecord();
    });
  }

  private loadOpts(): { env: Record<string, string | undefined>; cwd: string } {
    // A desktop app has no meaningful cwd: relative paths resolve against the config's directory.
    return { env: this.opts.env ?? process.env, cwd: dirname(this.opts.configPath) };
  }

  /** Reaps orphans, loads the config (or the fallback), starts the engine and its HTTP server. */
  static async start(opts: EngineHostOptions): Promise<EngineHost> {
    const log = opts.log ?? (() => undefined);
    const registry = new ChildRegistry(opts.stateFile);
    const previous = await registry.loadPrevious();
    const alive = await findOrphans(previous);
    const orphans =
      alive.length > 0 ? await reapOrphans(alive, { graceMs: opts.reapGraceMs ?? 5000 }) : [];
    for (const o of orphans)
      log(
        'warn',
        `stopped ${o.namespec} (pid ${o.pid}) left running by a previous session: ${o.outcome}`,
      );
    await registry.sync([]);

    const env = opts.env ?? process.env;
    const loadOpts = { env, cwd: dirname(opts.configPath) };
    let config: Config;
    let configError: string | null = null;
    try {
      config = loadConfig(opts.configPath, loadOpts);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      configError = e.message;
      log('error', `config error, running with no programs:\n${e.message}`);
      config = parseConfigText(
        `[supervisord]\nlogfile=${opts.fallbackLogDir}/supervisord.log\nchildlogdir=${opts.fallbackLogDir}\n`,
        opts.configPath,
        { ...loadOpts, checkEnvironment: false },
      );
    }
    let host: EngineHost | null = null;
    const sup = new Supervisor(config, {
      environ: env,
      reload: () => {
        try {
          const c = loadConfig(opts.configPath, loadOpts);
          host?.setConfigError(null);
          return c;
        } catch (e) {
          host?.setConfigError(messageOf(e));
          throw e;
        }
      },
    });
    host = new EngineHost(opts, sup, configError, orphans, registry);
    await sup.start();
    await host.startServer(config);
    return host;
  }

  private async startServer(config: Config): Promise<void> {
    if (!config.unixHttpServer && !config.inetHttpServer) return;
    const log = this.opts.log ?? (() => undefined);
    this.ui = this.opts.rendererDir
      ? createUiHandler(this.sup, {
          staticDir: this.opts.rendererDir,
          configStatus: () => this.configStatus(),
        })
      : null;
    this.server = new HttpServer({
      facade: this.sup,
      config,
      handlers: this.ui ? [this.ui] : [],
      log,
    });
    try {
      await this.server.start();
      this.serverError = null;
    } catch (e) {
      // Port in use, socket dir missing …: the app keeps running without the control server.
      this.serverError = messageOf(e);
      log('error', `could not start the HTTP server: ${this.serverError}`);
      await this.server.close().catch(() => undefined);
      this.server = null;
    }
  }

  /** The config status the window's banner shows (IPC `config:status`, HTTP `/api/config-status`). */
  configStatus(): ConfigStatus {
    return { error: this.configError, fallback: this.fallback, at: this.configErrorAt };
  }

  private setConfigError(err: string | null): void {
    if (this.configError === err) return;
    this.configError = err;
    this.configErrorAt = err === null ? null : Date.now();
    this.emitChange();
  }

  /** Called when configError / fallback change (the tray rebuilds). */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private emitChange(): void {
    for (const l of this.listeners) l();
  }

  private scheduleRecord(): void {
    if (this.recordTimer !== null) return;
    this.recordTimer = setTimeout(() => {
      this.recordTimer = null;
      void this.recordChildren();
    }, this.opts.recordDebounceMs ?? 100);
  }

  /** Writes the live children (pid + start time) to the state file now. */
  async recordChildren(): Promise<void> {
    const live = this.sup
      .getAllProcessInfo()
      .filter((p) => p.pid > 0)
      .map((p) => ({ pid: p.pid, namespec: namespecOf(p) }));
    await this.registry.sync(live);
  }

  /**
   * "Reload config": on the fallback config, a full restart with the fixed file (so its
   * `[supervisord]` settings apply too); otherwise supervisorctl's `update`.
   */
  async reload(): Promise<ReloadOutcome> {
    if (this.fallback) {
      try {
        loadConfig(this.opts.configPath, this.loadOpts());
      } catch (e) {
        this.setConfigError(messageOf(e));
        return { ok: false, error: messageOf(e) };
      }
      await this.sup.restartAndWait();
      this.fallback = false;
      this.setConfigError(null);
      await this.startServer(this.sup.getConfig());
      return { ok: true, restarted: true, result: null };
    }
    const preview = previewReload(this.sup);
    if (preview.error !== null) return { ok: false, error: preview.error };
    try {
      return { ok: true, restarted: false, result: await applyReload(this.sup) };
    } catch (e) {
      if (e instanceof SupervisorError) return { ok: false, error: e.message };
      throw e;
    }
  }

  /** Orderly stop of every child, then the server; the state file ends up empty. */
  async shutdown(): Promise<void> {
    this.unsubscribe();
    if (this.recordTimer !== null) clearTimeout(this.recordTimer);
    this.recordTimer = null;
    await this.sup.shutdownAndWait();
    this.ui?.close();
    await this.server?.close().catch(() => undefined);
    await this.registry.sync([]);
  }
}
