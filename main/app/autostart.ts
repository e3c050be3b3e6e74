/**
 * Start at login.
 *
 * Linux: an XDG autostart entry, `$XDG_CONFIG_HOME/autostart/paddock.desktop` (XDG_CONFIG_HOME
 * defaulting to `~/.config`), written and removed by Paddock itself. macOS and Windows: Electron's
 * `app.setLoginItemSettings`, reached through the `LoginItems` seam so this module has no runtime
 * Electron import.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** The subset of Electron's login-item API used on macOS and Windows. */
export interface LoginItems {
  get(): boolean;
  set(enabled: boolean): void;
}

export interface AutostartEnv {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The executable to launch (for an AppImage: `$APPIMAGE`, not the mounted binary). */
  execPath: string;
  /** Arguments for the launched app (e.g. `--hidden` to start in the tray). */
  args: readonly string[];
  loginItems: LoginItems;
  home?: string;
}

export const DESKTOP_FILE_NAME = 'paddock.desktop';
export const HIDDEN_ARG = '--hidden';

/** `$XDG_CONFIG_HOME/autostart/paddock.desktop`; a relative XDG_CONFIG_HOME is ignored, as the spec says. */
export function linuxAutostartPath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(home, '.config');
  return join(base, 'autostart', DESKTOP_FILE_NAME);
}

/** Quotes one Exec argument per the Desktop Entry spec (and escapes `%` field codes). */
export function quoteExecArg(arg: string): string {
  const escapedPercent = arg.replace(/%/g, '%%');
  if (!/[\s"'\\`$<>~|&;*?#()]/.test(escapedPercent) && escapedPercent !== '') return escapedPercent;
  // Inside double quotes, `"`, `` ` ``, `$` and `\` are backslash-escaped; the file format then
  // escapes every backslash once more.
  const inner = escapedPercent.replace(/(["`$\\])/g, '\\$1');
  return `"${inner}"`.replace(/\\/g, '\\\\');
}

/** The contents of the autostart entry. */
export function desktopEntry(execPath: string, args: readonly string[]): string {
  const exec = [execPath, ...args].map(quoteExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Paddock',
    'Comment=Process supervisor for your development services',
    `Exec=${exec}`,
    'Icon=paddock',
    'Terminal=false',
    'Categories=Development;',
    'X-GNOME-Autostart-enabled=true',
    'Hidden=false',
    '',
  ].join('\n');
}

/** Whether Paddock starts at login (Linux: our entry exists and is not Hidden). */
export async function getStartAtLogin(e: AutostartEnv): Promise<boolean> {
  if (e.platform !== 'linux') return e.loginItems.get();
  try {
    const text = await readFile(linuxAutostartPath(e.env, e.home), 'utf8');
    return !/^Hidden\s*=\s*true\s*$/m.test(text);
  } catch {
    return false;
  }
}

/** Turns start-at-login on or off; returns the new state as read back. */
export async function setStartAtLogin(e: AutostartEnv, enabled: boolean): Promise<boolean> {
  if (e.platform !== 'linux') {
    e.loginItems.set(enabled);
    return e.loginItems.get();
  }
  const file = linuxAutostartPath(e.env, e.home);
  if (enabled) {
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, desktopEntry(e.execPath, e.args), { mode: 0o644 });
    await rename(tmp, file);
  } else {
    await rm(file, { force: true });
  }
  return getStartAtLogin(e);
}
