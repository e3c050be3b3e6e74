import { describe, expect, it } from 'vitest';
import {
  THEME_KEY,
  effectiveTheme,
  readThemeChoice,
  toggleTheme,
  writeThemeChoice,
} from '../../../renderer/model/theme.js';

function memoryStorage(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    key: (i: number) => [...data.keys()][i] ?? null,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

describe('theme', () => {
  it('follows the system until a choice is made', () => {
    expect(effectiveTheme(null, true)).toBe('dark');
    expect(effectiveTheme(null, false)).toBe('light');
    expect(effectiveTheme('light', true)).toBe('light');
    expect(effectiveTheme('dark', false)).toBe('dark');
  });

  it('toggle flips what is shown; a choice equal to the system is forgotten', () => {
    // System light: toggle → dark (remembered) → light (follow the system again).
    expect(toggleTheme(null, false)).toBe('dark');
    expect(toggleTheme('dark', false)).toBeNull();
    // System dark.
    expect(toggleTheme(null, true)).toBe('light');
    expect(toggleTheme('light', true)).toBeNull();
    // A remembered choice that now equals the system still flips what is shown.
    expect(effectiveTheme(toggleTheme('dark', true), true)).toBe('light');
  });

  it('remembers the choice in storage and reads junk as "follow the system"', () => {
    const s = memoryStorage();
    expect(readThemeChoice(s)).toBeNull();
    writeThemeChoice(s, 'dark');
    expect(s.data.get(THEME_KEY)).toBe('dark');
    expect(readThemeChoice(s)).toBe('dark');
    writeThemeChoice(s, null);
    expect(s.data.has(THEME_KEY)).toBe(false);
    s.setItem(THEME_KEY, 'purple');
    expect(readThemeChoice(s)).toBeNull();
    expect(readThemeChoice(null)).toBeNull();
    const broken = {
      getItem: (): string | null => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceeded');
      },
      removeItem: () => undefined,
    };
    expect(readThemeChoice(broken)).toBeNull();
    expect(() => writeThemeChoice(broken, 'light')).not.toThrow();
  });
});
