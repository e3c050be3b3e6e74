/** Resolve `user=` values (name or uid) through /etc/passwd, like Python's `pwd` module. */
import fs from 'node:fs';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export function lookupUser(user: string, passwdFile = '/etc/passwd'): PasswdEntry | null {
  let text: string;
  try {
    text = fs.readFileSync(passwdFile, 'utf8');
  } catch {
    return null;
  }
  const byUid = /^\d+$/.test(user);
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7) continue;
    const entry = { name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' };
    if (byUid ? entry.uid === Number(user) : entry.name === user) return entry;
  }
  return null;
}

/** supervisord's `drop_privileges` check: null when fine, else its error text. */
export function privilegeError(
  user: string,
  currentUid: number,
): { error: string } | { uid: number; gid: number } | null {
  const rec = lookupUser(user);
  if (rec === null) {
    return {
      error: /^\d+$/.test(user) ? `Can't find uid ${user}` : `Can't find username '${user}'`,
    };
  }
  if (rec.uid === currentUid) return null;
  if (currentUid !== 0) return { error: "Can't drop privilege as nonroot user" };
  return { uid: rec.uid, gid: rec.gid };
}
