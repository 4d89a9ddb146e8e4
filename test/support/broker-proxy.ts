import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the real broker that can stall, cut and refuse connections, and swallow
 * the broker's answers: how tests make a slow or vanishing broker without touching the shared one.
 * Pass `proxy.connect` as the transport's `connect` seam so every broker connection (bootstrap and
 * advertised addresses alike) goes through it.
 */
export class BrokerProxy {
  /** Hold bytes in both directions until `resume()`. */
  paused = false;
  /** Refuse new connections. */
  down = false;
  /** Drop the broker's answers (the request still reaches it): a lost acknowledgement. */
  swallowAnswers = false;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; held: Array<() => void> }>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<BrokerProxy> {
    let proxy: BrokerProxy | null = null;
    const server = createServer((client) => proxy!.accept(client, target));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new BrokerProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  readonly connect = (_host: string, _port: number, onConnect: () => void): Socket => connect({ host: '127.0.0.1', port: this.port }, onConnect);

  /** Writes held back by `paused`: a request in flight that the broker has not seen yet. */
  get held(): number {
    let n = 0;
    for (const pair of this.pairs) n += pair.held.length;
    return n;
  }

  resume(): void {
    this.paused = false;
    for (const pair of this.pairs) pair.held.splice(0).forEach((write) => write());
  }

  /** Resets every open connection. */
  cut(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((r) => this.server.close(r));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    if (this.down) return void client.destroy();
    const upstream = connect(target);
    const pair = { client, upstream, held: [] as Array<() => void> };
    this.pairs.add(pair);
    const forward = (to: Socket, answer: boolean) => (data: Buffer) => {
      if (answer && this.swallowAnswers) return;
      const write = () => void (to.destroyed || to.write(data));
      if (this.paused) pair.held.push(write);
      else write();
    };
    client.on('data', forward(upstream, false));
    upstream.on('data', forward(client, true));
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  }
}
