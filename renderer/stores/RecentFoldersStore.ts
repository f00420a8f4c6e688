/** Folders opened before, newest first, as main remembers them. */
import { makeAutoObservable, runInAction } from 'mobx';
import type { RecentFolder } from '../../shared/contracts/ipc';
import { messageOf, type LumenClient } from '../ipc/LumenClient';

export class RecentFoldersStore {
  folders: RecentFolder[] = [];
  error: string | null = null;

  constructor(private readonly client: LumenClient) {
    makeAutoObservable<RecentFoldersStore, 'client'>(this, { client: false }, { autoBind: true });
  }

  async refresh(): Promise<void> {
    try {
      const { folders } = await this.client.invoke('app:listRecentFolders', {});
      runInAction(() => {
        this.folders = folders;
        this.error = null;
      });
    } catch (err) {
      runInAction(() => (this.error = messageOf(err)));
    }
  }
}
