/**
 * Golden test: replay the calls of test/fixtures/rpc/golden-calls.mjs against Paddock's
 * namespaces (over the HTTP server, on a fake facade with the same programs and states) and
 * compare with the real supervisord 4.2.5's recorded responses: exact values, fault codes and
 * strings, or struct field names and value types. Regenerate: node test/fixtures/rpc/record-golden.mjs
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpServer } from '../../../main/engine/rpc/http-server.js';
import {
  parseMethodResponse,
  serializeCall,
  type MethodResponse,
  type XmlRpcValue,
} from '../../../main/engine/rpc/xmlrpc.js';
import { FakeFacade } from '../../helpers/fake-facade.js';
import { raw, serverConfig, tempDir } from './helpers.js';

interface Golden {
  method: string;
  params: XmlRpcValue[];
  compare: 'exact' | 'shape' | 'fault';
  status: number;
  response: string;
}

const GOLDEN = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/rpc/golden/supervisord-4.2.5.json'), 'utf8'),
) as Golden[];

/** Types and struct keys, not values (arrays: the shape of each element). */
function shape(v: XmlRpcValue): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v === null) return 'nil';
  if (typeof v === 'object' && !Buffer.isBuffer(v) && v.constructor === Object) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  }
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
  return typeof v;
}

let tmp: ReturnType<typeof tempDir>;
let server: HttpServer;
let sock: string;

beforeAll(async () => {
  tmp = tempDir('paddock-golden-');
  sock = join(tmp.dir, 's.sock');
  const facade = new FakeFacade(join(tmp.dir, 'logs'), [
    { group: 'cat', name: 'cat' },
    { group: 'web', name: 'web_0' },
    { group: 'web', name: 'web_1' },
  ]);
  await facade.startAllProcesses(); // the recorded supervisord had everything autostarted
  facade.writeLog('cat', 'stdout', '');
  server = new HttpServer({ facade, config: serverConfig({ socket: sock }) });
  await server.start();
});

afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

const PADDOCK_EXTENSIONS = ['paddock.updateProcessGroup'];

describe('golden: responses match supervisord 4.2.5', () => {
  it('has recordings', () => expect(GOLDEN.length).toBeGreaterThan(50));

  it.each(GOLDEN.map((g) => [`${g.method}(${JSON.stringify(g.params)})`, g] as const))(
    '%s',
    async (_label, g) => {
      const r = await raw(sock, 'POST', '/RPC2', serializeCall(g.method, g.params));
      expect(r.status).toBe(g.status);
      const ours: MethodResponse = parseMethodResponse(r.body);
      const theirs: MethodResponse = parseMethodResponse(g.response);
      if (g.method === 'system.listMethods' && theirs.kind === 'value') {
        // Paddock lists its one extension method (an extra rpcinterface, as supervisord allows).
        const expected = [...(theirs.value as string[]), ...PADDOCK_EXTENSIONS].sort();
        expect(ours).toEqual({ kind: 'value', value: expected });
        return;
      }
      if (g.compare === 'fault' || theirs.kind === 'fault') {
        expect(ours).toEqual(theirs);
      } else if (g.compare === 'exact') {
        expect(ours).toEqual(theirs);
        // the serializer matches Python's byte for byte
        expect(r.body).toBe(g.response);
      } else {
        expect(ours.kind).toBe('value');
        expect(shape((ours as { value: XmlRpcValue }).value)).toEqual(
          shape((theirs as { value: XmlRpcValue }).value),
        );
      }
    },
  );
});
