import { describe, expect, it } from 'vitest';
import { folderFromArgv } from './folderFromArgv';

const dirs = new Set(['/data/ct', '/home/u/scans']);
const isDirectory = (p: string): boolean => dirs.has(p);

describe('folderFromArgv', () => {
  it('finds the folder after the executable and app path, skipping Chromium switches', () => {
    expect(folderFromArgv(['/usr/bin/electron', '/repo', '--allow-file-access-from-files', '/data/ct'], { skip: 2, cwd: '/', isDirectory })).toBe('/data/ct');
  });
  it('resolves relative folders against the caller working directory', () => {
    expect(folderFromArgv(['/opt/Lumen/lumen', 'scans'], { skip: 1, cwd: '/home/u', isDirectory })).toBe('/home/u/scans');
  });
  it('ignores files and missing paths, and the app path itself', () => {
    expect(folderFromArgv(['/usr/bin/electron', '/data/ct', '/nope'], { skip: 2, cwd: '/', isDirectory })).toBeNull();
    expect(folderFromArgv(['/usr/bin/electron', '/repo'], { skip: 2, cwd: '/', isDirectory })).toBeNull();
  });
});
