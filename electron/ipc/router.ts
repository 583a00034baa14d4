/**
 * The router every host uses (Electron main, the `serve` bridge): looks up the command,
 * validates the request against the contract's schema, runs the handler and turns
 * anything thrown into a typed `{ ok: false, error }` result. Nothing reaches a handler
 * unvalidated, and no exception crosses the IPC boundary.
 */
import { commands, type CommandName, type Request, type Response, type Result, type ResultError } from '../common/contract';
import { createFolderAccess, type FolderAccess } from './access';
import { handlers } from './commands';
import { toResultError } from './result-error';
import type { Context, Host } from './context';

export interface Router {
  /** Untyped entry for transports: anything may arrive, everything is validated. */
  invoke(command: string, request: unknown): Promise<Result<unknown>>;
  /** Typed entry for in-process callers (tests, tools). */
  call<C extends CommandName>(command: C, request: Request<C>): Promise<Result<Response<C>>>;
  /** Aborts every running job (window closed, bridge stopped). */
  dispose(): void;
  context: Context;
}

export function createRouter(host: Host, access: FolderAccess = createFolderAccess()): Router {
  const context: Context = { host, access, jobs: new Map() };
  const router: Router = {
    context,
    call: (command, request) => router.invoke(command, request) as never,
    async invoke(command, request) {
      if (!Object.hasOwn(commands, command)) return failure({ code: 'UNKNOWN_COMMAND', message: `unknown command: ${String(command).slice(0, 64)}` });
      const name = command as CommandName;
      const parsed = commands[name].request.safeParse(request ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? issue.path.join('.') : 'request';
        return failure({ code: 'BAD_REQUEST', message: `${name}: ${where}: ${issue?.message ?? 'invalid'}` });
      }
      try {
        const handler = handlers[name] as (req: unknown, ctx: Context) => Promise<unknown>;
        const value = await handler(parsed.data, context);
        return { ok: true, value };
      } catch (err) {
        return failure(toResultError(err));
      }
    },
    dispose() {
      for (const c of context.jobs.values()) c.abort();
      context.jobs.clear();
    },
  };
  return router;
}

function failure(error: ResultError): Result<never> {
  return { ok: false, error };
}
