/**
 * Preferences persisted with electron-store (Electron-only: electron-store needs Electron's
 * Node). The schema and the migrations are the pure ones in `preferences.ts`: the raw document
 * is migrated and validated on load and written back, and every update is validated.
 */
import Store from 'electron-store';
import {
  loadPreferences,
  validatePreference,
  type PreferenceKey,
  type Preferences,
} from './preferences.js';

export class PreferencesStore {
  private readonly store: Store<Record<string, unknown>>;
  private prefs: Preferences;

  constructor(cwd?: string) {
    // No electron-store schema: an old document must reach the migrations before validation.
    this.store = new Store<Record<string, unknown>>({
      name: 'preferences',
      ...(cwd !== undefined ? { cwd } : {}),
      clearInvalidConfig: true,
    });
    const { prefs, migratedFrom, dropped } = loadPreferences(this.store.store);
    if (migratedFrom !== null)
      console.info(`paddock: preferences migrated from version ${migratedFrom}`);
    if (dropped.length > 0)
      console.warn(`paddock: invalid preferences reset: ${dropped.join(', ')}`);
    this.prefs = prefs;
    this.store.store = { ...prefs };
  }

  get<K extends PreferenceKey>(key: K): Preferences[K] {
    return this.prefs[key];
  }

  set<K extends PreferenceKey>(key: K, value: Preferences[K]): void {
    const valid = validatePreference(key, value);
    this.prefs = { ...this.prefs, [key]: valid };
    this.store.set(key, valid);
  }

  all(): Preferences {
    return this.prefs;
  }
}
