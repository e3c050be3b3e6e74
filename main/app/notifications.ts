/**
 * Which state changes deserve a desktop notification. Pure: the Electron side only shows them.
 */
import { ProcessStates } from '../engine/model/states.js';
import type { StateTransition } from '../engine/model/types.js';
import { namespecOf } from './tray-template.js';

/** The notification preferences. */
export interface NotificationPrefs {
  /** A program gave up starting (BACKOFF → FATAL). */
  fatal: boolean;
  /** A program exited with a status not in `exitcodes` (RUNNING → EXITED, expected=false). */
  unexpectedExit: boolean;
}

/** A notification to show; clicking it opens `namespec`'s log. */
export interface NotificationSpec {
  namespec: string;
  title: string;
  body: string;
}

/** Do not repeat a notification for the same program more often than this (a crash loop). */
export const NOTIFY_MIN_INTERVAL_MS = 30_000;

/**
 * Decides whether `t` notifies. `lastShown` (namespec → ms) is read and updated, so a program
 * stuck in an autorestart crash loop notifies once per interval, not once per crash.
 */
export function notificationFor(
  t: StateTransition,
  prefs: NotificationPrefs,
  lastShown: Map<string, number>,
): NotificationSpec | null {
  const namespec = namespecOf(t);
  let spec: NotificationSpec | null = null;
  if (t.to === ProcessStates.FATAL && prefs.fatal) {
    spec = {
      namespec,
      title: `${namespec} failed to start`,
      body: `${namespec} entered FATAL after ${t.tries} ${t.tries === 1 ? 'try' : 'tries'}. Click to see its log.`,
    };
  } else if (t.to === ProcessStates.EXITED && t.expected === false && prefs.unexpectedExit) {
    const status = t.exitstatus === null ? '' : ` (exit status ${t.exitstatus})`;
    spec = {
      namespec,
      title: `${namespec} exited unexpectedly`,
      body: `${namespec} exited${status}. Click to see its log.`,
    };
  }
  if (spec === null) return null;
  const last = lastShown.get(namespec);
  // FATAL always gets through: it is terminal, so it cannot loop.
  if (t.to !== ProcessStates.FATAL && last !== undefined && t.at - last < NOTIFY_MIN_INTERVAL_MS)
    return null;
  lastShown.set(namespec, t.at);
  return spec;
}
