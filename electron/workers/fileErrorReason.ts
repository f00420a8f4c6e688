/** A file-system failure as a short reason a clinician can act on. */
export function fileErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'the file disappeared while Lumen was reading the folder';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EIO':
      return 'the disk reported a read error';
    default:
      return `could not be read (${err instanceof Error ? err.message : String(err)})`;
  }
}
