import type { LoggerService } from '@nestjs/common';
import { ConfigError } from '@tuxhat/config';
import { z } from 'zod';

export interface StartAdminOptions {
  readonly host: string;
  /** 0 picks a free port; the returned url carries the real one. */
  readonly port: number;
  /** Largest accepted body (default 1 MiB); larger answers 413 payload_too_large. */
  readonly bodyLimitBytes?: number;
  readonly logger?: LoggerService;
  /**
   * Close on SIGTERM/SIGINT (default true). Off in all-in-one mode, where the gateway closes
   * its services in order itself.
   */
  readonly shutdownHooks?: boolean;
  /** Runs after the app closed (e.g. closing the database the runtime owns). */
  readonly onShutdown?: () => Promise<void>;
}

const listenerSchema = z.object({
  host: z.string().min(1),
  port: z.int().min(0).max(65_535),
  bodyLimitBytes: z
    .int()
    .min(1_024)
    .max(16 * 1_024 * 1_024)
    .default(1_024 * 1_024),
});

/** Checked at boot: a bad value stops the service with the option named. */
export function resolveAdminListener(options: StartAdminOptions): z.infer<typeof listenerSchema> {
  const parsed = listenerSchema.safeParse({
    host: options.host,
    port: options.port,
    bodyLimitBytes: options.bodyLimitBytes,
  });
  if (!parsed.success) throw ConfigError.fromZod('admin options', parsed.error);
  return parsed.data;
}
