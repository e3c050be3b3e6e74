/**
 * The Electron-free core of the IPC wrapper: the trusted-sender check, per-channel argument
 * validation and the result envelope. `register.ts` plugs it into `ipcMain.handle`.
 */
import { SupervisorError } from '../engine/model/faults.js';
import type { BridgeError, Invoke, InvokeChannel } from '../../preload/contract.js';
import { parseArgs } from './validators.js';

/** What crosses the IPC boundary for every invoke: never a thrown error. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

/** Who sent a message. */
export interface SenderInfo {
  /** `webContents.id` of the sender. */
  id: number;
  /** False for messages from a subframe (an iframe could host other content). */
  isMainFrame: boolean;
}

/** One handler per invoke channel; `sender` lets subscriptions be owned by their window. */
export type InvokeHandlers = {
  [C in InvokeChannel]: (
    sender: SenderInfo,
    ...args: Invoke[C]['args']
  ) => Invoke[C]['result'] | Promise<Invoke[C]['result']>;
};

/**
 * The set of `webContents` ids allowed to talk to main: added when our window is created,
 * removed on `destroyed`.
 */
export class TrustedSenders {
  private readonly ids = new Set<number>();
  add(id: number): void {
    this.ids.add(id);
  }
  remove(id: number): void {
    this.ids.delete(id);
  }
  has(id: number): boolean {
    return this.ids.has(id);
  }
}

/** Converts anything thrown into the contract's error shape (supervisor fault names). */
export function toBridgeError(err: unknown): BridgeError {
  if (err instanceof SupervisorError) {
    return { faultName: err.faultName, code: err.code, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { faultName: 'FAILED', code: 30, message: `FAILED: ${message}` };
}

function fail(faultName: 'UNKNOWN_METHOD' | 'BAD_ARGUMENTS', message: string): Envelope<never> {
  const code = faultName === 'UNKNOWN_METHOD' ? 1 : 3;
  return { ok: false, error: { faultName, code, message: `${faultName}: ${message}` } };
}

/** Error message of an untrusted sender (also logged by register.ts). */
export const UNTRUSTED = 'untrusted sender';

/**
 * Handles one invoke: untrusted senders and subframes are refused, arguments are validated
 * against the channel's schema, and the handler's result or fault is wrapped in an envelope.
 */
export async function dispatch(
  handlers: InvokeHandlers,
  trusted: TrustedSenders,
  channel: string,
  sender: SenderInfo,
  rawArgs: unknown[],
): Promise<Envelope<unknown>> {
  if (!trusted.has(sender.id) || !sender.isMainFrame) return fail('UNKNOWN_METHOD', UNTRUSTED);
  if (!Object.hasOwn(handlers, channel)) return fail('UNKNOWN_METHOD', channel);
  const ch = channel as InvokeChannel;
  const parsed = parseArgs(ch, rawArgs);
  if (!parsed.ok) return fail('BAD_ARGUMENTS', `${channel}: ${parsed.message}`);
  try {
    const handler = handlers[ch] as (s: SenderInfo, ...a: unknown[]) => unknown;
    const value = await handler(sender, ...(parsed.args as unknown[]));
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: toBridgeError(err) };
  }
}
