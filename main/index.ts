/**
 * Electron main: lifecycle only. Single-instance lock, engine in-process (EngineHost), IPC,
 * tray, window, notifications, start at login; on quit (menu, SIGTERM/SIGINT, logout) every
 * service is stopped in order before the app exits.
 */
import { dirname } from 'node:path';
import { app, dialog, nativeTheme, Notification, shell, type BrowserWindow } from 'electron';
import {
  getStartAtLogin,
  HIDDEN_ARG,
  setStartAtLogin,
  type AutostartEnv,
} from './app/autostart.js';
import { EngineHost } from './app/engine-host.js';
import { notificationFor } from './app/notifications.js';
import { appPaths, chooseConfigPath, USER_DATA_ENV } from './app/paths.js';
import { PreferencesStore } from './app/preferences-store.js';
import { ensureStarterConfig } from './app/starter-config.js';
import { TrayController } from './app/tray.js';
import type { TrayAction } from './app/tray-template.js';
import { createMainWindow, registerAppScheme, serveRenderer } from './app/window.js';
import { Broadcaster } from './ipc/broadcast.js';
import type { SenderInfo } from './ipc/dispatch.js';
import { createIpcBridge } from './ipc/handlers.js';
import { registerIpc, TrustedSenders } from './ipc/register.js';

const userDataOverride = process.env[USER_DATA_ENV];
if (userDataOverride !== undefined && userDataOverride !== '')
  app.setPath('userData', userDataOverride);

registerAppScheme();

