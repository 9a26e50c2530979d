/** Which probe a check answers: liveness (restart me when it fails) or readiness (route no work to me). */
export type Probe = 'liveness' | 'readiness';

export interface HealthStatus {
  readonly ok: boolean;
  /** Why, in a few words: shown in the probe's JSON answer. */
  readonly detail?: string;
}

export interface HealthCheck {
  /** e.g. `database`, `bus consumer policy`, `smpp binds`. */
  readonly name: string;
  readonly probes: readonly Probe[];
  check(): HealthStatus | Promise<HealthStatus>;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly status: 'ok' | 'starting' | 'failing';
  readonly checks: readonly (HealthStatus & { readonly name: string })[];
}

/** A check that does not answer within this is failing (a probe must answer fast). */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * The checks behind the ops server's /health/live and /health/ready. Components register what
 * they own (the bus consumer, the producer, the database, the SMPP binds) and remove it when
 * they close; a consumer that begins to drain on shutdown reports not ready at once.
 * Readiness also needs the process to have finished booting (markStarted).
 */
export class HealthChecks {
  private readonly checks = new Set<HealthCheck>();
  private started = false;

  /** Adds a check; returns the function that removes exactly this registration. */
  register(check: HealthCheck): () => void {
    this.checks.add(check);
    return () => this.checks.delete(check);
  }

  /** Boot is complete: readiness may pass from now on. */
  markStarted(): void {
    this.started = true;
  }

  get isStarted(): boolean {
    return this.started;
  }

  async report(probe: Probe): Promise<HealthReport> {
    const relevant = [...this.checks].filter((check) => check.probes.includes(probe));
    const checks = await Promise.all(
      relevant.map(async (check) => ({ name: check.name, ...(await runCheck(check)) })),
    );
    const failing = checks.some((check) => !check.ok);
    if (probe === 'readiness' && !this.started) return { ok: false, status: 'starting', checks };
    return { ok: !failing, status: failing ? 'failing' : 'ok', checks };
  }
}

async function runCheck(check: HealthCheck): Promise<HealthStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthStatus>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wraps an expensive check (a database round trip) so probes arriving every few seconds from
 * several kubelets cost at most one run per `ttlMs`; concurrent calls share the run.
 */
export function cachedCheck(
  run: () => Promise<HealthStatus>,
  ttlMs: number,
  now: () => number = Date.now,
): () => Promise<HealthStatus> {
  let last: { at: number; status: HealthStatus } | undefined;
  let running: Promise<HealthStatus> | undefined;
  return () => {
    if (last && now() - last.at < ttlMs) return Promise.resolve(last.status);
    running ??= run()
      .catch((error: unknown): HealthStatus => ({
        ok: false,
        detail: error instanceof Error ? error.message : String(error),
      }))
      .then((status) => {
        last = { at: now(), status };
        running = undefined;
        return status;
      });
    return running;
  };
}

let shared: HealthChecks | undefined;

/** The health checks of this process (every service it runs registers here). */
export function processHealth(): HealthChecks {
  shared ??= new HealthChecks();
  return shared;
}
