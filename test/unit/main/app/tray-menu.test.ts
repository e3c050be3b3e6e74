import { describe, expect, it } from 'vitest';
import { toMenuTemplate } from '../../../../main/app/tray-menu.js';
import type { TrayAction, TrayItem } from '../../../../main/app/tray-template.js';

describe('toMenuTemplate', () => {
  it('maps items, checkboxes and submenus, and binds each click to its action', () => {
    const got: TrayAction[] = [];
    const items: TrayItem[] = [
      { kind: 'item', label: 'Paddock', enabled: false, action: null },
      { kind: 'separator' },
      {
        kind: 'submenu',
        label: 'web — RUNNING',
        enabled: true,
        items: [
          { kind: 'item', label: 'Stop', enabled: true, action: { type: 'stop', namespec: 'web' } },
        ],
      },
      {
        kind: 'item',
        label: 'Start at login',
        enabled: true,
        checked: true,
        action: { type: 'toggle-start-at-login' },
      },
    ];
    const t = toMenuTemplate(items, (a) => got.push(a));
    expect(t[0]).toEqual({ label: 'Paddock', enabled: false });
    expect(t[1]).toEqual({ type: 'separator' });
    expect(t[3]).toMatchObject({ type: 'checkbox', checked: true });
    const sub = t[2]?.submenu as { click?: () => void }[];
    sub[0]?.click?.();
    (t[3] as { click: () => void }).click();
    expect(got).toEqual([{ type: 'stop', namespec: 'web' }, { type: 'toggle-start-at-login' }]);
  });
});
