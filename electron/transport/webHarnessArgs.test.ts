import { describe, expect, it } from 'vitest';
import { parseWebHarnessArgs, UsageError } from './webHarnessArgs';

describe('parseWebHarnessArgs', () => {
  it('defaults to a random port and no explicit folder', () => {
    expect(parseWebHarnessArgs([])).toEqual({ port: 0 });
  });
  it('reads --port, --folder, --state-dir and --static, spaced or with =', () => {
    expect(parseWebHarnessArgs(['--port', '8123', '--folder', '/d/ct chest', '--state-dir=/s', '--static', '/r'])).toEqual({
      port: 8123,
      folder: '/d/ct chest',
      stateDir: '/s',
      staticRoot: '/r',
    });
  });
  it('rejects bad ports, missing values and unknown flags', () => {
    expect(() => parseWebHarnessArgs(['--port', '-1'])).toThrow(UsageError);
    expect(() => parseWebHarnessArgs(['--port', '70000'])).toThrow(UsageError);
    expect(() => parseWebHarnessArgs(['--folder'])).toThrow(/needs a value/);
    expect(() => parseWebHarnessArgs(['--host', '0.0.0.0'])).toThrow(/Unknown option/);
    expect(() => parseWebHarnessArgs(['--volume-limit-mb', '0'])).toThrow(/positive/);
  });
  it('reads a volume memory limit in MiB', () => {
    expect(parseWebHarnessArgs(['--volume-limit-mb', '1.5'])).toEqual({ port: 0, volumeLimitMb: 1.5 });
  });
});
