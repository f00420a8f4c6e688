/** The application menu. Actions are injected so the menu holds no app state. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { RecentFolder } from '../../shared/contracts/ipc';

export interface AppMenuActions {
  openFolder(): void;
  openRecent(folder: string): void;
  showShortcuts(): void;
  showAbout(): void;
}

export interface AppMenuOptions {
  isDevelopment: boolean;
  recentFolders: RecentFolder[];
  actions: AppMenuActions;
}

export function buildAppMenu({ isDevelopment, recentFolders, actions }: AppMenuOptions): Menu {
  const isMac = process.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] =
    recentFolders.length > 0
      ? recentFolders.slice(0, 10).map((r) => ({ label: r.folder, click: () => actions.openRecent(r.folder) }))
      : [{ label: 'No recent folders', enabled: false }];

  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFolder() },
        { label: 'Open Recent', submenu: recent },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' },
      ],
    },
    {
      label: '&View',
      submenu: [
        ...(isDevelopment
          ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Help',
      submenu: [
        { label: 'Keyboard Shortcuts', accelerator: 'F1', click: () => actions.showShortcuts() },
        { type: 'separator' },
        { label: 'About Lumen', click: () => actions.showAbout() },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
