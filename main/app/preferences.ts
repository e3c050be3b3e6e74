/**
 * The preference schema and its migrations. Pure (zod only), so it is tested in plain Node;
 * `preferences-store.ts` persists the result with electron-store.
 *
 * Every stored document carries `schemaVersion`. Loading runs the migrations from the stored
 * version up to `PREFS_VERSION`, then validates field by field: an invalid field falls back to
 * its default instead of throwing away every other preference.
 */
import { z } from 'zod';

export const PREFS_VERSION = 2;

const boundsSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});

const fields = {
  /** Absolute path of the supervisord.conf Paddock runs; null = the starter file in userData. */
  configPath: z.string().min(1).nullable(),
  startAtLogin: z.boolean(),
  notifications: z.object({ fatal: z.boolean(), unexpectedExit: z.boolean() }),
  theme: z.enum(['system', 'light', 'dark']),
  windowBounds: boundsSchema.nullable(),
} as const;

/** The current preference document. */
export const preferencesSchema = z.object({ schemaVersion: z.literal(PREFS_VERSION), ...fields });
export type Preferences = z.infer<typeof preferencesSchema>;
export type PreferenceKey = Exclude<keyof Preferences, 'schemaVersion'>;

export const DEFAULT_PREFERENCES: Preferences = {
  schemaVersion: PREFS_VERSION,
  configPath: null,
  startAtLogin: false,
  notifications: { fatal: true, unexpectedExit: true },
  theme: 'system',
  windowBounds: null,
};

/** JSON Schema (draft 2020-12, what electron-store's ajv speaks) of the current document. */
export function preferencesJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(preferencesSchema) as Record<string, unknown>;
}

type Raw = Record<string, unknown>;

/**
 * Migrations: `MIGRATIONS[n]` turns a version-n document into version n+1.
 *
 * v0 → v1: documents written before versioning used `configFile` for the config path.
 * v1 → v2: `notifications` was one boolean; it is now per kind (FATAL, unexpected exit).
 */
export const MIGRATIONS: Readonly<Record<number, (doc: Raw) => Raw>> = {
  0: (doc) => {
    const { configFile, ...rest } = doc;
    const configPath = rest.configPath ?? configFile;
    return { ...rest, ...(configPath !== undefined ? { configPath } : {}), schemaVersion: 1 };
  },
  1: (doc) => {
    const n = doc.notifications;
    if (typeof n !== 'boolean') return { ...doc, schemaVersion: 2 };
    return { ...doc, notifications: { fatal: n, unexpectedExit: n }, schemaVersion: 2 };
  },
};

function versionOf(doc: Raw): number {
  const v = doc.schemaVersion;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}

/** Migrates and validates whatever was on disk (any JSON value) into a valid document. */
export function loadPreferences(stored: unknown): {
  prefs: Preferences;
  migratedFrom: number | null;
  dropped: string[];
} {
  let doc: Raw =
    stored !== null && typeof stored === 'object' && !Array.isArray(stored)
      ? { ...(stored as Raw) }
      : {};
  const from = versionOf(doc);
  let v = from;
  while (v < PREFS_VERSION) {
    const step = MIGRATIONS[v];
    if (!step) throw new Error(`no preferences migration from version ${v}`);
    doc = step(doc);
    v += 1;
  }
  // A newer version (downgraded app): keep whatever fields still validate.
  const prefs: Preferences = { ...DEFAULT_PREFERENCES };
  const dropped: string[] = [];
  for (const key of Object.keys(fields) as PreferenceKey[]) {
    if (!(key in doc)) continue;
    const parsed = fields[key].safeParse(doc[key]);
    if (parsed.success) (prefs as Record<PreferenceKey, unknown>)[key] = parsed.data;
    else dropped.push(key);
  }
  // An empty store is a first run, not a migration.
  const fresh = Object.keys(doc).every((k) => k === 'schemaVersion') && from === 0;
  return { prefs, migratedFrom: from === PREFS_VERSION || fresh ? null : from, dropped };
}

/** Validates one preference update; throws a readable error for a bad value. */
export function validatePreference<K extends PreferenceKey>(
  key: K,
  value: unknown,
): Preferences[K] {
  const parsed = fields[key].safeParse(value);
  if (!parsed.success) throw new TypeError(`invalid preference ${key}: ${parsed.error.message}`);
  return parsed.data as Preferences[K];
}
