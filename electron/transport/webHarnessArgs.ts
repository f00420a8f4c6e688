/** Command-line options of the browser harness (`node out/node/webMain.js`). */
export interface WebHarnessArgs {
  /** 0 picks a free port. */
  port: number;
  /** Folder to open at start; undefined means "the bundled sample, if installed". */
  folder?: string;
  /** Where recent folders and other app state live. */
  stateDir?: string;
  /** Folder of the built renderer; defaults to out/renderer under the app root. */
  staticRoot?: string;
  /** Memory limit for loaded volumes, MiB; default 40% of physical memory. */
  volumeLimitMb?: number;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const WEB_HARNESS_USAGE = 'usage: webMain [--port <P>] [--folder <F>] [--state-dir <D>] [--static <out/renderer>] [--volume-limit-mb <MiB>]';

export function parseWebHarnessArgs(argv: readonly string[]): WebHarnessArgs {
  const args: WebHarnessArgs = { port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.startsWith('--') && flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value. ${WEB_HARNESS_USAGE}`);
      return v;
    };
    switch (name) {
      case '--port': {
        const raw = value();
        const port = Number(raw);
        if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`--port must be 0..65535, got "${raw}".`);
        args.port = port;
        break;
      }
      case '--folder':
        args.folder = value();
        break;
      case '--state-dir':
        args.stateDir = value();
        break;
      case '--static':
        args.staticRoot = value();
        break;
      case '--volume-limit-mb': {
        const raw = value();
        const mb = Number(raw);
        if (!(mb > 0)) throw new UsageError(`--volume-limit-mb must be a positive number of MiB, got "${raw}".`);
        args.volumeLimitMb = mb;
        break;
      }
      default:
        throw new UsageError(`Unknown option "${flag}". ${WEB_HARNESS_USAGE}`);
    }
  }
  return args;
}
