import { describe, expect, it } from 'vitest';
import { notificationFor, NOTIFY_MIN_INTERVAL_MS } from '../../../../main/app/notifications.js';
import { ProcessStates as S, type ProcessState } from '../../../../main/engine/model/states.js';
import type { StateTransition } from '../../../../main/engine/model/types.js';

function t(
  from: ProcessState,
  to: ProcessState,
  extra: Partial<StateTransition> = {},
): StateTransition {
  return {
    at: 1_000_000,
    name: 'web',
    group: 'web',
    from,
    to,
    pid: 0,
    tries: 3,
    expected: null,
    exitstatus: null,
    ...extra,
  };
}
const ON = { fatal: true, unexpectedExit: true };

describe('notificationFor', () => {
  it('notifies BACKOFF → FATAL', () => {
    expect(notificationFor(t(S.BACKOFF, S.FATAL), ON, new Map())).toMatchObject({
      namespec: 'web',
      title: 'web failed to start',
    });
  });

  it('notifies an unexpected exit with its status, not an expected one', () => {
    const n = notificationFor(
      t(S.RUNNING, S.EXITED, { expected: false, exitstatus: 3, group: 'g' }),
      ON,
      new Map(),
    );
    expect(n).toMatchObject({ namespec: 'g:web', title: 'g:web exited unexpectedly' });
    expect(n?.body).toContain('exit status 3');
    expect(
      notificationFor(t(S.RUNNING, S.EXITED, { expected: true, exitstatus: 0 }), ON, new Map()),
    ).toBeNull();
  });

  it.each([
    [S.STOPPED, S.STARTING],
    [S.STARTING, S.RUNNING],
    [S.STARTING, S.BACKOFF],
    [S.RUNNING, S.STOPPING],
    [S.STOPPING, S.STOPPED],
  ])('ignores %s → %s', (from, to) => {
    expect(notificationFor(t(from, to), ON, new Map())).toBeNull();
  });

  it('honours the preferences', () => {
    expect(
      notificationFor(t(S.BACKOFF, S.FATAL), { fatal: false, unexpectedExit: true }, new Map()),
    ).toBeNull();
    expect(
      notificationFor(
        t(S.RUNNING, S.EXITED, { expected: false }),
        { fatal: true, unexpectedExit: false },
        new Map(),
      ),
    ).toBeNull();
  });

  it('throttles a crash loop per program', () => {
    const seen = new Map<string, number>();
    const exit = (at: number, name = 'web') =>
      t(S.RUNNING, S.EXITED, { expected: false, at, name, group: name });
    expect(notificationFor(exit(0), ON, seen)).not.toBeNull();
    expect(notificationFor(exit(1000), ON, seen)).toBeNull();
    expect(notificationFor(exit(500, 'other'), ON, seen)).not.toBeNull();
    expect(notificationFor(exit(NOTIFY_MIN_INTERVAL_MS + 1), ON, seen)).not.toBeNull();
    // FATAL is terminal and always shown.
    expect(
      notificationFor({ ...t(S.BACKOFF, S.FATAL), at: NOTIFY_MIN_INTERVAL_MS + 2 }, ON, seen),
    ).not.toBeNull();
  });
});
