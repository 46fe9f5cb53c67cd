import type { IncomingMessage, ServerResponse } from 'node:http';

interface Subscriber {
  user: string;
  res: ServerResponse;
}

/** Server-Sent Events to the open pages; ephemerals and modals go only to the person they are for. */
export class EventStream {
  private readonly subscribers = new Set<Subscriber>();

  subscribe(req: IncomingMessage, res: ServerResponse, user: string): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    // The page reloads its snapshot on every (re)connect, so a quick retry loses nothing.
    res.write('retry: 1000\n\n');
    const subscriber = { user, res };
    this.subscribers.add(subscriber);
    req.on('close', () => this.subscribers.delete(subscriber));
  }

  publish(event: string, data: unknown, onlyFor?: string): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const subscriber of this.subscribers) {
      if (onlyFor === undefined || subscriber.user === onlyFor) subscriber.res.write(frame);
    }
  }

  close(): void {
    for (const subscriber of this.subscribers) subscriber.res.end();
    this.subscribers.clear();
  }
}
