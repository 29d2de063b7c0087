// A local stand-in for OpenAI's HTTP API: records every request and answers as each test scripts it.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** `'hang'` never answers (for timeouts). */
export type FakeBehaviour = FakeReply | 'hang';

export interface FakeOpenAI {
  origin: string;
  clientSecretsUrl: string;
  requests: RecordedRequest[];
  /** What the next requests get; default a valid client secret. */
  reply: FakeBehaviour;
  /** Resolves when the server has received `count` requests in all. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

export const VALID_SECRET = { value: 'ek_test_abc123', expires_at: 1_900_000_000 };

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const hanging = new Set<ServerResponse>();
  const fake = {
    requests: [] as RecordedRequest[],
    reply: { status: 200, body: { ...VALID_SECRET, session: { id: 'sess_1', object: 'realtime.session', type: 'realtime' } } } as FakeBehaviour,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      fake.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const waiter of waiters.filter((w) => fake.requests.length >= w.count)) waiter.resolve();
      const reply = fake.reply;
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return Object.assign(fake, {
    origin,
    clientSecretsUrl: `${origin}/v1/realtime/client_secrets`,
    received(count: number) {
      if (fake.requests.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** A loopback URL nothing listens on: a server is bound to a random port, then closed. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1/realtime/client_secrets`;
}
