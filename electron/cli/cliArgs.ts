/** A small argv parser: positionals, `--flag`, `--flag value`, `--flag=value`. Unknown flags are usage errors. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/** `spec` maps each allowed flag to whether it takes a value; 'optional': only as `--flag=value`, else it stands alone. */
export function parseArgs(argv: readonly string[], spec: Record<string, boolean | 'optional'>, command?: string): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const takesValue = spec[name];
    if (takesValue === undefined) throw new UsageError(`unknown option ${name}`, command);
    if (!takesValue || (takesValue === 'optional' && eq < 0)) {
      if (eq >= 0) throw new UsageError(`option ${name} takes no value`, command);
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`option ${name} needs a value`, command);
    flags.set(name, value);
  }
  return { positionals, flags };
}
