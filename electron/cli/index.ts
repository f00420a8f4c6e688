/** Entry of the `lumen` command (bundled as out/node/cli.js; bin/lumen.mjs starts it). */
import { removeTempOutputsNow } from '../services/tempOutputs';
import { runCli } from './runCli';

// Ctrl+C: stop at once (the workers go with the process), leaving no half-written output behind.
process.once('SIGINT', () => {
  const removed = removeTempOutputsNow();
  process.stderr.write(`\nlumen: interrupted${removed > 0 ? '; the unfinished output was removed' : ''}. No file was left half-written.\n`);
  process.exit(130);
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stderr.isTTY),
});
