/** Helpers for driving a real Supervisor in tests: await state changes instead of sleeping. */
import { Supervisor, type SupervisorOptions } from '../../main/engine/supervisor.js';
import { stateName } from '../../main/engine/model/states.js';
import type { Config, StateTransition } from '../../main/engine/model/types.js';

export class Recorder {
  readonly transitions: StateTransition[] = [];
  constructor(readonly sup: Supervisor) {
    sup.subscribe((e) => {
      if (e.type === 'process-state') this.transitions.push(e.transition);
    });
  }

  /** Transitions of one process as "FROM>TO" strings. */
  path(name: string): string[] {
    return this.transitions
      .filter((t) => t.name === name)
      .map((t) => `${stateName(t.from)}>${stateName(t.to)}`);
  }

  /** Resolve when `pred` holds after some state change (checked immediately too). */
  until(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsub();
        reject(
          new Error(
            `timed out waiting for ${what}; transitions: ${JSON.stringify(this.transitions.map((t) => `${t.name} ${stateName(t.from)}>${stateName(t.to)}`))}`,
          ),
        );
      }, timeoutMs);
      const unsub = this.sup.subscribe(() => {
        if (pred()) {
          clearTimeout(timer);
          unsub();
          resolve();
        }
      });
    });
  }

  state(name: string): string {
    return this.sup.getProcessInfo(name).statename;
  }

  untilState(name: string, state: string, timeoutMs?: number): Promise<void> {
    return this.until(() => this.state(name) === state, `${name} ${state}`, timeoutMs);
  }
}

export async function startSupervisor(config: Config, opts: SupervisorOptions = {}) {
  const sup = new Supervisor(config, opts);
  const rec = new Recorder(sup);
  await sup.start();
  return { sup, rec };
}

/** Poll `fn` (every 20 ms, deadline `timeoutMs`) until it returns a truthy value; for things with no event (file contents). */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The text of a process's log once `needle` appears in it. */
export function logContains(
  sup: Supervisor,
  name: string,
  needle: string | RegExp,
  channel: 'stdout' | 'stderr' = 'stdout',
) {
  return eventually(
    async () => {
      await sup.flushLogs();
      const file = sup.getProcessLogPath(name, channel);
      if (!file) return null;
      const text = (await import('node:fs')).readFileSync(file, 'utf8');
      return (typeof needle === 'string' ? text.includes(needle) : needle.test(text)) ? text : null;
    },
    `${name} ${channel} to contain ${String(needle)}`,
  );
}
