import { describe, expect, it } from 'vitest';
import {
  autoRestart,
  boolean,
  byteSize,
  dictOfKeyValuePairs,
  expandUser,
  inetAddress,
  integer,
  listOfExitcodes,
  listOfStrings,
  logfileName,
  loggingLevel,
  octal,
  processOrGroupName,
  shlexTokens,
  signalName,
  url,
  userGroup,
} from '../../../main/engine/config/datatypes.js';
import { expand, replaceHere } from '../../../main/engine/config/expand.js';

describe('expand: Python %-formatting with a mapping, supervisord wording', () => {
  const ex = { program_name: 'web', process_num: 3, here: '/etc', ENV_X: 'x' };

  it('expands %(name)s, widths and %%', () => {
    expect(expand('%(program_name)s_%(process_num)02d', ex, 'n')).toBe('web_03');
    expect(expand('%(process_num)s|%(process_num)3d|%(process_num)-3d|', ex, 'n')).toBe(
      '3|  3|3  |',
    );
    expect(expand('%(program_name)5s|%(program_name).1s', ex, 'n')).toBe('  web|w');
    expect(expand('100%% %(ENV_X)s', ex, 'n')).toBe('100% x');
    expect(
      expand('%(process_num)x %(process_num)o %(process_num)r %(program_name)r', ex, 'n'),
    ).toBe("3 3 3 'web'");
  });

  it('unknown names list the available ones, sorted', () => {
    expect(() => expand('%(nope)s', ex, 'program:web.command')).toThrow(
      "Format string '%(nope)s' for 'program:web.command' contains names ('nope') which cannot be expanded. " +
        'Available names: ENV_X, here, process_num, program_name',
    );
  });

  it('bad formats are errors like Python', () => {
    expect(() => expand('50%', ex, 'k')).toThrow(
      "Format string '50%' for 'k' is badly formatted: incomplete format",
    );
    expect(() => expand('%h', ex, 'k')).toThrow('is badly formatted: incomplete format');
    expect(() => expand('%q x', ex, 'k')).toThrow(
      "is badly formatted: unsupported format character 'q' (0x71) at index 1",
    );
    expect(expand('%(process_num)5.2f|%(process_num)+d|%(process_num)#x', ex, 'k')).toBe(
      ' 3.00|+3|0x3',
    );
    expect(() => expand('%(program_name)d', ex, 'k')).toThrow(
      '%d format: a real number is required, not str',
    );
    expect(() => expand('%(program_name', ex, 'k')).toThrow('badly formatted');
  });

  it('the first problem from the left wins', () => {
    expect(() => expand('%(nope)s %h', ex, 'k')).toThrow('cannot be expanded');
    expect(() => expand('%q %(nope)s', ex, 'k')).toThrow('unsupported format character');
  });

  it('replaceHere is textual', () => {
    expect(replaceHere('%(here)s/a:%(here)s', '/d')).toBe('/d/a:/d');
  });
});

