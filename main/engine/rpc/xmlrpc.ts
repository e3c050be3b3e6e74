/**
 * XML-RPC codec: a small, bounded, hand-written XML parser for `methodCall` / `methodResponse`
 * documents, and a serializer that writes byte-for-byte what Python's `xmlrpc.client.dumps`
 * writes (so supervisorctl and every Python client parse it exactly as they parse supervisord).
 *
 * Safety: no DOCTYPE / entity declarations are accepted (no entity expansion), nesting depth and
 * element count are bounded, and text that cannot appear in XML 1.0 is replaced, never emitted.
 */

/** An XML-RPC `<double>` that happens to hold an integral value (plain integral numbers are ints). */
export class XmlRpcDouble {
  constructor(readonly value: number) {}
}

/** An XML-RPC `<dateTime.iso8601>` value, kept as its wire text (`YYYYMMDDTHH:MM:SS`). */
export class XmlRpcDateTime {
  constructor(readonly text: string) {}
}

export type XmlRpcValue =
  | string
  | number
  | boolean
  | null
  | Buffer
  | XmlRpcDouble
  | XmlRpcDateTime
  | XmlRpcValue[]
  | { [key: string]: XmlRpcValue };

export type XmlRpcStruct = { [key: string]: XmlRpcValue };

export interface MethodCall {
  methodName: string;
  params: XmlRpcValue[];
}

export type MethodResponse =
  { kind: 'value'; value: XmlRpcValue } | { kind: 'fault'; faultCode: number; faultString: string };

/** A malformed document. The server answers 400 to it (as supervisord does). */
export class XmlRpcParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlRpcParseError';
  }
}

export const INT_MAX = 2147483647;
export const INT_MIN = -2147483648;

export interface ParseLimits {
  /** Maximum element nesting depth. */
  maxDepth: number;
  /** Maximum number of elements in one document. */
  maxElements: number;
}

export const DEFAULT_LIMITS: ParseLimits = { maxDepth: 256, maxElements: 2_000_000 };

// ---------------------------------------------------------------------------------------------
// Serialization
// ---------------------------------------------------------------------------------------------

/**
 * Characters that XML 1.0 does not allow (C0 controls except TAB/LF/CR, lone surrogates,
 * U+FFFE/U+FFFF). They are replaced with U+FFFD: supervisord would emit them raw and break
 * the response for every client (the parser rejects the document).
 */
const ILLEGAL_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Replace XML-illegal characters with U+FFFD. */
export function sanitizeXmlText(s: string): string {
  return s.replace(ILLEGAL_XML, '\uFFFD');
}

/**
 * Escape as Python's `xmlrpc.client.escape` (`&`, `<`, `>`), plus `\r` as `&#13;` so it survives
 * the parser's line-end normalization (Python writes it raw and loses it), plus illegal chars.
 */
export function escapeXml(s: string): string {
  // Fast path: most strings (names, paths, descriptions) need no change at all.
  if (!NEEDS_ESCAPE.test(s)) return s;
  return sanitizeXmlText(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** Python's `repr(float)` for the common cases. */
function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Object.is(n, -0)) return '-0.0';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  const s = String(n);
  // JS writes 1e+21 / 1e-7 like Python does; Python keeps at least one digit after '.'.
  return s;
}

