/**
 * The one place a request from any transport enters the services: check the channel
 * against the allow-list, validate the payload against its schema, run the handler,
 * and turn every failure into a UserError payload (never a stack trace).
 */
import { isInvokeChannel, type InvokeChannel, type InvokeOutcome } from '../../shared/contracts/ipc';
import { requestSchemas } from '../../shared/contracts/schemas';
import { UserError } from '../../shared/contracts/UserError';
import type { InvokeHandlers } from '../services/InvokeHandlers';

export async function dispatchInvoke(
  handlers: InvokeHandlers,
  channel: unknown,
  payload: unknown,
  log: (message: string) => void = (m) => console.error(m),
): Promise<InvokeOutcome<InvokeChannel>> {
  if (!isInvokeChannel(channel)) {
    return { ok: false, error: { code: 'invalid-request', message: `Unknown request "${String(channel)}".` } };
  }
  const parsed = requestSchemas[channel].safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
    return {
      ok: false,
      error: { code: 'invalid-request', message: `Invalid request to ${channel}${where}: ${issue?.message ?? 'bad payload'}.` },
    };
  }
  try {
    const handler = handlers[channel] as (req: unknown) => unknown;
    const value = await handler(parsed.data);
    return { ok: true, value } as InvokeOutcome<InvokeChannel>;
  } catch (err) {
    if (err instanceof UserError) return { ok: false, error: err.toPayload() };
    log(`[lumen] ${channel} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return {
      ok: false,
      error: { code: 'internal', message: `Lumen could not complete "${channel}". The error was logged; please try again.` },
    };
  }
}