describe('datatypes', () => {
  it('boolean', () => {
    for (const t of ['yes', 'TRUE', 'On', '1']) expect(boolean(t)).toBe(true);
    for (const f of ['no', 'False', 'OFF', '0']) expect(boolean(f)).toBe(false);
    expect(() => boolean('y')).toThrow("not a valid boolean value: 'y'");
  });

  it('integer (Python int())', () => {
    expect(integer('42')).toBe(42);
    expect(integer(' -7 ')).toBe(-7);
    expect(integer('1_000')).toBe(1000);
    expect(() => integer('abc')).toThrow('expected an integer, got "abc"');
    expect(() => integer('1.5')).toThrow();
    expect(() => integer('')).toThrow();
  });

  it('byte size', () => {
    expect(byteSize('1024')).toBe(1024);
    expect(byteSize('10kb')).toBe(10240);
    expect(byteSize('50MB')).toBe(50 * 1024 * 1024);
    expect(byteSize('1Gb')).toBe(1024 ** 3);
    expect(byteSize('1500 KB')).toBe(1500 * 1024);
    expect(byteSize('0')).toBe(0);
    expect(() => byteSize('10 TB')).toThrow(/byte size/);
    expect(() => byteSize('KB')).toThrow();
  });

  it('octal', () => {
    expect(octal('022')).toBe(0o22);
    expect(octal('0777')).toBe(0o777);
    expect(octal('0o700')).toBe(0o700);
    expect(() => octal('089')).toThrow('089 can not be converted to an octal type');
  });

  it('signal', () => {
    expect(signalName('TERM')).toBe('TERM');
    expect(signalName('sigkill')).toBe('KILL');
    expect(signalName(' quit ')).toBe('QUIT');
    expect(signalName('15')).toBe('TERM');
    expect(signalName('HUP')).toBe('HUP');
    expect(() => signalName('BOGUS')).toThrow("value 'BOGUS' is not a valid signal name");
    expect(() => signalName('99')).toThrow("value '99' is not a valid signal number");
  });

  it('exit codes', () => {
    expect(listOfExitcodes('0')).toEqual([0]);
    expect(listOfExitcodes('0, 1,2')).toEqual([0, 1, 2]);
    expect(listOfExitcodes('')).toEqual([]);
    expect(() => listOfExitcodes('256')).toThrow("not a valid list of exit codes: '256'");
    expect(() => listOfExitcodes('0,x')).toThrow('not a valid list of exit codes');
  });

  it('autorestart', () => {
    expect(autoRestart('unexpected')).toBe('unexpected');
    expect(autoRestart('TRUE')).toBe(true);
    expect(autoRestart('false')).toBe(false);
    expect(() => autoRestart('sometimes')).toThrow("invalid 'autorestart' value 'sometimes'");
  });

  it('logfile names', () => {
    expect(logfileName('AUTO')).toBe('AUTO');
    expect(logfileName('auto')).toBe('AUTO');
    expect(logfileName('NONE')).toBeNull();
    expect(logfileName('off')).toBeNull();
    expect(logfileName('syslog')).toEqual({ syslog: true });
    expect(logfileName('/var/log/x.log')).toBe('/var/log/x.log');
  });

  it('logging level', () => {
    expect(loggingLevel('DEBUG')).toBe('debug');
    expect(loggingLevel('blather')).toBe('blather');
    expect(() => loggingLevel('warning')).toThrow("bad logging level name 'warning'");
  });

  it('shlex tokens (non-POSIX, supervisord wordchars)', () => {
    expect(shlexTokens('A="x y",B=/a/b:c')).toEqual(['A', '=', '"x y"', ',', 'B', '=', '/a/b:c']);
    expect(shlexTokens("K='v'")).toEqual(['K', '=', "'v'"]);
    expect(shlexTokens('A=a$b')).toEqual(['A', '=', 'a', '$', 'b']);
    expect(shlexTokens('A=1 # comment\nB=2')).toEqual(['A', '=', '1', 'B', '=', '2']);
    expect(() => shlexTokens('A="open')).toThrow('No closing quotation');
  });

  it('KEY=val dict', () => {
    expect(dictOfKeyValuePairs('A="x, y",B=2')).toEqual({ A: 'x, y', B: '2' });
    expect(dictOfKeyValuePairs('DISPLAY=":1",HOME="/root"')).toEqual({
      DISPLAY: ':1',
      HOME: '/root',
    });
    expect(dictOfKeyValuePairs('A=1,B=2,')).toEqual({ A: '1', B: '2' });
    expect(dictOfKeyValuePairs('NODE_ENV=production-linux,P=/a/b')).toEqual({
      NODE_ENV: 'production-linux',
      P: '/a/b',
    });
    expect(dictOfKeyValuePairs('')).toEqual({});
    expect(() => dictOfKeyValuePairs('PATH=/bin:$PATH')).toThrow(
      "Unexpected end of key/value pairs in value 'PATH=/bin:$PATH'",
    );
    expect(() => dictOfKeyValuePairs('A=1,,B=2')).toThrow('Unexpected end of key/value pairs');
  });

  it('names', () => {
    expect(processOrGroupName(' web ')).toBe('web');
    expect(() => processOrGroupName('a b')).toThrow(
      "Invalid name: 'a b' because of character: ' '",
    );
    expect(() => processOrGroupName('a:b')).toThrow("because of character: ':'");
    expect(() => processOrGroupName('a/b')).toThrow("because of character: '/'");
  });

  it('inet address', () => {
    expect(inetAddress('127.0.0.1:9001')).toEqual(['127.0.0.1', 9001]);
    expect(inetAddress('*:9001')).toEqual(['', 9001]);
    expect(inetAddress(':9001')).toEqual(['', 9001]);
    expect(inetAddress('9001')).toEqual(['', 9001]);
    expect(inetAddress('LOCALHOST:1')).toEqual(['localhost', 1]);
    expect(() => inetAddress('host:')).toThrow("no port number specified in ''");
    expect(() => inetAddress('host:70000')).toThrow('70000 is above upper bound (65535)');
    expect(() => inetAddress('nope')).toThrow("not a valid port number: 'nope'");
  });

  it('misc', () => {
    expect(listOfStrings(' a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(listOfStrings('')).toEqual([]);
    expect(userGroup('www:www')).toBe('www:www');
    expect(() => userGroup('a:')).toThrow('Invalid user:group definition a:');
    expect(url('unix:///tmp/s.sock')).toBe('unix:///tmp/s.sock');
    expect(() => url('localhost')).toThrow('is not a URL');
    expect(expandUser('~/x', '/home/u')).toBe('/home/u/x');
    expect(expandUser('~bob/x', '/home/u')).toBe('~bob/x');
  });
});
