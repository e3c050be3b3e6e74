/**
 * Runtime argument schemas, one per invoke channel. Types are erased at runtime, so every
 * argument the renderer sends is checked here before a handler sees it.
 */
import { z } from 'zod';
import { MAX_LOG_READ, type Invoke, type InvokeChannel } from '../../preload/contract.js';

// Printable names only; supervisord names never contain control characters.
const name = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'control characters');
/** A single process: `group:*` is a group operation and has its own channel. */
const processName = name.refine((n) => !n.endsWith(':*'), 'use the group channel for group:*');
const signal = z.string().regex(/^[A-Za-z0-9]{1,16}$/, 'a signal name or number');
const stream = z.enum(['stdout', 'stderr', 'main']);
const id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const none = z.tuple([]);

/** The schema of each channel's positional arguments, typed against the contract. */
export const INVOKE_ARGS: { [C in InvokeChannel]: z.ZodType<Invoke[C]['args']> } = {
  'supervisor:snapshot': none,
  'config:view': none,
  'config:status': none,
  'config:preview-reload': none,
  'config:apply-reload': none,
  'process:start': z.tuple([processName]),
  'process:stop': z.tuple([processName]),
  'process:restart': z.tuple([processName]),
  'process:signal': z.tuple([processName, signal]),
  'process:clear-logs': z.tuple([processName]),
  'process:history': z.tuple([processName]),
  'group:start': z.tuple([name]),
  'group:stop': z.tuple([name]),
  'group:restart': z.tuple([name]),
  'group:signal': z.tuple([name, signal]),
  'all:start': none,
  'all:stop': none,
  'all:restart': none,
  'all:signal': z.tuple([signal]),
  'all:clear-logs': none,
  'log:read': z
    .tuple([
      z.string().max(512),
      stream,
      z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      z.number().int().min(0).max(MAX_LOG_READ),
    ])
    .refine(([n, s]) => s === 'main' || processName.safeParse(n).success, 'a process name'),
  'log:search': z
    .tuple([z.string().max(512), stream, z.string().min(1).max(1024)])
    .refine(([n, s]) => s === 'main' || processName.safeParse(n).success, 'a process name'),
  'stats:get': none,
  'log:subscribe': z
    .tuple([z.string().max(512), stream])
    .refine(([n, s]) => s === 'main' || processName.safeParse(n).success, 'a process name'),
  'log:unsubscribe': z.tuple([id]),
  'stats:subscribe': none,
  'stats:unsubscribe': z.tuple([id]),
};

/** Every invoke channel name (the keys of the schema table). */
export const INVOKE_CHANNELS = Object.keys(INVOKE_ARGS) as InvokeChannel[];

/** Validates `args` for `channel`; returns the parsed tuple or an error message. */
export function parseArgs<C extends InvokeChannel>(
  channel: C,
  args: unknown[],
): { ok: true; args: Invoke[C]['args'] } | { ok: false; message: string } {
  const parsed = INVOKE_ARGS[channel].safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data };
  const message = parsed.error.issues
    .map((i) => `${i.path.length > 0 ? `argument ${i.path.join('.')}` : 'arguments'}: ${i.message}`)
    .join('; ');
  return { ok: false, message };
}
