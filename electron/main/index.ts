/**
 * The Electron shell: one locked-down window, a menu, the native folder picker, and
 * the services bound to ipcMain. Everything else lives in the services and renderer.
 */
import { app, BrowserWindow, dialog, Menu, type OpenDialogOptions } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EventChannel, Events, RecentFolder } from '../../shared/contracts/ipc';
import { createLumenServices } from '../services/createLumenServices';
import type { EventSink, InvokeHandlers } from '../services/InvokeHandlers';
import { IpcMainTransport } from '../transport/ipcMainTransport';
import { buildAppMenu } from './appMenu';
import { CHROMIUM_SWITCHES } from './chromiumSwitches';
import { folderFromArgv } from './folderFromArgv';
import { installSessionPolicy, lockDownWebContents } from './windowSecurity';

// Bundled layout: out/node/main.js, out/preload/index.cjs, out/renderer/index.html.
const here = path.dirname(fileURLToPath(import.meta.url));
const preloadPath = path.join(here, '..', 'preload', 'index.cjs');
const rendererIndex = path.join(here, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
const isDevelopment = !app.isPackaged;

/** The app page itself, with any query or hash; nothing else may load or call IPC. */
const isAppUrl = (url: string): boolean => url === rendererUrl || url.startsWith(`${rendererUrl}?`) || url.startsWith(`${rendererUrl}#`);

function bundledSampleFolder(): string | null {
  const folder = app.isPackaged ? path.join(process.resourcesPath, 'sample') : path.join(here, '..', '..', 'assets', 'sample');
  return fs.existsSync(folder) ? folder : null;
}

// Unpackaged, argv is [electron, appPath, ...]; packaged, [lumen, ...].
const argvSkip = app.isPackaged ? 1 : 2;

let mainWindow: BrowserWindow | null = null;

for (const name of CHROMIUM_SWITCHES) app.commandLine.appendSwitch(name);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  lockDownWebContents(isAppUrl);
  await app.whenReady();
  installSessionPolicy();

  const sampleFolder = bundledSampleFolder();
  const transport = new IpcMainTransport({ isTrustedUrl: isAppUrl });
  let refreshMenu = (): void => {};
  // Rebuild "Open Recent" whenever an index finishes, since that is when the list changes.
  const events: EventSink = {
    emit<E extends EventChannel>(channel: E, payload: Events[E]): void {
      transport.emit(channel, payload);
      if (channel === 'job:onDidFinish') refreshMenu();
    },
  };
  const services = createLumenServices({
    shell: {
      shell: 'electron',
      pickFolder: () => pickFolder(),
      stateDir: app.getPath('userData'),
      initialFolder: folderFromArgv(process.argv, { skip: argvSkip, cwd: process.cwd() }) ?? sampleFolder,
      sampleFolder,
    },
    events,
  });
  transport.serve(services.handlers);

  const requestOpen = (folder: string): void => transport.emit('app:onDidRequestOpenFolder', { folder });
  refreshMenu = () => void installMenu(services.handlers, requestOpen, transport);
  refreshMenu();

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
    const folder = folderFromArgv(argv, { skip: argvSkip, cwd: workingDirectory });
    if (folder) requestOpen(folder);
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow(transport);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    disposed = true;
    transport.dispose();
    void services.dispose().finally(() => app.quit());
  });

  mainWindow = createWindow(transport);
}

function createWindow(transport: IpcMainTransport): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Lumen',
    backgroundColor: '#0b0f14',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  transport.addTarget(window.webContents);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadFile(rendererIndex);
  return window;
}

async function pickFolder(): Promise<string | null> {
  const options: OpenDialogOptions = { title: 'Open DICOM folder', properties: ['openDirectory'] };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

async function installMenu(handlers: InvokeHandlers, requestOpen: (folder: string) => void, transport: IpcMainTransport): Promise<void> {
  let recentFolders: RecentFolder[] = [];
  try {
    recentFolders = (await handlers['app:listRecentFolders']({})).folders;
  } catch (err) {
    console.error(`[lumen] could not list recent folders: ${(err as Error).message}`);
  }
  Menu.setApplicationMenu(
    buildAppMenu({
      isDevelopment,
      recentFolders,
      actions: {
        openFolder: () =>
          void pickFolder().then((folder) => {
            if (folder) requestOpen(folder);
          }),
        openRecent: requestOpen,
        showShortcuts: () => transport.emit('app:onDidRequestShowShortcuts', {}),
        showAbout: () =>
          void dialog.showMessageBox({
            type: 'info',
            title: 'About Lumen',
            message: `Lumen ${app.getVersion()}`,
            detail:
              'Desktop imaging workstation: DICOM browsing, curved reformatting and cone-beam reconstruction.\n\n' +
              'Bundled sample: CPTAC-LSCC chest CT from The Cancer Imaging Archive (TCIA), CC BY 3.0.\n\n' +
              'Not for primary diagnosis.',
          }),
      },
    }),
  );
}
