/**
 * TrayItem data → Electron menu-template objects, binding each action to one callback.
 * Only type imports from electron, so it is unit-tested in Node.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayItem } from './tray-template.js';

function assertNever(x: never): never {
  throw new Error(`unhandled tray item ${JSON.stringify(x)}`);
}

export function toMenuTemplate(
  items: readonly TrayItem[],
  onAction: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'submenu':
        return {
          label: item.label,
          enabled: item.enabled,
          submenu: toMenuTemplate(item.items, onAction),
        };
      case 'item': {
        const action = item.action;
        return {
          label: item.label,
          enabled: item.enabled,
          ...(item.checked !== undefined
            ? { type: 'checkbox' as const, checked: item.checked }
            : {}),
          ...(action !== null ? { click: () => onAction(action) } : {}),
        };
      }
      default:
        return assertNever(item);
    }
  });
}
