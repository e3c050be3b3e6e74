/**
 * `paddock.*`: Paddock's own XML-RPC methods, beside supervisord's `supervisor.*` (an
 * additional rpcinterface, as supervisord allows). Clients of supervisord never call them.
 */
import type { SupervisorFacade } from '../facade.js';
import { SupervisorError } from '../model/faults.js';
import type { RpcNamespace } from './supervisor-namespace.js';

export function makePaddockNamespace(facade: SupervisorFacade): RpcNamespace {
  return {
    updateProcessGroup: {
      params: ['string'],
      required: 1,
      doc: ` Apply the re-read config (reloadConfig) of one active group in place:
        restart only the processes whose config changed, start added ones, stop
        removed ones; unchanged processes keep running (supervisor issue #1154).

        @param string name   The group name
        @return array result [added, changed, removed] lists of process names
        `,
      async call(args) {
        if (!facade.updateProcessGroupInPlace) throw new SupervisorError('UNKNOWN_METHOD');
        const d = await facade.updateProcessGroupInPlace(String(args[0]));
        return [d.added, d.changed, d.removed];
      },
    },
  };
}
