import { z } from 'zod';

/**
 * The board server's websocket protocol at `/ws`: JSON text frames, one message each.
 *
 * Client → server
 * - `{type:'join', board, clientId}`: the connection works on `board` from now on (one board per
 *   connection). The server loads the board from the shared store unless it is already open.
 * - `{type:'edit', board, editId, op}`: `op` is any JSON value. `editId` is unique per edit;
 *   resending an edit (after a reconnect) is safe, the store keeps it once.
 *
 * Server → client
 * - `{type:'joined', board, version, server, serverVersion}`: `server` is the instance id,
 *   `serverVersion` the release the server runs.
 * - `{type:'ack', editId, version}`: sent only after the edit was saved to the store, so an
 *   acknowledged edit is never lost by a server going away.
 * - `{type:'edit', board, editId, clientId, op, version}`: another client's edit, after it was saved.
 * - `{type:'error', message, editId?}`: the request was refused or could not be saved; an edit named
 *   here was not acknowledged and may be sent again.
 * - `{type:'reconnect'}`: the server is draining. Reconnect through the load balancer (which sends
 *   you to another server) and join again; the server closes the socket after a short grace.
 */

const boardId = z.string().min(1).max(200);
/** Frames are parsed JSON already, so any value is JSON; only its presence is checked (deep checks cost too much per frame). */
const op = z.unknown().refine((value) => value !== undefined, 'op is required');

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('join'), board: boardId, clientId: z.string().min(1).max(200) }),
  z.object({ type: z.literal('edit'), board: boardId, editId: z.string().min(1).max(200), op }),
]);

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('joined'), board: z.string(), version: z.number(), server: z.string(), serverVersion: z.string() }),
  z.object({ type: z.literal('ack'), editId: z.string(), version: z.number() }),
  z.object({ type: z.literal('edit'), board: z.string(), editId: z.string(), clientId: z.string(), op, version: z.number() }),
  z.object({ type: z.literal('error'), message: z.string(), editId: z.string().optional() }),
  z.object({ type: z.literal('reconnect') }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Returns null for a frame that is not valid JSON or not a message of this protocol. */
export function parseFrame<T>(schema: z.ZodType<T>, data: string): T | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
