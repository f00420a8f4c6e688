/** UI state of the window shell: which overlay is open and the transient notice. */
import { makeAutoObservable } from 'mobx';

export type Overlay = 'none' | 'shortcuts' | 'folder-browser';

export interface Notice {
  kind: 'info' | 'error';
  text: string;
}

const NOTICE_MS = 7000;

export class LayoutStore {
  overlay: Overlay = 'none';
  notice: Notice | null = null;
  /** True while something is dragged over the window. */
  dropHover = false;
  /** The study browser folded away, giving the viewers the whole width. */
  sidebarHidden = false;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    makeAutoObservable<LayoutStore, 'noticeTimer'>(this, { noticeTimer: false }, { autoBind: true });
  }

  open(overlay: Overlay): void {
    this.overlay = overlay;
  }

  toggleShortcuts(): void {
    this.overlay = this.overlay === 'shortcuts' ? 'none' : 'shortcuts';
  }

  close(): void {
    this.overlay = 'none';
  }

  toggleSidebar(): void {
    this.sidebarHidden = !this.sidebarHidden;
  }

  setDropHover(hover: boolean): void {
    this.dropHover = hover;
  }

  showNotice(notice: Notice): void {
    this.notice = notice;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => this.dismissNotice(), NOTICE_MS);
  }

  dismissNotice(): void {
    this.notice = null;
  }
}
