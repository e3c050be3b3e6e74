/** Process states, numbered exactly as supervisord's `states.py` (the numbers are wire protocol). */
export const ProcessStates = {
  STOPPED: 0,
  STARTING: 10,
  RUNNING: 20,
  BACKOFF: 30,
  STOPPING: 40,
  EXITED: 100,
  FATAL: 200,
  UNKNOWN: 1000,
} as const;

export type ProcessStateName = keyof typeof ProcessStates;
export type ProcessState = (typeof ProcessStates)[ProcessStateName];

const NAMES = new Map<number, ProcessStateName>(
  (Object.entries(ProcessStates) as [ProcessStateName, ProcessState][]).map(([k, v]) => [v, k]),
);

/** The supervisord name of a state code (`statename` on the wire). */
export function stateName(state: number): ProcessStateName {
  const name = NAMES.get(state);
  if (name === undefined) throw new RangeError(`unknown process state ${state}`);
  return name;
}

export const STOPPED_STATES: readonly ProcessState[] = [
  ProcessStates.STOPPED,
  ProcessStates.EXITED,
  ProcessStates.FATAL,
  ProcessStates.UNKNOWN,
];
export const RUNNING_STATES: readonly ProcessState[] = [
  ProcessStates.RUNNING,
  ProcessStates.BACKOFF,
  ProcessStates.STARTING,
];
export const SIGNALLABLE_STATES: readonly ProcessState[] = [
  ProcessStates.RUNNING,
  ProcessStates.STARTING,
  ProcessStates.STOPPING,
];

export function isStopped(s: ProcessState): boolean {
  return STOPPED_STATES.includes(s);
}
export function isRunning(s: ProcessState): boolean {
  return RUNNING_STATES.includes(s);
}

/** The daemon's own states (`SupervisorStates`). */
export const SupervisorStates = {
  FATAL: 2,
  RUNNING: 1,
  RESTARTING: 0,
  SHUTDOWN: -1,
} as const;
export type SupervisorStateName = keyof typeof SupervisorStates;
export type SupervisorState = (typeof SupervisorStates)[SupervisorStateName];

export function supervisorStateName(s: SupervisorState): SupervisorStateName {
  const found = (Object.entries(SupervisorStates) as [SupervisorStateName, number][]).find(
    ([, v]) => v === s,
  );
  if (!found) throw new RangeError(`unknown supervisor state ${s}`);
  return found[0];
}

/** Event-listener protocol states (`EventListenerStates`). */
export const EventListenerStates = {
  READY: 10,
  BUSY: 20,
  ACKNOWLEDGED: 30,
  UNKNOWN: 40,
} as const;
export type EventListenerState = (typeof EventListenerStates)[keyof typeof EventListenerStates];
