/**
 * The commented starter `supervisord.conf` written on first run, when the configured file is missing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Text of the starter config. Every path is relative to the file (`%(here)s`), so it can be moved. */
export function starterConfigText(): string {
  return `; Paddock configuration: a supervisord.conf, in supervisord's own format.
; Paddock reads it exactly as supervisord 4 would, so this file also works with
; \`supervisord -c <this file>\` and \`supervisorctl\`.
; Reference: http://supervisord.org/configuration.html
;
; After editing, choose "Reload config" in the tray menu (or in the window).

[supervisord]
; Paddock's own activity log, and where AUTO child logs go.
logfile=%(here)s/logs/supervisord.log
childlogdir=%(here)s/logs
pidfile=%(here)s/supervisord.pid
; loglevel=info

; supervisorctl and paddockctl talk to Paddock over this socket, which lives beside
; this file in your own config directory (never in /tmp, where cleaners delete sockets):
;   paddockctl -c <this file> status     or     supervisorctl -c <this file> status
[unix_http_server]
file=%(here)s/paddock.sock
chmod=0700

[supervisorctl]
serverurl=unix://%(here)s/paddock.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

; Uncomment to open the web UI in a browser too (loopback only; add a password if you share
; the machine).
; [inet_http_server]
; port=127.0.0.1:9001
; username=me
; password=secret

; An example program. It does not start by itself (autostart=false): start it from the tray.
[program:hello]
command=/bin/sh -c "while true; do echo hello from Paddock; sleep 5; done"
autostart=false
autorestart=unexpected
startsecs=1
stopwaitsecs=5
stdout_logfile=AUTO
redirect_stderr=true

; More examples:
;
; [program:web]
; command=python3 -m http.server 8000
; directory=%(ENV_HOME)s/projects/site
; autostart=true
; autorestart=true
;
; [group:backend]
; programs=web
;
; [include]
; files=conf.d/*.conf
`;
}

/**
 * Writes the starter config at `file` unless something is already there (never overwrites).
 * Also creates the `logs/` directory it refers to. Returns true when it wrote the file.
 */
export async function ensureStarterConfig(file: string): Promise<boolean> {
  const dir = dirname(file);
  await mkdir(join(dir, 'logs'), { recursive: true });
  try {
    await writeFile(file, starterConfigText(), { flag: 'wx', mode: 0o644 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
