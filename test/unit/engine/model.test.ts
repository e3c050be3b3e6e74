import { describe, expect, it } from 'vitest';

import { SupervisorError } from '../../../main/engine/model/faults.js';
import {
  ProcessStates as S,
  type ProcessState,
  stateName,
} from '../../../main/engine/model/states.js';
import { ALLOWED_TRANSITIONS, assertTransition } from '../../../main/engine/model/transitions.js';

const ALL = Object.values(S) as ProcessState[];

describe('the process state transition table', () => {
  // supervisord's Subprocess edges (style.md B1).
  const expected: Record<string, string[]> = {
    STOPPED: ['STARTING'],
    STARTING: ['RUNNING', 'BACKOFF', 'STOPPING', 'UNKNOWN'],
    RUNNING: ['STOPPING', 'EXITED', 'UNKNOWN'],
    BACKOFF: ['STARTING', 'FATAL', 'STOPPED'],
    STOPPING: ['STOPPED', 'UNKNOWN'],
    EXITED: ['STARTING'],
    FATAL: ['STARTING'],
    UNKNOWN: [],
  };

  for (const from of ALL) {
    for (const to of ALL) {
      const allowed = expected[stateName(from)]?.includes(stateName(to)) ?? false;
      it(`${stateName(from)} → ${stateName(to)} is ${allowed ? 'allowed' : 'rejected'}`, () => {
        if (allowed) expect(() => assertTransition(from, to)).not.toThrow();
        else expect(() => assertTransition(from, to)).toThrow(/illegal process state transition/);
      });
    }
  }

  it('has an entry for every state', () => {
    expect(
      Object.keys(ALLOWED_TRANSITIONS)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(ALL.slice().sort((a, b) => a - b));
  });
});

describe('SupervisorError', () => {
  it('formats faultString as NAME or NAME: text with supervisord codes', () => {
    expect(new SupervisorError('BAD_NAME', 'foo').faultString).toBe('BAD_NAME: foo');
    expect(new SupervisorError('BAD_NAME', 'foo').code).toBe(10);
    expect(new SupervisorError('SHUTDOWN_STATE').faultString).toBe('SHUTDOWN_STATE');
    expect(new SupervisorError('CANT_REREAD').code).toBe(92);
  });
});
