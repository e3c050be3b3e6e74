import { describe, expect, it } from 'vitest';
import { issueLocation, parseConfigIssues } from '../../../renderer/model/config-issues.js';

describe('parseConfigIssues', () => {
  it('parses the engine ConfigError lines behind CANT_REREAD', () => {
    const text =
      'CANT_REREAD: supervisord.conf:6 [program:x] autostart: not a valid boolean value: ' +
      '\'maybe\'\n/etc/paddock/conf.d/b.ini:7 [program:y] startsecs: expected an integer, got "abc"\n' +
      'a b.conf:9 [program:z] command: program section program:z does not specify a command';
    const issues = parseConfigIssues(text);
    expect(issues).toEqual([
      {
        file: 'supervisord.conf',
        line: 6,
        section: 'program:x',
        option: 'autostart',
        message: "not a valid boolean value: 'maybe'",
      },
      {
        file: '/etc/paddock/conf.d/b.ini',
        line: 7,
        section: 'program:y',
        option: 'startsecs',
        message: 'expected an integer, got "abc"',
      },
      {
        file: 'a b.conf',
        line: 9,
        section: 'program:z',
        option: 'command',
        message: 'program section program:z does not specify a command',
      },
    ]);
    expect(issues.map(issueLocation)).toEqual([
      'supervisord.conf:6',
      '/etc/paddock/conf.d/b.ini:7',
      'a b.conf:9',
    ]);
  });

  it('accepts issues without line, section or option', () => {
    expect(parseConfigIssues('x.conf:3: File contains no section headers')).toEqual([
      {
        file: 'x.conf',
        line: 3,
        section: null,
        option: null,
        message: 'File contains no section headers',
      },
    ]);
    expect(parseConfigIssues('/etc/s.conf [include]: no files matched')[0]).toMatchObject({
      file: '/etc/s.conf',
      line: null,
      section: 'include',
      option: null,
    });
    expect(parseConfigIssues('/etc/s.conf: could not read (ENOENT)')[0]).toMatchObject({
      file: '/etc/s.conf',
      line: null,
      message: 'could not read (ENOENT)',
    });
  });

  it('keeps prose that is not file…: message as a bare message', () => {
    const issues = parseConfigIssues(
      "CANT_REREAD: no config file to re-read\n\nFile contains no section headers. file: '/x.conf', line: 1",
    );
    expect(issues).toEqual([
      { file: null, line: null, section: null, option: null, message: 'no config file to re-read' },
      {
        file: null,
        line: null,
        section: null,
        option: null,
        message: "File contains no section headers. file: '/x.conf', line: 1",
      },
    ]);
    expect(issueLocation(issues[0]!)).toBe('');
    expect(parseConfigIssues('')).toEqual([]);
  });
});
