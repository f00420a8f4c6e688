/**
 * The browser harness's in-app folder browser: a browser cannot show a native
 * picker for the machine running Lumen, so it lists sub-folders through fs:listFolder.
 */
import { makeAutoObservable, observableRef, runInAction } from 'mobx';
import type { FolderListing } from '../../shared/contracts/ipc';
import { messageOf, type LumenClient } from '../ipc/LumenClient';

export class FolderBrowserStore {
  listing: FolderListing | null = null;
  /** What the path field shows; typing does not navigate until Enter or Go. */
  pathText = '';
  loading = false;
  error: string | null = null;
  private seq = 0;
  /** Set when the user types, so a listing that lands late does not overwrite their path. */
  private edited = false;

  constructor(private readonly client: LumenClient) {
    makeAutoObservable<FolderBrowserStore, 'client' | 'seq' | 'edited'>(this, { client: false, seq: false, edited: false, listing: observableRef }, { autoBind: true });
  }

  setPathText(text: string): void {
    this.pathText = text;
    this.edited = true;
  }

  /** Lists a folder (home when undefined) and shows it in the path field. */
  async navigate(folder?: string): Promise<void> {
    const seq = ++this.seq;
    this.edited = false;
    this.loading = true;
    this.error = null;
    try {
      const listing = await this.client.invoke('fs:listFolder', folder === undefined ? {} : { folder });
      runInAction(() => {
        if (seq !== this.seq) return;
        this.listing = listing;
        if (!this.edited) this.pathText = listing.folder;
      });
    } catch (err) {
      runInAction(() => {
        if (seq === this.seq) this.error = messageOf(err);
      });
    } finally {
      runInAction(() => {
        if (seq === this.seq) this.loading = false;
      });
    }
  }
}
