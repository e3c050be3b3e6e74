/**
 * Config errors as the engine words them (`ConfigError`: one `file:line [section] option: message`
 * per line, any part but the file and message optional), possibly behind a fault prefix
 * (`CANT_REREAD: …`), parsed for the window's banner.
 */

export interface ConfigIssueView {
  /** The file as the host printed it (relative to the daemon's cwd, or absolute); null if unknown. */
  file: string | null;
  line: number | null;
  section: string | null;
  option: string | null;
  message: string;
}

// file, then optionally :line, " [section]", " option", then ": message".
const ISSUE =
  /^(?<file>[^\s[][^\n]*?)(?::(?<line>\d+))?(?: \[(?<section>[^\]\n]+)\])?(?: (?<option>[A-Za-z0-9_.-]+))?: (?<message>.+)$/;

/** Fault names a host may put in front of the text (`NAME: text`). */
const FAULT_PREFIX = /^(?:CANT_REREAD|FAILED|BAD_ARGUMENTS): /;

/** One entry per non-empty line; a line that is not `file…: message` is kept as a bare message. */
export function parseConfigIssues(text: string): ConfigIssueView[] {
  const out: ConfigIssueView[] = [];
  const lines = text.replace(FAULT_PREFIX, '').split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    const m = ISSUE.exec(line);
    const g = m?.groups;
    // Without a line number or section the "file" may just be prose with a colon in it: keep it
    // as a file only when it looks like a path to a config file.
    const looksLikeFile =
      g !== undefined &&
      (g.line !== undefined ||
        g.section !== undefined ||
        (!/\s/.test(g.file!) && /[/\\]|\.(conf|ini)$/i.test(g.file!)));
    if (g && looksLikeFile) {
      out.push({
        file: g.file!,
        line: g.line === undefined ? null : Number(g.line),
        section: g.section ?? null,
        option: g.option ?? null,
        message: g.message!,
      });
    } else out.push({ file: null, line: null, section: null, option: null, message: line });
  }
  return out;
}

/** `file:line` (or just the file) for display; empty when the issue has no file. */
export function issueLocation(i: ConfigIssueView): string {
  if (i.file === null) return '';
  return i.line === null ? i.file : `${i.file}:${i.line}`;
}
