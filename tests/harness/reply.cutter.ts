import net from 'node:net';

export interface ReplyCutter {
  /** `mongodb://` URL of the proxy, for `directConnection`. */
  url: string;
  /**
   * The next request whose bytes contain every marker reaches the server, and the
   * connection that sent it is cut when the server answers: the write happened and
   * its answer never arrives.
   */
  cutNextReply(markers: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a database server that can drop one answer: the fault of a
 * connection lost between a write's commit and its acknowledgement.
 */
export async function startReplyCutter(target: { host: string; port: number }): Promise<ReplyCutter> {
  let armed: { markers: Buffer[]; cut: () => void } | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let cutOnReply: (() => void) | undefined;
    client.on('data', (chunk) => {
      if (armed !== undefined && armed.markers.every((marker) => chunk.includes(marker))) {
        cutOnReply = armed.cut;
        armed = undefined;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (cutOnReply === undefined) {
        client.write(chunk);
        return;
      }
      client.destroy();
      upstream.destroy();
      cutOnReply();
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `mongodb://127.0.0.1:${port}`,
    cutNextReply: (markers) =>
      new Promise<void>((resolve) => {
        armed = { markers: markers.map((marker) => Buffer.from(marker)), cut: resolve };
      }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
