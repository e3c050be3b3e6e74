/**
 * Health → tray icon file. Pure: returns paths relative to the assets directory.
 *
 * macOS wants monochrome "Template" images (the OS tints them for light/dark menu bars); Linux and
 * Windows get coloured PNGs. Each file has an `@2x` sibling that Electron picks on HiDPI screens.
 */
import type { Health } from './tray-template.js';

export const HEALTH_KEYS: readonly Health[] = ['running', 'stopped', 'error'];

/** Relative path (under `assets/`) of the tray icon for a health state on a platform. */
export function trayIconFile(health: Health, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `tray/${health}Template.png` : `tray/${health}.png`;
}

/** Every tray icon file the app may load, for the asset-completeness test. */
export function allTrayIconFiles(): string[] {
  const files: string[] = [];
  for (const h of HEALTH_KEYS) {
    for (const base of [`tray/${h}`, `tray/${h}Template`])
      files.push(`${base}.png`, `${base}@2x.png`);
  }
  return files;
}
