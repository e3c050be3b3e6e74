/**
 * A small XML-RPC client for supervisord-compatible servers over `unix:///path` or
 * `http://host:port`, with HTTP Basic auth (supervisord's `SupervisorTransport`), plus a
 * streaming GET for `/logtail` and `/mainlogtail`.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { parseMethodResponse, serializeCall, type XmlRpcValue } from './xmlrpc.js';

export class XmlRpcFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(`<Fault ${faultCode}: '${faultString}'>`);
    this.name = 'XmlRpcFault';
  }
}

/** A non-200 HTTP answer. */
export class ProtocolError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`<ProtocolError for ${url}: ${status} ${reason}>`);
    this.name = 'ProtocolError';
  }
}

export interface ClientOptions {
  serverurl: string;
  username?: string | null;
  password?: string | null;
  /** Per-request timeout in ms (0 = none, the default: start/stop may wait a long time). */
  timeoutMs?: number;
}

interface Target {
  socketPath?: string;
  host?: string;
  port?: number;
  display: string;
}

export function parseServerUrl(url: string): Target {
  if (url.startsWith('unix://')) return { socketPath: url.slice(7), display: 'localhost' };
  if (url.startsWith('http://')) {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, '') || 'localhost';
    return { host, port: u.port ? Number(u.port) : 80, display: u.host };
  }
  throw new Error(`Unknown protocol for serverurl ${url}`);
}

export class RpcClient {
  private readonly target: Target;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });

  constructor(private readonly opts: ClientOptions) {
    this.target = parseServerUrl(opts.serverurl);
  }

  get serverurl(): string {
    return this.opts.serverurl;
  }

  private authHeader(): Record<string, string> {
    const { username, password } = this.opts;
    if (username == null || password == null) return {};
    return {
      Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    };
  }

  /** Call `method` with `params`; resolves the value, rejects XmlRpcFault / ProtocolError / errno errors. */
  call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> {
    const body = Buffer.from(serializeCall(method, params), 'utf8');
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          socketPath: this.target.socketPath,
          host: this.target.host,
          port: this.target.port,
          method: 'POST',
          path: '/RPC2',
          headers: {
            Host: this.target.display,
            'User-Agent': 'paddockctl',
            'Content-Type': 'text/xml',
            Accept: 'text/xml',
            'Content-Length': String(body.length),
            ...this.authHeader(),
          },
          timeout: this.opts.timeoutMs || undefined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(
                new ProtocolError(
                  `${this.target.display}/RPC2`,
                  res.statusCode ?? 0,
                  res.statusMessage ?? '',
                ),
              );
              return;
            }
            try {
              const r = parseMethodResponse(Buffer.concat(chunks));
              if (r.kind === 'fault') reject(new XmlRpcFault(r.faultCode, r.faultString));
              else resolve(r.value);
            } catch (e) {
              reject(e as Error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** GET a streaming path; resolves with the response (status checked by the caller). */
  get(path: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request({
        socketPath: this.target.socketPath,
        host: this.target.host,
        port: this.target.port,
        method: 'GET',
        path,
        headers: { Host: this.target.display, ...this.authHeader() },
      });
      req.on('response', resolve);
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
