/**
 * The main window: locked-down options, the `paddock://` protocol serving the renderer with the
 * CSP header, navigation and new-window guards, hide-to-tray on close, remembered bounds.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { BrowserWindow, protocol, screen, shell, type WebContents } from 'electron';
import { MIME } from '../engine/http/ui-api.js';
import {
  APP_ORIGIN,
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  mainWindowOptions,
  navigationDecision,
  resolveAppFile,
  restorableBounds,
  type WindowBounds,
} from './window-options.js';

/** Must run before `app.whenReady()`: the scheme behaves like https (standard, secure). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer at `paddock://app/…` with the CSP header. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(request.url, rendererDir);
    if (file === null) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

/** Denies every navigation and new window; http(s) links open in the user's browser. */
export function guardNavigation(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (navigationDecision(url) === 'open-external') void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (navigationDecision(url) === 'open-external') void shell.openExternal(url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}

export interface MainWindowOptions {
  preloadPath: string;
  iconPath: string;
  bounds: WindowBounds | null;
  /** Persist bounds (called debounced after moves/resizes and on hide). */
  saveBounds: (b: WindowBounds) => void;
  /** True once the app is quitting: close really closes. */
  isQuitting: () => boolean;
  /** A window was created (trust its webContents) / destroyed (forget it). */
  onCreated: (contents: WebContents) => void;
  onDestroyed: (id: number) => void;
}

/** Creates the main window (hidden until `ready-to-show` unless `show` is false). */
export function createMainWindow(opts: MainWindowOptions, show: boolean, hash = ''): BrowserWindow {
  const bounds = restorableBounds(
    opts.bounds,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow(
    mainWindowOptions({ preloadPath: opts.preloadPath, bounds, iconPath: opts.iconPath }),
  );
  const id = win.webContents.id;
  opts.onCreated(win.webContents);
  guardNavigation(win.webContents);
  win.webContents.once('destroyed', () => opts.onDestroyed(id));
  if (bounds?.maximized) win.maximize();

  let timer: NodeJS.Timeout | null = null;
  const save = (): void => {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    opts.saveBounds({
      x: b.x,
      y: b.y,
      width: b.width,
      height: b.height,
      maximized: win.isMaximized(),
    });
  };
  const saveSoon = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('close', (event) => {
    save();
    // Closing hides to the tray; the services keep running. Quit is in the tray menu.
    if (!opts.isQuitting()) {
      event.preventDefault();
      win.hide();
    }
  });
  win.on('closed', () => {
    if (timer) clearTimeout(timer);
  });
  win.once('ready-to-show', () => {
    if (show) win.show();
  });
  void win.loadURL(`${APP_ORIGIN}/index.html${hash}`);
  return win;
}
