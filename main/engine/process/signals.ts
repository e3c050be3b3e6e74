import { constants } from 'node:os';

const SIGNALS = constants.signals as Record<string, number>;
const BY_NUMBER = new Map<number, string>();
for (const [name, num] of Object.entries(SIGNALS)) {
  if (!BY_NUMBER.has(num)) BY_NUMBER.set(num, name.replace(/^SIG/, ''));
}

/** Signal number from `TERM`, `SIGTERM`, `15`; undefined when it is not a real signal. */
export function signalNumber(sig: string | number): number | undefined {
  if (typeof sig === 'number') return BY_NUMBER.has(sig) ? sig : undefined;
  const s = sig.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return BY_NUMBER.has(n) ? n : undefined;
  }
  const up = s.toUpperCase();
  const name = up.startsWith('SIG') ? up : `SIG${up}`;
  return SIGNALS[name];
}

/** `SIGTERM` style name of a signal number, as supervisord's `signame`. */
export function signalName(num: number): string {
  const n = BY_NUMBER.get(num);
  return n === undefined ? `signal ${num}` : `SIG${n}`;
}