/** Appends the XML of `v` to `out.s` (one growing string: cheaper than many small pieces). */
function writeValue(v: XmlRpcValue, out: { s: string }, depth: number): void {
  if (depth > 1000) throw new RangeError('value nested too deeply');
  if (typeof v === 'string') {
    out.s += '<value><string>' + escapeXml(v) + '</string></value>\n';
  } else if (typeof v === 'number') {
    if (Number.isInteger(v)) {
      if (v > INT_MAX || v < INT_MIN) throw new RangeError(`int exceeds XML-RPC limits: ${v}`);
      out.s += '<value><int>' + v + '</int></value>\n';
    } else {
      out.s += '<value><double>' + formatDouble(v) + '</double></value>\n';
    }
  } else if (typeof v === 'boolean') {
    out.s += v ? '<value><boolean>1</boolean></value>\n' : '<value><boolean>0</boolean></value>\n';
  } else if (v === null || v === undefined) {
    out.s += '<value><nil/></value>\n';
  } else if (Array.isArray(v)) {
    out.s += '<value><array><data>\n';
    for (const item of v) writeValue(item, out, depth + 1);
    out.s += '</data></array></value>\n';
  } else if (v instanceof XmlRpcDouble) {
    out.s += '<value><double>' + formatDouble(v.value) + '</double></value>\n';
  } else if (v instanceof XmlRpcDateTime) {
    out.s += '<value><dateTime.iso8601>' + escapeXml(v.text) + '</dateTime.iso8601></value>\n';
  } else if (Buffer.isBuffer(v)) {
    // Python: base64.encodebytes, i.e. 76-char lines each ending in \n.
    const b64 = v.toString('base64');
    out.s += '<value><base64>\n';
    for (let i = 0; i < b64.length; i += 76) out.s += b64.slice(i, i + 76) + '\n';
    out.s += '</base64></value>\n';
  } else {
    out.s += '<value><struct>\n';
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      const item = v[k];
      if (item === undefined) continue;
      out.s += '<member>\n<name>' + escapeXml(k) + '</name>\n';
      writeValue(item, out, depth + 1);
      out.s += '</member>\n';
    }
    out.s += '</struct></value>\n';
  }
}

/** `xmlrpc.client.dumps((value,), methodresponse=True)`. */
export function serializeResponse(value: XmlRpcValue): string {
  const out = { s: "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n" };
  writeValue(value, out, 0);
  return out.s + '</param>\n</params>\n</methodResponse>\n';
}

/** `xmlrpc.client.dumps(Fault(code, string))`. */
export function serializeFault(faultCode: number, faultString: string): string {
  const out = { s: "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n" };
  writeValue({ faultCode, faultString }, out, 0);
  return out.s + '</fault>\n</methodResponse>\n';
}

/** `xmlrpc.client.dumps(params, methodName)`. */
export function serializeCall(methodName: string, params: readonly XmlRpcValue[]): string {
  const out = {
    s: `<?xml version='1.0'?>\n<methodCall>\n<methodName>${escapeXml(methodName)}</methodName>\n<params>\n`,
  };
  for (const p of params) {
    out.s += '<param>\n';
    writeValue(p, out, 0);
    out.s += '</param>\n';
  }
  return out.s + '</params>\n</methodCall>\n';
}

// ---------------------------------------------------------------------------------------------
// Parsing: a minimal non-validating XML parser into a tiny element tree.
// ---------------------------------------------------------------------------------------------

interface XmlElement {
  tag: string;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

const NAME_RE = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

function decodeEntities(s: string, where: number): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]{0,12});?/g, (m: string, ent: string) => {
    if (!m.endsWith(';')) throw new XmlRpcParseError(`bad entity reference at ${where}`);
    switch (ent) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    let code: number;
    if (/^#x[0-9A-Fa-f]{1,6}$/.test(ent)) code = parseInt(ent.slice(2), 16);
    else if (/^#[0-9]{1,7}$/.test(ent)) code = parseInt(ent.slice(1), 10);
    else throw new XmlRpcParseError(`undefined entity &${ent}; at ${where}`);
    const ok =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!ok) throw new XmlRpcParseError(`reference to invalid character at ${where}`);
    return String.fromCodePoint(code);
  });
}

