export interface ReceivedServerEvent {
  id: string | undefined;
  event: string;
  data: string;
  /** Date.now() when the event's last line arrived. */
  receivedAt: number;
}

export interface EventStreamClient {
  status: number;
  headers: Headers;
  events: ReceivedServerEvent[];
  /** Comment lines (`: heartbeat`) without the colon. */
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Reads a text/event-stream response as a browser's EventSource would, recording arrival times. */
export async function openEventStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<EventStreamClient> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const events: ReceivedServerEvent[] = [];
  const comments: string[] = [];
  const read = async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    let current: Omit<ReceivedServerEvent, 'receivedAt'> = { id: undefined, event: 'message', data: '' };
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (current.data !== '') events.push({ ...current, receivedAt: Date.now() });
            current = { id: undefined, event: 'message', data: '' };
          } else if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
          } else {
            const colon = line.indexOf(':');
            const field = line.slice(0, colon);
            const value = line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') current.id = value;
            if (field === 'event') current.event = value;
            if (field === 'data') current.data += value;
          }
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  };
  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    ended: read(),
    close: () => abort.abort(),
  };
}
