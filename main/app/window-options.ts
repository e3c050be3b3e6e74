/**
 * The main window's locked-down options and navigation policy, as pure functions.
 *
 * Only `import type` from electron here, so the unit tests run in plain Node.
 */
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { CSP } from '../engine/http/ui-api.js';

/** Saved window geometry (a preference). */
export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1100, height: 720 } as const;
export const MIN_SIZE = { width: 640, height: 400 } as const;

/** The CSP sent with every renderer file (the same policy the browser host sends). */
export const CONTENT_SECURITY_POLICY = CSP;

/**
 * BrowserWindow options: isolated, sandboxed renderer with the bundled preload and no Node.
 *
 * `show: false` — the window is shown on `ready-to-show` (or stays hidden when started to tray).
 */
export function mainWindowOptions(opts: {
  preloadPath: string;
  bounds: WindowBounds | null;
  iconPath?: string;
}): BrowserWindowConstructorOptions {
  const b = opts.bounds;
  return {
    title: 'Paddock',
    width: b?.width ?? DEFAULT_SIZE.width,
    height: b?.height ?? DEFAULT_SIZE.height,
    ...(b ? { x: b.x, y: b.y } : {}),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    backgroundColor: '#16181d',
    autoHideMenuBar: true,
    ...(opts.iconPath !== undefined ? { icon: opts.iconPath } : {}),
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** True for URLs the shell may hand to `shell.openExternal`: http(s) only, never file:, javascript: … */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
}

/**
 * What to do with a navigation or window-open request: the app never navigates away from its
 * own page; an http(s) link is opened in the user's browser; anything else is dropped.
 */
export function navigationDecision(url: string): 'open-external' | 'deny' {
  return isSafeExternalUrl(url) ? 'open-external' : 'deny';
}

/**
 * Restores saved bounds only if the window would be mostly visible on some display now
 * (a monitor may have been unplugged); otherwise null (let the OS centre the default size).
 */
export function restorableBounds(
  saved: WindowBounds | null,
  workAreas: readonly Rectangle[],
): WindowBounds | null {
  if (saved === null) return null;
  if (saved.width < MIN_SIZE.width || saved.height < MIN_SIZE.height) return null;
  const area = saved.width * saved.height;
  for (const d of workAreas) {
    const w = Math.min(saved.x + saved.width, d.x + d.width) - Math.max(saved.x, d.x);
    const h = Math.min(saved.y + saved.height, d.y + d.height) - Math.max(saved.y, d.y);
    if (w > 0 && h > 0 && w * h >= area / 2) return saved;
  }
  return null;
}

/** The privileged scheme the renderer is served from (not file://, so the CSP header applies). */
export const APP_SCHEME = 'paddock';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/**
 * Maps a `paddock://app/…` URL to a file under the renderer directory, or null for anything
 * else (another host, `..` escapes, encoded NULs, directories other than the root).
 */
export function resolveAppFile(url: string, root: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== 'app') return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const base = root.endsWith('/') ? root.slice(0, -1) : root;
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return null;
  return `${base}/${parts.join('/')}`;
}
