import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

import { freePort } from './free-port';

function listenOn(port: number): Promise<() => Promise<void>> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve(() => new Promise<void>((done) => server.close(() => done()))),
    );
  });
}

describe('freePort', () => {
  it('hands out ports below the ephemeral range, which outgoing connections never take', async () => {
    const [ephemeralStart] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralStart);
    }
  });

  it('hands out a port a process can then listen on', async () => {
    const close = await listenOn(await freePort());
    await close();
  });
});
