import { describe, expect, it } from 'vitest';
import {
  emptyDocument,
  getOption,
  parseIni,
  pyRepr,
  type IniDocument,
} from '../../../main/engine/config/ini.js';

function parse(
  text: string,
  file = '/etc/x.conf',
): { doc: IniDocument; errors: ReturnType<typeof parseIni> } {
  const doc = emptyDocument();
  const errors = parseIni(text, file, doc);
  return { doc, errors };
}

function val(doc: IniDocument, section: string, key: string): string | undefined {
  return getOption(doc, section, key)?.value;
}

describe('ini: RawConfigParser rules as supervisord configures them', () => {
  it('reads key=value and key: value, lowercases keys, keeps section case, records lines', () => {
    const { doc, errors } = parse('[Program:Web]\nCommand = run it\nuser: bob\n');
    expect(errors).toEqual([]);
    expect(val(doc, 'Program:Web', 'command')).toBe('run it');
    expect(val(doc, 'Program:Web', 'user')).toBe('bob');
    expect(getOption(doc, 'Program:Web', 'user')).toMatchObject({ line: 3, file: '/etc/x.conf' });
    expect(doc.sections.get('Program:Web')?.line).toBe(1);
  });

  it('splits at the first = or :', () => {
    const { doc } = parse('[a]\nenvironment=A=b,C=d\nurl = http://x:1\nk:v=w\n');
    expect(val(doc, 'a', 'environment')).toBe('A=b,C=d');
    expect(val(doc, 'a', 'url')).toBe('http://x:1');
    expect(val(doc, 'a', 'k')).toBe('v=w');
  });

  it('full-line comments with ; and #, also indented', () => {
    const { doc, errors } = parse('; c\n# c\n[a]\n  ; c\n\t# c\nk=v\n');
    expect(errors).toEqual([]);
    expect(val(doc, 'a', 'k')).toBe('v');
  });

  it('inline comments only after whitespace; quoting does not protect', () => {
    const { doc } = parse(
      "[a]\nk1=foo ; bar\nk2=foo;bar\nk3=a#b\nk4=x\t# tab comment\nk5=bash -c 'foo ; bar'\n[b] ; header comment\nk=1\n",
    );
    expect(val(doc, 'a', 'k1')).toBe('foo');
    expect(val(doc, 'a', 'k2')).toBe('foo;bar');
    expect(val(doc, 'a', 'k3')).toBe('a#b');
    expect(val(doc, 'a', 'k4')).toBe('x');
    expect(val(doc, 'a', 'k5')).toBe("bash -c 'foo");
    expect(val(doc, 'b', 'k')).toBe('1');
  });

  it("reproduces Python's round-by-round inline comment search", () => {
    // round 1 finds the first ';' (valid) and the first '#' (invalid: 'a#b'); the valid '#c'
    // after it is the 2nd '#', never looked at, so the cut is at ' ;'.
    const { doc } = parse('[a]\nk=echo a#b #c ; d\n');
    expect(val(doc, 'a', 'k')).toBe('echo a#b #c');
  });

  it('folds indented continuation lines, keeps blank lines inside, strips the end', () => {
    const { doc } = parse('[a]\nk=one\n  two\n\n  three\n\nnext=1\n');
    expect(val(doc, 'a', 'k')).toBe('one\ntwo\n\nthree');
    expect(val(doc, 'a', 'next')).toBe('1');
  });

  it('comment lines inside a value neither end it nor add to it', () => {
    const { doc } = parse('[a]\nk=one\n; note\n  two\n');
    expect(val(doc, 'a', 'k')).toBe('one\ntwo');
  });

  it('an indented option line is a new option when nothing precedes it', () => {
    const { doc } = parse('[a]\n  k=1\n  j=2\n');
    expect(val(doc, 'a', 'k')).toBe('1');
    expect(val(doc, 'a', 'j')).toBe('2');
  });

  it('duplicate sections merge and duplicate keys are last-wins (strict=False), also across files', () => {
    const doc = emptyDocument();
    parseIni('[a]\nk=1\nj=1\n[a]\nk=2\n', '/one.conf', doc);
    parseIni('[a]\nj=3\n', '/two.conf', doc);
    expect(getOption(doc, 'a', 'k')).toMatchObject({ value: '2', line: 5, file: '/one.conf' });
    expect(getOption(doc, 'a', 'j')).toMatchObject({ value: '3', line: 2, file: '/two.conf' });
    expect(doc.sections.get('a')).toMatchObject({ file: '/one.conf', line: 1 });
  });

  it('[DEFAULT] values are visible in every section', () => {
    const { doc } = parse('[DEFAULT]\nk=d\n[a]\n[b]\nk=b\n');
    expect(val(doc, 'a', 'k')).toBe('d');
    expect(val(doc, 'b', 'k')).toBe('b');
    expect(doc.sections.has('DEFAULT')).toBe(false);
  });

  it('handles CRLF, CR, no final newline and trailing whitespace', () => {
    const { doc } = parse('[a]\r\nk=1   \r\nj=2\rl=3');
    expect(val(doc, 'a', 'k')).toBe('1');
    expect(val(doc, 'a', 'j')).toBe('2');
    expect(val(doc, 'a', 'l')).toBe('3');
  });

  it('header regex is greedy up to the last ]', () => {
    const { doc } = parse('[a]b] tail\nk=1\n');
    expect(val(doc, 'a]b', 'k')).toBe('1');
  });

  it('reports an option before any section header and stops the file', () => {
    const { doc, errors } = parse('k=1\n[a]\nj=2\n', '/f.conf');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: '/f.conf', line: 1 });
    expect(errors[0]?.message).toMatch(/File contains no section headers/);
    expect(doc.sections.size).toBe(0);
  });

  it('collects every bad line and keeps going', () => {
    const { doc, errors } = parse('[a]\nnot an option\nk=1\n=novalue\nalso bad\n');
    expect(errors.map((e) => e.line)).toEqual([2, 4, 5]);
    expect(val(doc, 'a', 'k')).toBe('1');
  });

  it('pyRepr quotes like Python', () => {
    expect(pyRepr('abc')).toBe("'abc'");
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr('a\nb\\')).toBe("'a\\nb\\\\'");
  });
});
