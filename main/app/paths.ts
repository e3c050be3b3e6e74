/** Where the desktop app keeps and finds things. Pure. */
import { join } from 'node:path';

/** Environment override of Electron's userData directory (tests, portable setups). */
export const USER_DATA_ENV = 'PADDOCK_USER_DATA';
/** Environment override of the config file (beats the preference). */
export const CONFIG_ENV = 'PADDOCK_CONFIG';

export interface AppPaths {
  /** The starter / default `supervisord.conf` in the user's config directory. */
  defaultConfig: string;
  /** Activity log of the fallback engine (config broken). */
  logsDir: string;
  /** Live children of this run, for orphan detection by the next one. */
  stateFile: string;
  /** The bundled CommonJS preload. */
  preload: string;
  /** The built renderer (`vite build` output). */
  rendererDir: string;
  assetsDir: string;
  appIcon: string;
}

/** `userData` is Electron's per-user app directory; `appRoot` is `app.getAppPath()`. */
export function appPaths(userData: string, appRoot: string): AppPaths {
  // Packaged, the tray icons are unpacked next to the asar (electron-builder asarUnpack):
  // the OS tray needs real files.
  const unpacked = appRoot.replace(/app\.asar$/, 'app.asar.unpacked');
  return {
    defaultConfig: join(userData, 'supervisord.conf'),
    logsDir: join(userData, 'logs'),
    stateFile: join(userData, 'children.json'),
    preload: join(appRoot, 'out', 'preload', 'index.cjs'),
    rendererDir: join(appRoot, 'out', 'renderer'),
    assetsDir: join(unpacked, 'assets'),
    appIcon: join(appRoot, 'assets', 'icon.png'),
  };
}

/** The config file to run: `--config <file>` / `--config=<file>`, then $PADDOCK_CONFIG, then the preference, then the default. */
export function chooseConfigPath(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  preference: string | null,
  defaultConfig: string,
): { path: string; source: 'argument' | 'environment' | 'preference' | 'default' } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--config' && argv[i + 1] !== undefined)
      return { path: argv[i + 1] as string, source: 'argument' };
    if (a.startsWith('--config=')) return { path: a.slice('--config='.length), source: 'argument' };
  }
  const e = env[CONFIG_ENV];
  if (e !== undefined && e !== '') return { path: e, source: 'environment' };
  if (preference !== null) return { path: preference, source: 'preference' };
  return { path: defaultConfig, source: 'default' };
}
