/**
 * Deep links into the window, carried in the URL hash. The Electron shell opens the window (or
 * re-points it) at `…/index.html#log=<encodeURIComponent(namespec)>` from a notification or the
 * tray; the renderer opens that program's log viewer. In a browser the same hash works as a
 * bookmark: `http://host:9001/#log=web:web&stream=stderr`.
 */

export type DeepLinkStream = 'stdout' | 'stderr' | 'both';

export interface DeepLink {
  /** A namespec as the shell writes it: `group:name`, or `name` when group and name are equal. */
  log: string;
  stream: DeepLinkStream | null;
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * Parses `#log=<namespec>[&stream=stdout|stderr|both]` (the leading `#` is optional). Returns null
 * when there is no usable `log` key: absent, empty, badly %-encoded, or holding control characters.
 * Unknown keys and an unknown `stream` are ignored.
 */
export function parseDeepLink(hash: string): DeepLink | null {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text === '') return null;
  let log: string | null = null;
  let stream: DeepLinkStream | null = null;
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq);
    const value = decode(part.slice(eq + 1));
    if (value === null) continue;
    if (key === 'log') log = value.trim();
    else if (key === 'stream' && (value === 'stdout' || value === 'stderr' || value === 'both')) {
      stream = value;
    }
  }
  if (log === null || log === '' || log.length > 512) return null;
  if (/[\u0000-\u001f\u007f]/.test(log)) return null;
  return { log, stream };
}

/** The hash that opens `namespec`'s log (what the shell writes). */
export function deepLinkHash(namespec: string, stream: DeepLinkStream | null = null): string {
  return `#log=${encodeURIComponent(namespec)}${stream ? `&stream=${stream}` : ''}`;
}

/**
 * The `group:name` key of the process a deep link names, or null when no process matches.
 * Accepts `group:name`, and a bare `name` for a process whose group has the same name (how
 * supervisorctl and the shell print such processes) or, failing that, a unique process name.
 */
export function resolveDeepLink(
  log: string,
  processes: readonly { group: string; name: string }[],
): string | null {
  const exact = processes.find((p) => `${p.group}:${p.name}` === log);
  if (exact) return log;
  if (log.includes(':')) return null;
  const homonym = processes.find((p) => p.group === log && p.name === log);
  if (homonym) return `${log}:${log}`;
  const byName = processes.filter((p) => p.name === log);
  return byName.length === 1 ? `${byName[0]!.group}:${byName[0]!.name}` : null;
}
