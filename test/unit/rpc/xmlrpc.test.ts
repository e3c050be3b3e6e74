import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseMethodCall,
  parseMethodResponse,
  sanitizeXmlText,
  serializeCall,
  serializeFault,
  serializeResponse,
  XmlRpcDouble,
  XmlRpcParseError,
  type XmlRpcValue,
} from '../../../main/engine/rpc/xmlrpc.js';

const PY = '/usr/bin/python3';
const hasPython = existsSync(PY);

function pyDumps(expr: string, response = true): string {
  const code = response
    ? `import sys,xmlrpc.client as x; sys.stdout.write(x.dumps((${expr},), methodresponse=True))`
    : `import sys,xmlrpc.client as x; sys.stdout.write(x.dumps(${expr}))`;
  return execFileSync(PY, ['-c', code], { encoding: 'utf8' });
}

/** Have Python's xmlrpc.client parse our document and print repr() of the result. */
function pyLoads(doc: string): string {
  const code =
    'import sys,xmlrpc.client as x\n' +
    'try:\n  print(repr(x.loads(sys.stdin.buffer.read())[0][0]))\n' +
    'except x.Fault as f:\n  print("FAULT", f.faultCode, repr(f.faultString))\n';
  return execFileSync(PY, ['-c', code], { input: doc, encoding: 'utf8' }).trim();
}

describe('serialize: byte-identical to Python xmlrpc.client.dumps', () => {
  const cases: [XmlRpcValue, string][] = [
    ['3.0', "'3.0'"],
    [true, 'True'],
    [0, '0'],
    [-2147483648, '-2147483648'],
    [1.5, '1.5'],
    [new XmlRpcDouble(2), '2.0'],
    ['a<b>&"\'', `'a<b>&"\\''`],
    [[], '[]'],
    [{}, '{}'],
    [
      { name: 'x', group: 'g', list: [1, 'two', false, [{ a: 1 }]] },
      "{'name':'x','group':'g','list':[1,'two',False,[{'a':1}]]}",
    ],
    [
      Buffer.from('hello world, this is longer than fifty-seven bytes of base64 input data!!'),
      "x.Binary(b'hello world, this is longer than fifty-seven bytes of base64 input data!!')",
    ],
  ];
  it.skipIf(!hasPython).each(cases)('%j', (value, py) => {
    expect(serializeResponse(value)).toBe(pyDumps(py));
  });

  it.skipIf(!hasPython)('faults and calls', () => {
    expect(serializeFault(10, 'BAD_NAME: foo')).toBe(
      pyDumps("x.Fault(10, 'BAD_NAME: foo')", false),
    );
    expect(serializeCall('supervisor.startProcess', ['foo', true])).toBe(
      pyDumps("('foo', True), 'supervisor.startProcess'", false),
    );
  });
});

describe('serialize: log text that is not valid XML', () => {
  it('replaces control characters and keeps \\r, ANSI text stays parseable by Python', () => {
    const text = 'red \u001b[31mX\u001b[0m\r\nnul\u0000 bell\u0007 tab\t ok é \uFFFF';
    const doc = serializeResponse(text);
    expect(doc).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(parseMethodResponse(doc)).toEqual({
      kind: 'value',
      value: sanitizeXmlText(text),
    });
    if (hasPython) {
      expect(pyLoads(doc)).toBe(
        "'red \uFFFD[31mX\uFFFD[0m\\r\\nnul\uFFFD bell\uFFFD tab\\t ok é \uFFFD'",
      );
    }
  });

  it('invalid UTF-8 bytes decode to U+FFFD', () => {
    const doc = serializeResponse(Buffer.from([0x61, 0xff, 0xfe, 0x62]).toString('utf8'));
    expect(parseMethodResponse(doc)).toEqual({ kind: 'value', value: 'a\uFFFD\uFFFDb' });
  });

  it('lone surrogates are replaced', () => {
    expect(sanitizeXmlText('a\uD800b\uDC00c\uD83D\uDE00')).toBe('a\uFFFDb\uFFFDc\uD83D\uDE00');
  });
});

