import { type RunningAdmin, startAdmin } from '@tuxhat/admin';
import type { PrismaClient } from '@tuxhat/database';
import { type RunningIngress, startIngress } from '@tuxhat/ingress';
import { Bus, InProcessBroker } from '@tuxhat/messaging';
import { type ServiceRuntime, systemClock } from '@tuxhat/runtime';

export type Json = Record<string, unknown>;

export const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

/** The runtime every service of one all-in-one gateway shares: one in-process bus, one database. */
export function inProcessRuntime(prisma: PrismaClient): {
  broker: InProcessBroker;
  runtime: ServiceRuntime;
} {
  const broker = new InProcessBroker();
  return {
    broker,
    runtime: { bus: Bus.create({ kind: 'in-process', broker }, quiet), prisma, clock: systemClock },
  };
}

/** The admin API on a free port of 127.0.0.1. */
export function startTestAdmin(runtime: ServiceRuntime): Promise<RunningAdmin> {
  return startAdmin(runtime, { host: '127.0.0.1', port: 0, logger: quiet, shutdownHooks: false });
}

/** Ingress (REST and gRPC) on free ports of 127.0.0.1. */
export function startTestIngress(runtime: ServiceRuntime): Promise<RunningIngress> {
  return startIngress(runtime, {
    httpHost: '127.0.0.1',
    httpPort: 0,
    grpcHost: '127.0.0.1',
    grpcPort: 0,
    logger: quiet,
    shutdownHooks: false,
  });
}

/** An HTTP call with a bearer key: the status, the text and, when it is one, the JSON object. */
export async function call(
  base: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; text: string; body: Json }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: jsonOf(text) };
}

function jsonOf(text: string): Json {
  try {
    return (text ? JSON.parse(text) : {}) as Json;
  } catch {
    return {}; // not one JSON document (NDJSON, CSV): read `text`
  }
}