function log(level: 'info' | 'warn' | 'error', msg: string): void {
  (level === 'error' ? console.error : level === 'warn' ? console.warn : console.info)(
    `paddock: ${msg}`,
  );
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function main(): Promise<void> {
  let win: BrowserWindow | null = null;
  let quitting = false;
  let readyToQuit = false;

  // Keep running in the tray when the window is closed (registering the listener is what opts out).
  app.on('window-all-closed', () => undefined);

  await app.whenReady();
  if (process.platform === 'darwin') app.dock?.hide();
  // Started at login: stay in the tray (Linux/Windows pass --hidden; macOS says how it was opened).
  const startHidden =
    process.argv.includes(HIDDEN_ARG) ||
    (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true);

  const paths = appPaths(app.getPath('userData'), app.getAppPath());
  const prefs = new PreferencesStore();
  nativeTheme.themeSource = prefs.get('theme');

  const config = chooseConfigPath(
    process.argv,
    process.env,
    prefs.get('configPath'),
    paths.defaultConfig,
  );
  const wroteStarter = config.source === 'default' ? await ensureStarterConfig(config.path) : false;
  if (wroteStarter) log('info', `wrote a starter config at ${config.path}`);

  serveRenderer(paths.rendererDir);
  const host = await EngineHost.start({
    configPath: config.path,
    fallbackLogDir: paths.logsDir,
    stateFile: paths.stateFile,
    rendererDir: paths.rendererDir,
    log,
  });

  const trusted = new TrustedSenders();
  const broadcaster = new Broadcaster();
  const bridge = createIpcBridge(host.sup, broadcaster, {
    configStatus: () => host.configStatus(),
  });
  const unregisterIpc = registerIpc(bridge.handlers, trusted, (id) => broadcaster.markReady(id));
  const self: SenderInfo = { id: 0, isMainFrame: true };

  const autostart: AutostartEnv = {
    platform: process.platform,
    env: process.env,
    // An AppImage must be relaunched through the image, not its mounted binary.
    execPath: process.env.APPIMAGE ?? process.execPath,
    args: app.isPackaged ? [HIDDEN_ARG] : [app.getAppPath(), HIDDEN_ARG],
    loginItems: {
      get: () => app.getLoginItemSettings().openAtLogin,
      set: (openAtLogin) => app.setLoginItemSettings({ openAtLogin, args: [HIDDEN_ARG] }),
    },
  };
  let startAtLogin = await getStartAtLogin(autostart).catch(() => prefs.get('startAtLogin'));
  if (startAtLogin !== prefs.get('startAtLogin')) prefs.set('startAtLogin', startAtLogin);

  const showWindow = (hash = ''): void => {
    if (win === null || win.isDestroyed()) {
      win = createMainWindow(
        {
          preloadPath: paths.preload,
          iconPath: paths.appIcon,
          bounds: prefs.get('windowBounds'),
          saveBounds: (b) => prefs.set('windowBounds', b),
          isQuitting: () => quitting,
          onCreated: (contents) => {
            trusted.add(contents.id);
            broadcaster.addTarget({
              id: contents.id,
              send: (channel, payload) => contents.send(channel, payload),
              isDestroyed: () => contents.isDestroyed(),
            });
            contents.on('did-finish-load', () => broadcaster.markReady(contents.id));
          },
          onDestroyed: (id) => {
            trusted.remove(id);
            broadcaster.removeTarget(id);
            bridge.dropSender(id);
          },
        },
        true,
        hash,
      );
      return;
    }
    if (hash !== '') void win.loadURL(`${win.webContents.getURL().split('#')[0] ?? ''}${hash}`);
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  const notify = (title: string, body: string, onClick?: () => void): void => {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title, body, icon: paths.appIcon });
    if (onClick) n.on('click', onClick);
    n.show();
  };

  const lastNotified = new Map<string, number>();
  const tray = new TrayController({
    assetsDir: paths.assetsDir,
    snapshot: () => ({
      processes: host.sup.getAllProcessInfo(),
      groups: host.sup.getConfig().groups.map((g) => g.name),
      configError: host.configError ?? host.serverError,
      startAtLogin,
      shuttingDown: quitting,
    }),
    onAction: (a) => void runAction(a),
  });

  const reportFailure = (what: string) => (e: unknown) => {
    log('warn', `${what}: ${errText(e)}`);
    notify(`Paddock: ${what} failed`, errText(e));
  };

  async function runAction(a: TrayAction): Promise<void> {
    switch (a.type) {
      case 'start':
        await Promise.resolve(bridge.handlers['process:start'](self, a.namespec)).catch(
          reportFailure(`start ${a.namespec}`),
        );
        return;
      case 'stop':
        await Promise.resolve(bridge.handlers['process:stop'](self, a.namespec)).catch(
          reportFailure(`stop ${a.namespec}`),
        );
        return;
      case 'restart':
        await Promise.resolve(bridge.handlers['process:restart'](self, a.namespec)).catch(
          reportFailure(`restart ${a.namespec}`),
        );
        return;
      case 'open-log':
        showWindow(`#log=${encodeURIComponent(a.namespec)}`);
        return;
      case 'start-all':
        await host.sup.startAllProcesses(true).catch(reportFailure('start all'));
        return;
      case 'stop-all':
        await host.sup.stopAllProcesses(true).catch(reportFailure('stop all'));
        return;
      case 'reload-config': {
        const r = await host
          .reload()
          .catch((e: unknown) => ({ ok: false as const, error: errText(e) }));
        if (!r.ok) {
          notify('Paddock: config error', r.error.split('\n')[0] ?? r.error, () => showWindow());
        }
        tray.refresh();
        return;
      }
      case 'open-window':
        showWindow();
        return;
      case 'open-config': {
        const err = await shell.openPath(config.path);
        if (err !== '') dialog.showErrorBox('Paddock', `Could not open ${config.path}: ${err}`);
        return;
      }
      case 'choose-config': {
        const r = await dialog.showOpenDialog({
          title: 'Choose a supervisord.conf',
          defaultPath: dirname(config.path),
          properties: ['openFile'],
          filters: [
            { name: 'supervisord config', extensions: ['conf', 'ini'] },
            { name: 'All files', extensions: ['*'] },
          ],
        });
        const chosen = r.filePaths[0];
        if (r.canceled || chosen === undefined || chosen === config.path) return;
        prefs.set('configPath', chosen);
        // A different config is a different supervisor: stop everything, then start afresh.
        app.relaunch();
        app.quit();
        return;
      }
      case 'toggle-start-at-login':
        try {
          startAtLogin = await setStartAtLogin(autostart, !startAtLogin);
          prefs.set('startAtLogin', startAtLogin);
        } catch (e) {
          reportFailure('start at login')(e);
        }
        tray.refresh();
        return;
      case 'quit':
        app.quit();
        return;
    }
  }

  host.onChange(() => tray.refresh());
  host.sup.subscribe((ev) => {
    if (ev.type === 'process-state') {
      tray.refresh();
      const spec = notificationFor(ev.transition, prefs.get('notifications'), lastNotified);
      if (spec)
        notify(spec.title, spec.body, () =>
          showWindow(`#log=${encodeURIComponent(spec.namespec)}`),
        );
    } else if (ev.type === 'process-group' || ev.type === 'supervisor-state') {
      tray.refresh();
    }
  });

  if (host.orphans.length > 0) {
    const names = host.orphans.map((o) => `${o.namespec} (pid ${o.pid}): ${o.outcome}`).join(', ');
    notify('Paddock stopped leftover programs', `Left running by a previous session: ${names}`);
  }
  if (host.configError !== null) {
    notify('Paddock: config error', host.configError.split('\n')[0] ?? '', () => showWindow());
  }

  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());

  // Electron does not await async before-quit handlers: hold the quit, stop in order, quit again.
  app.on('before-quit', (event) => {
    if (readyToQuit) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    tray.rebuild();
    void (async () => {
      try {
        await host.shutdown();
      } catch (e) {
        log('error', `shutdown: ${errText(e)}`);
      } finally {
        bridge.dispose();
        unregisterIpc();
        broadcaster.dispose();
        tray.destroy();
        readyToQuit = true;
        app.quit();
      }
    })();
  });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => app.quit());
  // A SIGUSR1 handler keeps Node from opening its inspector port (local code execution).
  process.on('SIGUSR1', () => undefined);

  if (!startHidden || wroteStarter || host.configError !== null) showWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another Paddock runs these services already; it shows its window (second-instance).
  app.quit();
} else {
  main().catch((e: unknown) => {
    dialog.showErrorBox('Paddock could not start', errText(e));
    app.exit(1);
  });
}
