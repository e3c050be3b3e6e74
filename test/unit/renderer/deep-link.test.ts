import { describe, expect, it } from 'vitest';
import { deepLinkHash, parseDeepLink, resolveDeepLink } from '../../../renderer/model/deep-link.js';

describe('parseDeepLink', () => {
  it('reads what the shell writes (#log=<encodeURIComponent(namespec)>)', () => {
    expect(parseDeepLink(`#log=${encodeURIComponent('web:web_01')}`)).toEqual({
      log: 'web:web_01',
      stream: null,
    });
    expect(parseDeepLink('#log=web')).toEqual({ log: 'web', stream: null });
    expect(parseDeepLink('log=web')).toEqual({ log: 'web', stream: null });
    // A name with spaces, %, & and = survives the round trip.
    const odd = 'my group:a b%c&d=e';
    expect(parseDeepLink(deepLinkHash(odd))).toEqual({ log: odd, stream: null });
  });

  it('reads an optional stream and ignores unknown keys and values', () => {
    expect(parseDeepLink('#log=api:api&stream=stderr')).toEqual({
      log: 'api:api',
      stream: 'stderr',
    });
    expect(parseDeepLink('#stream=both&log=api')).toEqual({ log: 'api', stream: 'both' });
    expect(parseDeepLink('#log=api&stream=main&x=1')).toEqual({ log: 'api', stream: null });
    expect(parseDeepLink(deepLinkHash('api', 'stderr'))).toEqual({ log: 'api', stream: 'stderr' });
  });

  it('returns null for no link, an empty or malformed one', () => {
    expect(parseDeepLink('')).toBeNull();
    expect(parseDeepLink('#')).toBeNull();
    expect(parseDeepLink('#log=')).toBeNull();
    expect(parseDeepLink('#log=%20%20')).toBeNull();
    expect(parseDeepLink('#log')).toBeNull();
    expect(parseDeepLink('#other=web')).toBeNull();
    expect(parseDeepLink('#log=%E0%A4%A')).toBeNull(); // broken %-encoding
    expect(parseDeepLink('#log=a%0Ab')).toBeNull(); // control character
    expect(parseDeepLink(`#log=${'x'.repeat(513)}`)).toBeNull();
  });

  it('takes the last log key when there are several', () => {
    expect(parseDeepLink('#log=a&log=b')?.log).toBe('b');
  });
});

describe('resolveDeepLink', () => {
  const procs = [
    { group: 'web', name: 'web' },
    { group: 'workers', name: 'workers_00' },
    { group: 'workers', name: 'workers_01' },
    { group: 'g1', name: 'dup' },
    { group: 'g2', name: 'dup' },
  ];

  it('matches group:name exactly', () => {
    expect(resolveDeepLink('workers:workers_01', procs)).toBe('workers:workers_01');
    expect(resolveDeepLink('web:web', procs)).toBe('web:web');
    expect(resolveDeepLink('workers:nope', procs)).toBeNull();
  });

  it('matches a bare name whose group has the same name, or a unique name', () => {
    expect(resolveDeepLink('web', procs)).toBe('web:web');
    expect(resolveDeepLink('workers_00', procs)).toBe('workers:workers_00');
    expect(resolveDeepLink('dup', procs)).toBeNull(); // ambiguous
    expect(resolveDeepLink('missing', procs)).toBeNull();
    expect(resolveDeepLink('workers', procs)).toBeNull(); // a group, not a process
  });
});
