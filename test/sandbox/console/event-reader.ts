/** Reads a Server-Sent Events stream the way EventSource does, one event at a time. */
export interface ServerEvent {
  event: string;
  data: unknown;
}

export interface EventReader {
  /** The next event (of that name, when given), skipping others. */
  next(name?: string): Promise<ServerEvent>;
  close(): void;
}

export async function readEvents(url: string): Promise<EventReader> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`${url} answered HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';

  async function frame(): Promise<ServerEvent | undefined> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const event = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length);
        const data = lines.find((l) => l.startsWith('data: '))?.slice('data: '.length);
        if (event !== undefined && data !== undefined) return { event, data: JSON.parse(data) };
        continue;
      }
      const chunk = await reader.read();
      if (chunk.done) return undefined;
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  }

  return {
    async next(name) {
      for (;;) {
        const event = await frame();
        if (!event) throw new Error(`the stream ended before a ${name ?? 'further'} event`);
        if (name === undefined || event.event === name) return event;
      }
    },
    close: () => abort.abort(),
  };
}
