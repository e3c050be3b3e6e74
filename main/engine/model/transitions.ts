import { type ProcessState, ProcessStates as S, stateName } from './states.js';

/** Every state change supervisord's `Subprocess` can make; anything else is a bug. */
export const ALLOWED_TRANSITIONS: Readonly<Record<ProcessState, readonly ProcessState[]>> = {
  [S.STOPPED]: [S.STARTING],
  [S.STARTING]: [S.RUNNING, S.BACKOFF, S.STOPPING, S.UNKNOWN],
  [S.RUNNING]: [S.STOPPING, S.EXITED, S.UNKNOWN],
  [S.BACKOFF]: [S.STARTING, S.FATAL, S.STOPPED],
  [S.STOPPING]: [S.STOPPED, S.UNKNOWN],
  [S.EXITED]: [S.STARTING],
  [S.FATAL]: [S.STARTING],
  [S.UNKNOWN]: [],
};

export function isAllowedTransition(from: ProcessState, to: ProcessState): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** Throws when `from → to` is not an edge of the state machine. */
export function assertTransition(from: ProcessState, to: ProcessState): void {
  if (!isAllowedTransition(from, to)) {
    throw new Error(`illegal process state transition ${stateName(from)} -> ${stateName(to)}`);
  }
}
