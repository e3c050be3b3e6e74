import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  DEFAULT_PREFERENCES,
  loadPreferences,
  PREFS_VERSION,
  preferencesJsonSchema,
  validatePreference,
} from '../../../../main/app/preferences.js';

describe('preferences', () => {
  it('an empty or corrupt store loads as the defaults', () => {
    for (const stored of [undefined, null, 42, 'x', [], {}]) {
      expect(loadPreferences(stored)).toEqual({
        prefs: DEFAULT_PREFERENCES,
        migratedFrom: null,
        dropped: [],
      });
    }
  });

  it('a current document loads unchanged, with no migration', () => {
    const doc = {
      ...DEFAULT_PREFERENCES,
      configPath: '/home/me/sv.conf',
      theme: 'dark',
      windowBounds: { x: 1, y: 2, width: 900, height: 700, maximized: true },
    };
    expect(loadPreferences(doc)).toEqual({ prefs: doc, migratedFrom: null, dropped: [] });
  });

  it('migrates v0 (configFile) and v1 (notifications: boolean) to the current version', () => {
    const v0 = { configFile: '/etc/sv.conf', notifications: false, startAtLogin: true };
    const { prefs, migratedFrom } = loadPreferences(v0);
    expect(migratedFrom).toBe(0);
    expect(prefs).toEqual({
      ...DEFAULT_PREFERENCES,
      schemaVersion: PREFS_VERSION,
      configPath: '/etc/sv.conf',
      startAtLogin: true,
      notifications: { fatal: false, unexpectedExit: false },
    });
    const v1 = { schemaVersion: 1, configPath: '/a.conf', notifications: true, theme: 'light' };
    expect(loadPreferences(v1).prefs).toMatchObject({
      configPath: '/a.conf',
      notifications: { fatal: true, unexpectedExit: true },
      theme: 'light',
    });
  });

  it('an invalid field falls back to its default and is reported; the others are kept', () => {
    const r = loadPreferences({
      ...DEFAULT_PREFERENCES,
      theme: 'purple',
      startAtLogin: true,
      windowBounds: { x: 'a' },
    });
    expect(r.prefs.theme).toBe('system');
    expect(r.prefs.windowBounds).toBeNull();
    expect(r.prefs.startAtLogin).toBe(true);
    expect(r.dropped.sort()).toEqual(['theme', 'windowBounds']);
  });

  it('validates single updates', () => {
    expect(validatePreference('theme', 'dark')).toBe('dark');
    expect(() => validatePreference('theme', 'neon')).toThrow(/invalid preference theme/);
    expect(() => validatePreference('configPath', '')).toThrow();
    expect(validatePreference('configPath', null)).toBeNull();
  });

  it("the JSON schema (for electron-store's ajv) accepts the defaults and rejects bad values", () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(preferencesJsonSchema());
    expect(validate(DEFAULT_PREFERENCES)).toBe(true);
    expect(validate({ ...DEFAULT_PREFERENCES, theme: 'neon' })).toBe(false);
    expect(validate({ ...DEFAULT_PREFERENCES, schemaVersion: 1 })).toBe(false);
  });
});