/** Parse an XML document into an element tree. Throws XmlRpcParseError on anything odd. */
export function parseXml(input: string, limits: ParseLimits = DEFAULT_LIMITS): XmlElement {
  let i = 0;
  const n = input.length;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let elements = 0;
  const fail = (msg: string): never => {
    throw new XmlRpcParseError(`${msg} at offset ${i}`);
  };
  if (input.charCodeAt(0) === 0xfeff) i = 1;

  while (i < n) {
    const lt = input.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      const raw = input.slice(i, textEnd);
      if (stack.length === 0) {
        if (raw.trim() !== '') fail('text outside the root element');
      } else {
        if (raw.includes(']]>')) fail("']]>' in text");
        const top = stack[stack.length - 1]!;
        top.text += decodeEntities(raw.replace(/\r\n?/g, '\n'), i);
      }
      i = textEnd;
      continue;
    }
    // input[i] === '<'
    if (input.startsWith('<?', i)) {
      const end = input.indexOf('?>', i + 2);
      if (end === -1) fail('unterminated processing instruction');
      if (root !== null || stack.length > 0) {
        // PIs inside the document are legal but meaningless here; skip them.
      }
      i = end + 2;
    } else if (input.startsWith('<!--', i)) {
      const end = input.indexOf('-->', i + 4);
      if (end === -1) fail('unterminated comment');
      i = end + 3;
    } else if (input.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) fail('CDATA outside the root element');
      const end = input.indexOf(']]>', i + 9);
      if (end === -1) fail('unterminated CDATA section');
      stack[stack.length - 1]!.text += input.slice(i + 9, end).replace(/\r\n?/g, '\n');
      i = end + 3;
    } else if (input.startsWith('<!', i)) {
      fail('DOCTYPE and declarations are not accepted');
    } else if (input.startsWith('</', i)) {
      NAME_RE.lastIndex = i + 2;
      const m = NAME_RE.exec(input);
      if (!m) fail('bad end tag');
      const tag = m![0];
      let j = i + 2 + tag.length;
      while (j < n && /\s/.test(input[j]!)) j++;
      if (input[j] !== '>') fail('bad end tag');
      const top = stack.pop();
      if (!top || top.tag !== tag) fail(`mismatched end tag </${tag}>`);
      if (stack.length === 0) root = top!;
      i = j + 1;
    } else {
      if (root !== null) fail('junk after the root element');
      NAME_RE.lastIndex = i + 1;
      const m = NAME_RE.exec(input);
      if (!m) fail('bad start tag');
      const tag = m![0];
      let j = i + 1 + tag.length;
      // attributes: name="value" / name='value' (parsed only to be skipped)
      for (;;) {
        const ws = j;
        while (j < n && /\s/.test(input[j]!)) j++;
        if (input[j] === '>' || input.startsWith('/>', j)) break;
        if (j === ws) fail('bad start tag');
        NAME_RE.lastIndex = j;
        const a = NAME_RE.exec(input);
        if (!a) fail('bad attribute');
        j += a![0].length;
        while (j < n && /\s/.test(input[j]!)) j++;
        if (input[j] !== '=') fail('bad attribute');
        j++;
        while (j < n && /\s/.test(input[j]!)) j++;
        const q = input[j];
        if (q !== '"' && q !== "'") fail('bad attribute value');
        const close = input.indexOf(q!, j + 1);
        if (close === -1) fail('unterminated attribute value');
        if (input.slice(j + 1, close).includes('<')) fail("'<' in attribute value");
        j = close + 1;
      }
      if (++elements > limits.maxElements) fail('too many elements');
      const el: XmlElement = { tag, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
      if (input.startsWith('/>', j)) {
        if (stack.length === 0) root = el;
        i = j + 2;
      } else {
        stack.push(el);
        if (stack.length > limits.maxDepth) fail('document nested too deeply');
        i = j + 1;
      }
    }
  }
  if (stack.length > 0) fail(`unclosed element <${stack[stack.length - 1]!.tag}>`);
  if (root === null) fail('no root element');
  return root!;
}

function only(el: XmlElement, tag: string): XmlElement {
  const kids = el.children.filter((c) => c.tag === tag);
  if (kids.length !== 1) throw new XmlRpcParseError(`<${el.tag}> needs exactly one <${tag}>`);
  return kids[0]!;
}

function parseIntStrict(text: string, tag: string): number {
  const t = text.trim();
  if (!/^[+-]?[0-9]+$/.test(t)) throw new XmlRpcParseError(`bad <${tag}> value`);
  const v = Number(t);
  if (tag !== 'i8' && (v > INT_MAX || v < INT_MIN)) {
    throw new XmlRpcParseError(`<${tag}> out of range`);
  }
  if (!Number.isSafeInteger(v)) throw new XmlRpcParseError(`<${tag}> out of range`);
  return v;
}

