/**
 * The `system.*` namespace and the dispatcher (supervisord's `xmlrpc.py`: `traverse`,
 * `SystemNamespaceRPCInterface`). Method names must be exactly `namespace.method` with no
 * leading underscore (CVE-2017-11610 hardening); anything else is UNKNOWN_METHOD.
 */
import type { SupervisorFacade } from '../facade.js';
import { Faults, SupervisorError } from '../model/faults.js';
import { SYSTEM_DOCS } from './docstrings.js';
import { checkArgs, makeSupervisorNamespace, type RpcNamespace } from './supervisor-namespace.js';
import { isStruct, type XmlRpcValue } from './xmlrpc.js';

/** supervisord's `gettags`: JavaDoc-like `(lineno, tag, datatype, name, text)` tuples. */
export function gettags(comment: string): [number, string | null, string, string, string][] {
  const tags: [number, string | null, string, string, string][] = [];
  let tag: string | null = null;
  let datatype = '';
  let name = '';
  let tagLineno = 0;
  let lineno = 0;
  let tagText: string[] = [];
  for (const raw of comment.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('@')) {
      tags.push([tagLineno, tag, datatype, name, tagText.join('\n')]);
      const parts = line.split(/\s+/);
      const rest = parts.length > 4 ? [parts.slice(3).join(' ')] : parts.slice(3);
      const p = [...parts.slice(0, 3), ...rest];
      datatype = p[1] ?? '';
      name = p[2] ?? '';
      tagText = p[3] !== undefined ? [p[3].trimStart()] : [];
      tag = p[0]!.slice(1);
      tagLineno = lineno;
    } else if (line) {
      tagText.push(line);
    }
    lineno++;
  }
  tags.push([tagLineno, tag, datatype, name, tagText.join('\n')]);
  return tags;
}

/** The root of the RPC tree: `supervisor` and `system` (and any extra namespaces). */
export class RpcDispatcher {
  private readonly namespaces = new Map<string, RpcNamespace>();

  constructor(facade: SupervisorFacade, extra: Record<string, RpcNamespace> = {}) {
    this.namespaces.set('supervisor', makeSupervisorNamespace(facade));
    for (const [k, v] of Object.entries(extra)) this.namespaces.set(k, v);
    this.namespaces.set('system', this.makeSystemNamespace());
  }

  /** `traverse`: resolve and call; faults are thrown as SupervisorError. */
  async call(methodName: string, params: readonly XmlRpcValue[]): Promise<XmlRpcValue> {
    const parts = methodName.split('.');
    if (parts.length !== 2) throw new SupervisorError('UNKNOWN_METHOD');
    const [nsName, name] = parts as [string, string];
    if (name.startsWith('_')) throw new SupervisorError('UNKNOWN_METHOD');
    const ns = this.namespaces.get(nsName);
    const method = ns && Object.hasOwn(ns, name) ? ns[name] : undefined;
    if (!method) throw new SupervisorError('UNKNOWN_METHOD');
    const args = checkArgs(methodName, method, params);
    return await method.call(args);
  }

  /** Every public method, `namespace.method` → docstring. */
  private listAll(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [nsName, ns] of this.namespaces) {
      for (const [name, method] of Object.entries(ns)) out.set(`${nsName}.${name}`, method.doc);
    }
    return out;
  }

  private makeSystemNamespace(): RpcNamespace {
    return {
      listMethods: {
        params: [],
        required: 0,
        doc: SYSTEM_DOCS['listMethods']!,
        call: () => [...this.listAll().keys()].sort(),
      },
      methodHelp: {
        params: ['string'],
        required: 1,
        doc: SYSTEM_DOCS['methodHelp']!,
        call: (a) => {
          const doc = this.listAll().get(a[0] as string);
          if (doc === undefined) throw new SupervisorError('SIGNATURE_UNSUPPORTED');
          return doc;
        },
      },
      methodSignature: {
        params: ['string'],
        required: 1,
        doc: SYSTEM_DOCS['methodSignature']!,
        call: (a) => {
          const doc = this.listAll().get(a[0] as string);
          if (doc === undefined) throw new SupervisorError('SIGNATURE_UNSUPPORTED');
          let rtype: string | null = null;
          const ptypes: string[] = [];
          for (const t of gettags(doc)) {
            if (t[1] === 'return') rtype = t[2];
            else if (t[1] === 'param') ptypes.push(t[2]);
          }
          if (rtype === null) throw new SupervisorError('SIGNATURE_UNSUPPORTED');
          return [rtype, ...ptypes];
        },
      },
      multicall: {
        params: ['array'],
        required: 1,
        doc: SYSTEM_DOCS['multicall']!,
        call: (a) => this.multicall(a[0] as XmlRpcValue[]),
      },
    };
  }

  /**
   * Calls run in order, one at a time. A fault becomes `{faultCode, faultString}`, any other
   * error FAILED; a successful value is appended as is, *not* wrapped in a one-element array
   * (supervisord's code disagrees with its docstring; clients rely on the code).
   */
  private async multicall(calls: readonly XmlRpcValue[]): Promise<XmlRpcValue[]> {
    const results: XmlRpcValue[] = [];
    for (const call of calls) {
      try {
        if (!isStruct(call)) throw new TypeError("'call' is not a struct");
        const name = call['methodName'];
        const params = call['params'] ?? [];
        if (name === undefined || name === null) {
          throw new SupervisorError('INCORRECT_PARAMETERS', 'No methodName');
        }
        if (name === 'system.multicall') {
          throw new SupervisorError('INCORRECT_PARAMETERS', 'Recursive system.multicall forbidden');
        }
        if (typeof name !== 'string') throw new SupervisorError('UNKNOWN_METHOD');
        if (!Array.isArray(params)) throw new SupervisorError('INCORRECT_PARAMETERS');
        results.push(await this.call(name, params));
      } catch (err) {
        results.push(faultStruct(err));
      }
    }
    return results;
  }
}

/** A fault as multicall reports it. */
export function faultStruct(err: unknown): { faultCode: number; faultString: string } {
  if (err instanceof SupervisorError) return { faultCode: err.code, faultString: err.faultString };
  const e = err instanceof Error ? `${err.name}:${err.message}` : String(err);
  return { faultCode: Faults.FAILED, faultString: `FAILED: ${e}` };
}
