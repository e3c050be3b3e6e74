// A stand-in for the `electron` module, just enough of its main-process API for main/index.ts to
// run under plain Node (no Electron binary on this machine). It records what the shell does in
// `globalThis.fakeElectron` so the smoke driver can inspect and drive it.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const rec = {
  ipcHandlers: new Map(),
  windows: [],
  trays: [],
  notifications: [],
  errors: [],
  openedPaths: [],
  external: [],
  protocolHandlers: new Map(),
  quitRequests: 0,
  quitCompleted: false,
  missingIcons: [],
};
globalThis.fakeElectron = rec;

const paths = { userData: join(tmpdir(), 'paddock-fake-userdata') };

class App extends EventEmitter {
  isPackaged = false;
  dock = undefined;
  setPath(name, p) {
    paths[name] = p;
  }
  getPath(name) {
    return paths[name] ?? join(paths.userData, name);
  }
  getAppPath() {
    return process.env.FAKE_APP_PATH;
  }
  getVersion() {
    return '0.1.0';
  }
  getName() {
    return 'Paddock';
  }
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  getLoginItemSettings() {
    return { openAtLogin: false, wasOpenedAtLogin: false };
  }
  setLoginItemSettings() {}
  relaunch() {}
  quit() {
    rec.quitRequests++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    rec.quitCompleted = true;
    this.emit('will-quit', { preventDefault() {} });
    this.emit('quit');
    setImmediate(() => process.exit(0));
  }
  exit(code) {
    process.exit(code);
  }
}
export const app = new App();

let nextId = 1;
class WebContents extends EventEmitter {
  constructor() {
    super();
    this.id = nextId++;
    this.sent = [];
    this.mainFrame = { url: '' };
    this.destroyed = false;
    this.url = '';
    this.session = { setPermissionRequestHandler: (h) => (this.permissionHandler = h) };
  }
  send(channel, payload) {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(h) {
    this.windowOpenHandler = h;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getURL() {
    return this.url;
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.visible = false;
    this.destroyed = false;
    rec.windows.push(this);
  }
  static getAllWindows() {
    return rec.windows.filter((w) => !w.destroyed);
  }
  loadURL(url) {
    this.webContents.url = url;
    this.webContents.mainFrame.url = url;
    setImmediate(() => {
      this.webContents.emit('did-finish-load');
      this.emit('ready-to-show');
    });
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  maximize() {}
  isMaximized() {
    return false;
  }
  isVisible() {
    return this.visible;
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 900, height: 700 };
  }
  isDestroyed() {
    return this.destroyed;
  }
  close() {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
  }
}

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    rec.schemes = schemes;
  },
  handle(scheme, fn) {
    rec.protocolHandlers.set(scheme, fn);
  },
};
export const screen = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
};
export const shell = {
  openExternal: async (url) => void rec.external.push(url),
  openPath: async (p) => (rec.openedPaths.push(p), ''),
};
export const dialog = {
  showErrorBox: (title, text) => rec.errors.push(`${title}: ${text}`),
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
};
export const nativeTheme = { themeSource: 'system' };
export class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(opts) {
    super();
    this.opts = opts;
  }
  show() {
    rec.notifications.push(this.opts);
  }
}
export const Menu = { buildFromTemplate: (template) => ({ template }) };
export const nativeImage = {
  createFromPath(p) {
    if (!existsSync(p)) rec.missingIcons.push(p);
    return { path: p, setTemplateImage() {} };
  },
};
export class Tray extends EventEmitter {
  constructor(image) {
    super();
    this.image = image;
    this.destroyed = false;
    rec.trays.push(this);
  }
  setImage(image) {
    this.image = image;
  }
  setToolTip(t) {
    this.tooltip = t;
  }
  setContextMenu(menu) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
}
export const ipcMain = {
  handle(channel, fn) {
    rec.ipcHandlers.set(channel, fn);
  },
  removeHandler(channel) {
    rec.ipcHandlers.delete(channel);
  },
  on() {},
};

export default {
  app,
  BrowserWindow,
  protocol,
  screen,
  shell,
  dialog,
  nativeTheme,
  Notification,
  Menu,
  nativeImage,
  Tray,
  ipcMain,
};
