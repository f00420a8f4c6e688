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
import { FlythroughStore } from './FlythroughStore';
import { PathStore } from './PathStore';
import { PreviewStore } from './PreviewStore';
import { ReconstructStore, reconstructionSeries } from './ReconstructStore';
import { ReformatStore } from './ReformatStore';
import { RecentFoldersStore } from './RecentFoldersStore';
import { StudyStore } from './StudyStore';
import { View3DStore } from './View3DStore';
import { ViewerStore } from './ViewerStore';
import { VolumeStore } from './VolumeStore';

/** Paths are saved with the session this long after the last edit (one write for a burst of edits). */
const PATH_SAVE_DELAY_MS = 400;

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
  readonly flythrough: FlythroughStore;
  readonly reconstruct: ReconstructStore;
  info: AppInfo | null = null;
  private readonly disposers: (() => void)[] = [];
  /** The series whose saved paths are (being) loaded: edits are saved only once they have loaded, never over them. */
  private pathSession: { seriesUid: string; loaded: boolean } | null = null;
  private pathSaveTimer: ReturnType<typeof setTimeout> | undefined;

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
    this.flythrough = new FlythroughStore(this.reformat, this.viewer);
    this.reconstruct = new ReconstructStore(client);
    // A finished reconstruction is listed under its run and opens in the 3-up like any volume.
    this.reconstruct.onResult = (info, source) => {
      this.study.addDerivedSeries(reconstructionSeries(info, source), source.uid);
      this.reconstruct.close();
      this.study.selectSeries(info.seriesUid);
    };    makeAutoObservable<RootStore, 'disposers' | 'pathSession' | 'pathSaveTimer'>(
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
        flythrough: false,
        reconstruct: false,
        info: observableRef,
        disposers: false,
        pathSession: false,
        pathSaveTimer: false,
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
            this.savePathsNow();
            this.pathSession = null;
            this.paths.clear();
            if (volume) void this.loadPaths(volume.seriesUid);
            this.reformat.reset();
            this.flythrough.reset();
          }
          this.viewer.setVolume(volume);
        },
      ),
      reaction(
        () => this.paths.edits,
        () => this.schedulePathSave(),
      ),
      client.on('app:onDidRequestOpenFolder', ({ folder }) => this.openFolder(folder)),
      client.on('app:onDidRequestShowShortcuts', () => this.layout.open('shortcuts')),
    );
    // A window closed or reloaded right after an edit still saves it.
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', this.savePathsNow);
      this.disposers.push(() => window.removeEventListener('pagehide', this.savePathsNow));
    }
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

  /** Writes a pending save of the paths at once. */
  savePathsNow(): void {
    if (this.pathSaveTimer === undefined) return;
    clearTimeout(this.pathSaveTimer);
    void this.savePaths();
  }

  /** The paths saved with this series' session, in front of any drawn while they loaded. */
  private async loadPaths(seriesUid: string): Promise<void> {
    const session = { seriesUid, loaded: false };
    this.pathSession = session;
    try {
      const { paths } = await this.client.invoke('paths:load', { seriesUid });
      if (this.pathSession !== session) return;
      const drawnMeanwhile = this.paths.paths.length > 0;
      this.paths.restore(paths);
      session.loaded = true;
      if (drawnMeanwhile) this.schedulePathSave();
    } catch (err) {
      // A damaged session file has been set aside by main: say so, and save afresh from here on.
      if (this.pathSession !== session) return;
      session.loaded = true;
      this.layout.showNotice({ kind: 'error', text: messageOf(err) });
    }
  }

  private schedulePathSave(): void {
    if (!this.pathSession?.loaded) return;
    clearTimeout(this.pathSaveTimer);
    this.pathSaveTimer = setTimeout(() => void this.savePaths(), PATH_SAVE_DELAY_MS);
  }

  private async savePaths(): Promise<void> {
    this.pathSaveTimer = undefined;
    const session = this.pathSession;
    if (!session?.loaded) return;
    try {
      await this.client.invoke('paths:save', { seriesUid: session.seriesUid, paths: this.paths.session });
    } catch (err) {
      this.layout.showNotice({ kind: 'error', text: `The paths could not be saved with the session: ${messageOf(err)}` });
    }
  }

  dispose(): void {
    this.savePathsNow();
    this.disposers.forEach((d) => d());
    this.study.dispose();
    this.reformat.dispose();
    this.flythrough.dispose();
    this.reconstruct.dispose();
    this.volumes.close();
  }
}
