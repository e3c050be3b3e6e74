/**
 * INI text → raw sections with line numbers, following Python 3's `configparser.RawConfigParser`
 * exactly as supervisord 4.2.5's `UnhosedConfigParser` configures it:
 * `inline_comment_prefixes=(';', '#')`, `strict=False`, `empty_lines_in_values=True`,
 * delimiters `=` and `:`, keys lowercased, section names case-sensitive, `[DEFAULT]` inherited.
 *
 * Pure: no I/O. Several files may be parsed into the same document (includes merge last-wins).
 */

/** One option value with where its (first) line was. */
export interface IniEntry {
  value: string;
  file: string;
  line: number;
}

export interface IniSection {
  name: string;
  /** File and line of the first header of this section (supervisord's `section_to_file`). */
  file: string;
  line: number;
  options: Map<string, IniEntry>;
}

export interface IniDocument {
  /** Sections in first-seen order (Python dict order). `DEFAULT` is not in here. */
  sections: Map<string, IniSection>;
  /** The `[DEFAULT]` section's options, visible in every section. */
  defaults: Map<string, IniEntry>;
}

export interface IniError {
  file: string;
  line: number;
  message: string;
}

/** Characters for which Python's `str.isspace()` is true. */
const PY_SPACE = new Set([
  '\t',
  '\n',
  '\x0b',
  '\x0c',
  '\r',
  '\x1c',
  '\x1d',
  '\x1e',
  '\x1f',
  ' ',
  '\x85',
  '\xa0',
  '\u1680',
  '\u2000',
  '\u2001',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
]);

export function isPySpace(ch: string): boolean {
  return PY_SPACE.has(ch);
}

/** Python `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && PY_SPACE.has(s[a] as string)) a++;
  while (b > a && PY_SPACE.has(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

export function pyRstrip(s: string): string {
  let b = s.length;
  while (b > 0 && PY_SPACE.has(s[b - 1] as string)) b--;
  return s.slice(0, b);
}

/** Python `repr()` of a str. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code >= 0x80 && code < 0xa0) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

export function emptyDocument(): IniDocument {
  return { sections: new Map(), defaults: new Map() };
}

const COMMENT_PREFIXES = ['#', ';'];
const INLINE_COMMENT_PREFIXES = [';', '#'];
const DEFAULT_SECTION = 'DEFAULT';
/** `\[(?P<header>.+)\]` matched at the start (Python `.` is "anything but \n"). */
const SECTCRE = /^\[([^\n]+)\]/;
/** Python `\s`; used for the OPTCRE emulation. */
const PY_S =
  '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/** `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$` */
const OPTCRE = new RegExp(`^([^\\n]*?)${PY_S}*(=|:)${PY_S}*([^\\n]*)$`);

/** Split like Python's universal-newline file iteration (keeps no terminators). */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Where an inline comment starts, with Python's round-by-round search quirk. */
function inlineCommentStart(line: string): number | null {
  let commentStart = Infinity;
  let prefixes = new Map<string, number>(INLINE_COMMENT_PREFIXES.map((p) => [p, -1]));
  while (commentStart === Infinity && prefixes.size > 0) {
    const next = new Map<string, number>();
    for (const [prefix, prev] of prefixes) {
      const index = line.indexOf(prefix, prev + 1);
      if (index === -1) continue;
      next.set(prefix, index);
      if (index === 0 || (index > 0 && isPySpace(line[index - 1] as string))) {
        commentStart = Math.min(commentStart, index);
      }
    }
    prefixes = next;
  }
  return commentStart === Infinity ? null : commentStart;
}

/**
 * Parse `text` (the contents of `file`) into `doc`. Returns the syntax errors found; like Python,
 * a line before any section header stops the file, other bad lines are collected and skipped.
 */
export function parseIni(text: string, file: string, doc: IniDocument): IniError[] {
  const errors: IniError[] = [];
  const lines = splitLines(text);
  let cursect: Map<string, IniEntry> | null = null;
  let sectname: string | null = null;
  let optname: string | null = null;
  let indentLevel = 0;
  // Pieces of multi-line values, joined at the end of the file.
  const pending = new Map<IniEntry, string[]>();
  let current: IniEntry | null = null;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineno = i + 1;
    let commentStart = inlineCommentStart(line);
    const stripped = pyStrip(line);
    for (const prefix of COMMENT_PREFIXES) {
      if (stripped.startsWith(prefix)) {
        commentStart = 0;
        break;
      }
    }
    const value = pyStrip(commentStart === null ? line : line.slice(0, commentStart));
    if (!value) {
      // empty_lines_in_values: an empty line (without a comment) becomes part of the value
      if (commentStart === null && cursect !== null && optname && current) {
        pending.get(current)?.push('');
      }
      continue;
    }
    let curIndent = 0;
    while (curIndent < line.length && isPySpace(line[curIndent] as string)) curIndent++;
    if (curIndent >= line.length) curIndent = 0;
    if (cursect !== null && optname && curIndent > indentLevel && current) {
      pending.get(current)?.push(value);
      continue;
    }
    indentLevel = curIndent;
    const sm = SECTCRE.exec(value);
    if (sm) {
      sectname = sm[1] as string;
      if (sectname === DEFAULT_SECTION) {
        cursect = doc.defaults;
      } else {
        let sect = doc.sections.get(sectname);
        if (!sect) {
          sect = { name: sectname, file, line: lineno, options: new Map() };
          doc.sections.set(sectname, sect);
        }
        cursect = sect.options;
      }
      optname = null;
      current = null;
      continue;
    }
    if (cursect === null) {
      errors.push({
        file,
        line: lineno,
        message: `File contains no section headers. ${pyRepr(line + '\n')}`,
      });
      return errors;
    }
    const om = OPTCRE.exec(value);
    if (!om || !om[1]) {
      errors.push({
        file,
        line: lineno,
        message: `Source contains parsing errors: ${pyRepr(line)} is neither a section header nor a key=value line`,
      });
      if (!om) continue;
    }
    optname = pyRstrip((om[1] as string) ?? '').toLowerCase();
    const entry: IniEntry = { value: pyStrip(om[3] as string), file, line: lineno };
    cursect.set(optname, entry);
    pending.set(entry, [entry.value]);
    current = entry;
  }
  for (const [entry, parts] of pending) {
    entry.value = pyRstrip(parts.join('\n'));
  }
  return errors;
}

/** `parser.get(section, option)` with `[DEFAULT]` fallback; undefined when absent. */
export function getOption(doc: IniDocument, section: string, option: string): IniEntry | undefined {
  return doc.sections.get(section)?.options.get(option) ?? doc.defaults.get(option);
}

/** `parser.options(section)`: the section's keys plus the defaults' keys. */
export function optionNames(doc: IniDocument, section: string): string[] {
  const names = new Set<string>(doc.sections.get(section)?.options.keys() ?? []);
  for (const k of doc.defaults.keys()) names.add(k);
  return [...names];
}
