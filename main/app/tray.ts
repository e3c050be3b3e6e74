/**
 * The tray: owns the Electron `Tray`, rebuilds its menu from a snapshot (debounced, so a burst
 * of state changes costs one rebuild) and swaps the icon when the overall health changes.
 */
import { join } from 'node:path';
import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import { trayIconFile } from './tray-icons.js';
import { toMenuTemplate } from './tray-menu.js';
import {
  buildTrayTemplate,
  healthOf,
  trayTooltip,
  type Health,
  type TrayAction,
  type TraySnapshot,
} from './tray-template.js';

export interface TrayControllerOptions {
  assetsDir: string;
  snapshot: () => TraySnapshot;
  onAction: (action: TrayAction) => void;
  debounceMs?: number;
}

export class TrayController {
  private readonly tray: Tray;
  private health: Health | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: TrayControllerOptions) {
    this.tray = new Tray(this.icon('stopped'));
    // Windows and macOS: a left click opens the window (Linux shows the menu).
    this.tray.on('click', () => opts.onAction({ type: 'open-window' }));
    this.rebuild();
  }

  private icon(health: Health): NativeImage {
    const img = nativeImage.createFromPath(
      join(this.opts.assetsDir, trayIconFile(health, process.platform)),
    );
    if (process.platform === 'darwin') img.setTemplateImage(true);
    return img;
  }

  /** Schedules a rebuild; many calls within the debounce window make one. */
  refresh(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.rebuild();
    }, this.opts.debounceMs ?? 150);
  }

  /** Rebuilds now. */
  rebuild(): void {
    const snap = this.opts.snapshot();
    const health = healthOf(snap.processes, snap.configError);
    if (health !== this.health) {
      this.health = health;
      this.tray.setImage(this.icon(health));
    }
    this.tray.setToolTip(trayTooltip(snap));
    this.tray.setContextMenu(
      Menu.buildFromTemplate(toMenuTemplate(buildTrayTemplate(snap), this.opts.onAction)),
    );
  }

  destroy(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.tray.destroy();
  }
}
