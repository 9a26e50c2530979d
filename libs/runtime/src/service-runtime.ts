import type { Bus } from '@tuxhat/messaging';
import type { PrismaClient } from '@tuxhat/database';

/**
 * What every service needs from the process it runs in, built once by the process's main
 * (one per pod in cluster mode; shared by all services in all-in-one mode).
 */
export interface ServiceRuntime {
  readonly bus: Bus;
  readonly prisma: PrismaClient;
  /** Injectable time source, so time-dependent behaviour is testable. */
  readonly clock: Clock;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Injection tokens for the runtime's parts inside a service module. */
export { PRISMA } from '@tuxhat/database';
export const CLOCK = Symbol('tuxhat:runtime:clock');