function decodeValue(el: XmlElement): XmlRpcValue {
  if (el.tag !== 'value') throw new XmlRpcParseError(`expected <value>, got <${el.tag}>`);
  if (el.children.length === 0) return el.text; // untyped value is a string
  if (el.children.length > 1) throw new XmlRpcParseError('<value> with several children');
  const t = el.children[0]!;
  switch (t.tag) {
    case 'string':
      if (t.children.length) throw new XmlRpcParseError('markup inside <string>');
      return t.text;
    case 'int':
    case 'i4':
    case 'i8':
      return parseIntStrict(t.text, t.tag);
    case 'boolean': {
      const b = t.text.trim();
      if (b === '1') return true;
      if (b === '0') return false;
      throw new XmlRpcParseError('bad <boolean> value');
    }
    case 'double': {
      const d = t.text.trim();
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$/i.test(d)) {
        throw new XmlRpcParseError('bad <double> value');
      }
      return new XmlRpcDouble(Number(d.replace(/inf/i, 'Infinity').replace(/nan/i, 'NaN')));
    }
    case 'dateTime.iso8601':
      return new XmlRpcDateTime(t.text.trim());
    case 'base64': {
      const s = t.text.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new XmlRpcParseError('bad <base64> value');
      return Buffer.from(s, 'base64');
    }
    case 'nil':
      return null;
    case 'array': {
      const data = only(t, 'data');
      return data.children.map(decodeValue);
    }
    case 'struct': {
      const out: XmlRpcStruct = Object.create(null) as XmlRpcStruct;
      for (const m of t.children) {
        if (m.tag !== 'member') throw new XmlRpcParseError('<struct> child is not <member>');
        const name = only(m, 'name');
        out[name.text] = decodeValue(only(m, 'value'));
      }
      return out;
    }
    default:
      throw new XmlRpcParseError(`unknown value type <${t.tag}>`);
  }
}

function toText(input: string | Buffer): string {
  return typeof input === 'string' ? input : input.toString('utf8');
}

/**
 * Parse a `<methodCall>`. A missing `<params>` means no parameters (as supervisord allows); a
 * missing or empty `<methodName>` is a parse error (supervisord answers 400 to both).
 */
export function parseMethodCall(input: string | Buffer, limits?: ParseLimits): MethodCall {
  const root = parseXml(toText(input), limits);
  if (root.tag !== 'methodCall') throw new XmlRpcParseError('root element is not <methodCall>');
  const nameEls = root.children.filter((c) => c.tag === 'methodName');
  if (nameEls.length !== 1) throw new XmlRpcParseError('no method name');
  const methodName = nameEls[0]!.text.trim();
  if (methodName === '') throw new XmlRpcParseError('no method name');
  const paramsEls = root.children.filter((c) => c.tag === 'params');
  if (paramsEls.length > 1) throw new XmlRpcParseError('several <params>');
  const params: XmlRpcValue[] = [];
  if (paramsEls.length === 1) {
    for (const p of paramsEls[0]!.children) {
      if (p.tag !== 'param') throw new XmlRpcParseError('<params> child is not <param>');
      params.push(decodeValue(only(p, 'value')));
    }
  }
  return { methodName, params };
}

/** Parse a `<methodResponse>` (the client side). */
export function parseMethodResponse(input: string | Buffer, limits?: ParseLimits): MethodResponse {
  const root = parseXml(toText(input), limits);
  if (root.tag !== 'methodResponse') {
    throw new XmlRpcParseError('root element is not <methodResponse>');
  }
  const fault = root.children.find((c) => c.tag === 'fault');
  if (fault) {
    const v = decodeValue(only(fault, 'value'));
    if (v === null || typeof v !== 'object' || Array.isArray(v) || Buffer.isBuffer(v)) {
      throw new XmlRpcParseError('fault is not a struct');
    }
    const s = v as XmlRpcStruct;
    const code = s['faultCode'];
    const str = s['faultString'];
    if (typeof code !== 'number' || typeof str !== 'string') {
      throw new XmlRpcParseError('fault struct lacks faultCode/faultString');
    }
    return { kind: 'fault', faultCode: code, faultString: str };
  }
  const params = only(root, 'params');
  const param = only(params, 'param');
  return { kind: 'value', value: decodeValue(only(param, 'value')) };
}

/** True when `v` is a struct (a plain object, not an array, buffer or wrapper). */
export function isStruct(v: XmlRpcValue | undefined): v is XmlRpcStruct {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !Buffer.isBuffer(v) &&
    !(v instanceof XmlRpcDouble) &&
    !(v instanceof XmlRpcDateTime)
  );
}
