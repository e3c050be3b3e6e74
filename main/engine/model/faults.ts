/** supervisord's XML-RPC fault codes (`xmlrpc.Faults`). */
export const Faults = {
  UNKNOWN_METHOD: 1,
  INCORRECT_PARAMETERS: 2,
  BAD_ARGUMENTS: 3,
  SIGNATURE_UNSUPPORTED: 4,
  SHUTDOWN_STATE: 6,
  BAD_NAME: 10,
  BAD_SIGNAL: 11,
  NO_FILE: 20,
  NOT_EXECUTABLE: 21,
  FAILED: 30,
  ABNORMAL_TERMINATION: 40,
  SPAWN_ERROR: 50,
  ALREADY_STARTED: 60,
  NOT_RUNNING: 70,
  SUCCESS: 80,
  ALREADY_ADDED: 90,
  STILL_RUNNING: 91,
  CANT_REREAD: 92,
} as const;

export type FaultName = keyof typeof Faults;
export type FaultCode = (typeof Faults)[FaultName];

/** An engine error that maps 1:1 onto a supervisord fault (`faultString` is `NAME` or `NAME: text`). */
export class SupervisorError extends Error {
  readonly code: FaultCode;
  readonly faultName: FaultName;
  readonly text: string | undefined;

  constructor(name: FaultName, text?: string) {
    super(text === undefined ? name : `${name}: ${text}`);
    this.name = 'SupervisorError';
    this.faultName = name;
    this.code = Faults[name];
    this.text = text;
  }

  get faultString(): string {
    return this.message;
  }
}

export function faultNameOf(code: number): FaultName | undefined {
  return (Object.entries(Faults) as [FaultName, number][]).find(([, v]) => v === code)?.[0];
}