describe('parseMethodCall', () => {
  it('round-trips every type', () => {
    const params: XmlRpcValue[] = [
      's',
      42,
      -1,
      true,
      new XmlRpcDouble(0.25),
      [1, [2, { k: 'v' }]],
      { a: { b: [] } },
      Buffer.from([0, 1, 2, 255]),
    ];
    expect(parseMethodCall(serializeCall('a.b', params))).toEqual({ methodName: 'a.b', params });
  });

  it('accepts untyped values, no <params>, comments, entities, CDATA, i4/i8', () => {
    const doc =
      '<?xml version="1.0" encoding="UTF-8"?><!-- hi --><methodCall>' +
      '<methodName> supervisor.getState </methodName><params>' +
      '<param><value>plain &amp; &#65;&#x42;</value></param>' +
      '<param><value><i4>7</i4></value></param>' +
      '<param><value><i8>9007199254740991</i8></value></param>' +
      '<param><value><string><![CDATA[<raw>]]></string></value></param>' +
      '<param><value/></param>' +
      '</params></methodCall>';
    expect(parseMethodCall(doc)).toEqual({
      methodName: 'supervisor.getState',
      params: ['plain & AB', 7, 9007199254740991, '<raw>', ''],
    });
    expect(parseMethodCall('<methodCall><methodName>x.y</methodName></methodCall>')).toEqual({
      methodName: 'x.y',
      params: [],
    });
  });

  const bad: [string, string][] = [
    ['empty', ''],
    ['not xml', 'hello'],
    ['unclosed', '<methodCall><methodName>a.b</methodName>'],
    ['mismatch', '<methodCall><methodName>a.b</methodCall></methodName>'],
    ['no name', '<methodCall><params/></methodCall>'],
    ['empty name', '<methodCall><methodName></methodName></methodCall>'],
    ['wrong root', '<methodResponse/>'],
    [
      'doctype',
      '<!DOCTYPE x [<!ENTITY a "b">]><methodCall><methodName>&a;</methodName></methodCall>',
    ],
    ['unknown entity', '<methodCall><methodName>&foo;</methodName></methodCall>'],
    [
      'bad int',
      '<methodCall><methodName>a.b</methodName><params><param><value><int>1x</int></value></param></params></methodCall>',
    ],
    [
      'int overflow',
      '<methodCall><methodName>a.b</methodName><params><param><value><int>2147483648</int></value></param></params></methodCall>',
    ],
    [
      'bad bool',
      '<methodCall><methodName>a.b</methodName><params><param><value><boolean>2</boolean></value></param></params></methodCall>',
    ],
    [
      'unknown type',
      '<methodCall><methodName>a.b</methodName><params><param><value><blob/></value></param></params></methodCall>',
    ],
    ['char ref to NUL', '<methodCall><methodName>a&#0;</methodName></methodCall>'],
    ['two roots', '<methodCall><methodName>a.b</methodName></methodCall><x/>'],
  ];
  it.each(bad)('rejects %s', (_label, doc) => {
    expect(() => parseMethodCall(doc)).toThrow(XmlRpcParseError);
  });

  it('rejects deep nesting quickly without a stack overflow', () => {
    const depth = 100_000;
    const doc =
      '<methodCall><methodName>a.b</methodName><params><param>' +
      '<value><array><data>'.repeat(depth) +
      '</data></array></value>'.repeat(depth) +
      '</param></params></methodCall>';
    const t0 = process.hrtime.bigint();
    expect(() => parseMethodCall(doc)).toThrow(/nested too deeply/);
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(5000);
  });

  it('accepts moderately nested values', () => {
    const depth = 50;
    const doc =
      '<methodCall><methodName>a.b</methodName><params><param>' +
      '<value><array><data>'.repeat(depth) +
      '</data></array></value>'.repeat(depth) +
      '</param></params></methodCall>';
    const { params } = parseMethodCall(doc);
    let v: XmlRpcValue = params[0]!;
    let d = 1;
    while (Array.isArray(v) && v.length) {
      v = v[0]!;
      d++;
    }
    expect(d).toBe(depth);
  });
});

describe('parseMethodResponse', () => {
  it('parses Python-produced responses and faults', () => {
    if (!hasPython) return;
    expect(parseMethodResponse(pyDumps("{'statecode': 1, 'statename': 'RUNNING'}"))).toEqual({
      kind: 'value',
      value: { statecode: 1, statename: 'RUNNING' },
    });
    expect(parseMethodResponse(pyDumps("x.Fault(70, 'NOT_RUNNING: foo')", false))).toEqual({
      kind: 'fault',
      faultCode: 70,
      faultString: 'NOT_RUNNING: foo',
    });
  });
});
