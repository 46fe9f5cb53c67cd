import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';

/**
 * Sentry's envelope format: an envelope header line, then items, each an item header line and a
 * payload. A payload whose header gives `length` is exactly that many bytes (it may contain
 * newlines, e.g. attachments); otherwise it runs to the next newline.
 */

export interface EnvelopeItem {
  header: { type?: string; length?: number; [key: string]: unknown };
  payload: Buffer;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

export class InvalidEnvelopeError extends Error {}

const decoders: Record<string, (body: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** The SDK's transport gzips large envelopes and says so in Content-Encoding. */
export async function decodeBody(body: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  const decode = decoders[encoding];
  if (!decode) throw new InvalidEnvelopeError(`unsupported content-encoding ${encoding}`);
  try {
    return await decode(body);
  } catch {
    throw new InvalidEnvelopeError(`body is not valid ${encoding}`);
  }
}

export function parseEnvelope(body: Buffer): Envelope {
  let position = 0;
  const nextLine = (): Buffer | null => {
    if (position >= body.length) return null;
    const end = body.indexOf(0x0a, position);
    const line = body.subarray(position, end === -1 ? body.length : end);
    position = end === -1 ? body.length : end + 1;
    return line;
  };

  const headerLine = nextLine();
  if (!headerLine) throw new InvalidEnvelopeError('empty envelope');
  const header = json(headerLine, 'envelope header') as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  for (let line = nextLine(); line !== null; line = nextLine()) {
    if (line.length === 0) continue;
    const itemHeader = json(line, 'item header') as EnvelopeItem['header'];
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      payload = body.subarray(position, position + itemHeader.length);
      if (payload.length !== itemHeader.length) throw new InvalidEnvelopeError('item payload shorter than its length');
      position += itemHeader.length;
      if (body[position] === 0x0a) position += 1;
    } else {
      payload = nextLine() ?? Buffer.alloc(0);
    }
    items.push({ header: itemHeader, payload });
  }
  return { header, items };
}

function json(line: Buffer, what: string): unknown {
  try {
    const value: unknown = JSON.parse(line.toString('utf8'));
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value;
  } catch {
    throw new InvalidEnvelopeError(`${what} is not a JSON object`);
  }
}
