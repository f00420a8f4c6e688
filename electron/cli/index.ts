/** Entry of the `lumen` command (bundled as out/node/cli.js; bin/lumen.mjs starts it). */
import { runCli } from './runCli';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stderr.isTTY),
});
