/**
 * The only module that imports `ipcMain`: registers one `handle` per contract channel, each
 * going through `dispatch` (trusted sender, argument schema, result envelope).
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import {
  dispatch,
  TrustedSenders,
  UNTRUSTED,
  type InvokeHandlers,
  type SenderInfo,
} from './dispatch.js';
import { INVOKE_CHANNELS } from './validators.js';

function senderOf(event: IpcMainInvokeEvent): SenderInfo {
  const frame = event.senderFrame;
  return {
    id: event.sender.id,
    // A null frame (navigated away or destroyed) is not trusted.
    isMainFrame: frame !== null && frame === event.sender.mainFrame,
  };
}

/**
 * Registers every invoke channel. Returns a function that removes them again.
 *
 * `onFirstInvoke` is called the first time a window invokes anything: the renderer has loaded
 * and subscribed, so queued pushes may flow.
 */
export function registerIpc(
  handlers: InvokeHandlers,
  trusted: TrustedSenders,
  onInvoke?: (senderId: number) => void,
): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      const sender = senderOf(event);
      const result = await dispatch(handlers, trusted, channel, sender, args);
      if (!result.ok && result.error.message.endsWith(UNTRUSTED)) {
        console.warn(`paddock: refused ${channel} from untrusted webContents ${sender.id}`);
      } else if (trusted.has(sender.id)) {
        onInvoke?.(sender.id);
      }
      return result;
    });
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

export { TrustedSenders };
