import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

/**
 * The embedded database served over the PostgreSQL wire protocol on a loopback port, so other
 * processes (and the owner itself) reach it with the ordinary PostgreSQL adapter while one
 * process holds the PGlite files.
 *
 * pglite-socket's own server queues each protocol message on its own: two clients' extended-query
 * messages (Parse, Bind, Execute, Sync) interleave, and one binds the other's statement (measured:
 * wrong rows under three concurrent pools). Here its connection handler is kept and the queue is
 * replaced by a gate a client holds from its first message to the end of its unit of work (a
 * Sync, a simple Query, the start-up), and on to the end of its transaction when it opened one.
 * A client that goes away mid-transaction has it rolled back and the gate passed on.
 */
export interface PgliteSocket {
  readonly port: number;
  /** postgres://… on 127.0.0.1 for the PostgreSQL adapter. */
  readonly url: string;
  close(): Promise<void>;
}

export async function servePgliteSocket(
  pg: PGlite,
  options: { readonly port?: number; readonly host?: string } = {},
): Promise<PgliteSocket> {
  const gate = new SessionGate(pg);
  const handlers = new Set<PGLiteSocketHandler>();
  const server: Server = createServer((socket: Socket) => {
    const handler = new PGLiteSocketHandler({
      // The handler calls enqueue, clearQueueForHandler and clearTransactionIfNeeded; the gate has them.
      queryQueue: gate as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'],
      closeOnDetach: true,
    });
    handlers.add(handler);
    handler.addEventListener('close', () => handlers.delete(handler));
    handler.attach(socket).catch(() => socket.destroy());
  });
  await pg.waitReady;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The database socket has no port.');
  return {
    port: address.port,
    url: `postgres://postgres@${host}:${address.port}/postgres`,
    close: async () => {
      await Promise.all([...handlers].map((handler) => handler.detach(true)));
      handlers.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Queued {
  readonly handlerId: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  readonly resolve: (bytes: number) => void;
  readonly reject: (error: Error) => void;
}

/** Message types that end a unit of work: Sync, simple Query, Terminate. */
const unitEnds = new Set(['S', 'Q', 'X']);

/**
 * One queue for every client's messages, run one at a time. While a client holds the gate (in a
 * unit of work or a transaction) only its messages run; the others wait their turn in order.
 */
class SessionGate {
  private holder: number | null = null;
  private queue: Queued[] = [];
  private running = false;

  private readonly pg: PGlite;

  constructor(pg: PGlite) {
    this.pg = pg;
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  clearQueueForHandler(handlerId: number): void {
    const gone = this.queue.filter((q) => q.handlerId === handlerId);
    this.queue = this.queue.filter((q) => q.handlerId !== handlerId);
    for (const item of gone) item.reject(new Error('The client disconnected.'));
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.holder !== handlerId) return;
    if (this.pg.isInTransaction()) await this.pg.exec('rollback');
    this.holder = null;
    await this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.holder === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.holder);
        const item = index < 0 ? undefined : this.queue.splice(index, 1)[0];
        if (!item) return;
        this.holder = item.handlerId;
        let bytes = 0;
        try {
          await this.pg.runExclusive(() =>
            this.pg.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (error) {
          item.reject(error instanceof Error ? error : new Error(String(error)));
        }
        // A start-up message has no type byte: its first byte is the high byte of its length (0).
        const first = item.message[0] ?? 0;
        const endsUnit = first === 0 || unitEnds.has(String.fromCharCode(first));
        if (endsUnit && !this.pg.isInTransaction()) this.holder = null;
      }
    } finally {
      this.running = false;
    }
  }
}
