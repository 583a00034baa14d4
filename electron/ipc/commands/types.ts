// Signature every command handler has: the parsed (validated, defaulted) request in, the response out.
import type { CommandName, ParsedRequest, Response } from '../../common/contract';
import type { Context } from '../router';

export type Handler<C extends CommandName> = (request: ParsedRequest<C>, ctx: Context) => Promise<Response<C>>;
