/**
 * Creates every store and injects the typed IPC client, as in the MobX guide's
 * "defining data stores". Cross-store wiring (selection → preview, main's requests
 * → actions) lives here so the stores stay independent of each other.
 */
import { makeAutoObservable, observableRef, reaction, runInAction } from 'mobx';
import type { AppInfo } from '../../shared/contracts/ipc';
import { messageOf, type LumenClient } from '../ipc/LumenClient';
import { FolderBrowserStore } from './FolderBrowserStore';
import { LayoutStore } from './LayoutStore';
import { PathStore } from './PathStore';
import { PreviewStore } from './PreviewStore';
import { ReformatStore } from './ReformatStore';
import { RecentFoldersStore } from './RecentFoldersStore';
import { StudyStore } from './StudyStore';
import { View3DStore } from './View3DStore';
import { ViewerStore } from './ViewerStore';
import { VolumeStore } from './VolumeStore';

export class RootStore {
  readonly recentFolders: RecentFoldersStore;
  readonly study: StudyStore;
  readonly preview: PreviewStore;
  readonly layout: LayoutStore;
  readonly folderBrowser: FolderBrowserStore;
  readonly volumes: VolumeStore;
  readonly viewer: ViewerStore;
  readonly view3d: View3DStore;
  readonly paths: PathStore;
  readonly reformat: ReformatStore;
  info: AppInfo | null = null;
  private readonly disposers: (() => void)[] = [];

  constructor(readonly client: LumenClient) {
    this.recentFolders = new RecentFoldersStore(client);
    this.study = new StudyStore(client, this.recentFolders);
    this.preview = new PreviewStore(client);
    this.layout = new LayoutStore();
    this.folderBrowser = new FolderBrowserStore(client);
    this.volumes = new VolumeStore(client);
    this.viewer = new ViewerStore();
    this.view3d = new View3DStore();
    this.paths = new PathStore();
    this.reformat = new ReformatStore(client, this.viewer, this.paths);
    makeAutoObservable<RootStore, 'disposers'>(
      this,
      {
        client: false,
        recentFolders: false,
        study: false,
        preview: false,
        layout: false,
        folderBrowser: false,
        volumes: false,
        viewer: false,
        view3d: false,
        paths: false,
        reformat: false,
        info: observableRef,
        disposers: false,
      },
      { autoBind: true },
    );
    this.disposers.push(
      // Volumes open in the 3-up viewer; everything else in the frame viewer.
      reaction(
        () => this.study.selectedSeries,
        (series) => {
          const isVolume = series?.kind === 'volume';
          this.preview.show(isVolume ? null : series);
          if (isVolume) void this.volumes.open(series);
          else this.volumes.close();
        },
      ),
      reaction(
        () => this.volumes.volume,
        (volume) => {
          // Paths, exports and labels belong to the volume they were made on.
          if (volume?.seriesUid !== this.viewer.volume?.seriesUid) {
            this.paths.clear();
            this.reformat.reset();
          }
          this.viewer.setVolume(volume);
        },
      ),
      client.on('app:onDidRequestOpenFolder', ({ folder }) => this.openFolder(folder)),
      client.on('app:onDidRequestShowShortcuts', () => this.layout.open('shortcuts')),
    );
  }

  get isWebHarness(): boolean {
    return this.info?.shell === 'web';
  }

  /** Loads app info and recent folders, then opens the start folder (command line or sample). */
  async start(): Promise<void> {
    void this.recentFolders.refresh();
    try {
      const info = await this.client.invoke('app:getInfo', {});
      runInAction(() => (this.info = info));
      if (info.initialFolder) void this.study.openFolder(info.initialFolder);
    } catch (err) {
      this.layout.showNotice({ kind: 'error', text: messageOf(err) });
    }
  }

  openFolder(folder: string): void {
    this.layout.close();
    void this.study.openFolder(folder);
  }

  /** "Open folder…": the native picker in Electron, the in-app browser in the harness. */
  async chooseFolder(): Promise<void> {
    if (this.isWebHarness) {
      this.layout.open('folder-browser');
      void this.folderBrowser.navigate(this.study.folder ?? this.info?.sampleFolder ?? undefined);
      return;
    }
    try {
      const { folder } = await this.client.invoke('dialog:pickFolder', {});
      if (folder) this.openFolder(folder);
    } catch (err) {
      this.layout.showNotice({ kind: 'error', text: messageOf(err) });
    }
  }

  /** A folder dropped on the window: Electron knows its path, a browser never does. */
  dropFiles(files: File[]): void {
    const first = files[0];
    if (!first) return;
    const folder = this.client.pathForFile(first);
    if (!folder) {
      this.layout.showNotice({
        kind: 'info',
        text: 'Drag-and-drop of folders needs the Lumen desktop app: a browser never learns where a dropped folder lives. Use “Open folder…” instead.',
      });
      return;
    }
    this.openFolder(folder);
  }

  dispose(): void {
    this.disposers.forEach((d) => d());
    this.study.dispose();
    this.reformat.dispose();
    this.volumes.close();
  }
}
