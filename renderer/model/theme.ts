/**
 * Theme: follows the system's `prefers-color-scheme` until the user picks one with the toggle;
 * the pick is remembered in localStorage. The toggle always flips what is shown; a pick that
 * equals the system's scheme is forgotten, so the window follows the system again.
 */

export type Theme = 'light' | 'dark';
/** null: follow the system. */
export type ThemeChoice = Theme | null;

export const THEME_KEY = 'paddock-theme';

/** The remembered choice; anything unreadable means "follow the system". */
export function readThemeChoice(storage: Pick<Storage, 'getItem'> | null): ThemeChoice {
  try {
    const v = storage?.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null; // storage disabled
  }
}

export function writeThemeChoice(
  storage: Pick<Storage, 'setItem' | 'removeItem'> | null,
  choice: ThemeChoice,
): void {
  try {
    if (choice === null) storage?.removeItem(THEME_KEY);
    else storage?.setItem(THEME_KEY, choice);
  } catch {
    // storage disabled or full: the choice lasts for this page only
  }
}

export function effectiveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  return choice ?? (systemDark ? 'dark' : 'light');
}

/** The choice after one click of the toggle. */
export function toggleTheme(choice: ThemeChoice, systemDark: boolean): ThemeChoice {
  const next: Theme = effectiveTheme(choice, systemDark) === 'dark' ? 'light' : 'dark';
  return next === (systemDark ? 'dark' : 'light') ? null : next;
}
