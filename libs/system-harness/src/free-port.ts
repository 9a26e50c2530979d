import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Test ports are drawn from here up to the start of the kernel's ephemeral range. */
const LOWEST_TEST_PORT = 10_000;

/**
 * A TCP port nothing listens on right now, for a process the test is about to start.
 *
 * It lies below the kernel's ephemeral range (net.ipv4.ip_local_port_range), which is where
 * listen(0) would pick from and where every outgoing connection takes its local port: a test
 * that kills a process and restarts it on the same ports (a crash test) would otherwise find
 * one taken by some client's connection in between (EADDRINUSE, seen in CI).
 */
export async function freePort(): Promise<number> {
  const highest = ephemeralRangeStart() - 1;
  if (highest <= LOWEST_TEST_PORT) return anyPort();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOWEST_TEST_PORT + Math.floor(Math.random() * (highest - LOWEST_TEST_PORT + 1));
    if (await isFree(port)) return port;
  }
  return anyPort();
}

function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    return Number(low) || 32_768;
  } catch {
    return 32_768; // Linux's default, and a safe bound elsewhere
  }
}

/** Free on every address: listening on the unspecified address fails if any holds the port. */
function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

async function anyPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
