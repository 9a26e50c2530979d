// bench/retention: what deleting old messages (MESSAGE_RETENTION_DAYS, ACCOUNTING_RETENTION_DAYS)
// costs a gateway that keeps serving. Seeds --old messages accepted 30 days ago with what each
// leaves behind (history, carrier id, part receipt, status callback delivery, accounting record),
// then offers the same paced load three times: alone (the baseline), while the services'
// retention deletes all of it at full speed, and (seeded again) while it deletes it paced as
// the services run it (each service's own purge, concurrently, as their processes do).
//   node dist/bench/retention.js [--systems=all-in-one-postgres,cluster] [--old=500000]
//                                [--rate=500] [--seconds=30]
// PostgreSQL systems only: the bench needs the database (PGlite is inside the gateway's process).
// Run through bench/run.sh, which starts PostgreSQL and Kafka and builds first.
import { RecordRetention } from '@tuxhat/accounting';
import { ulidTime } from '@tuxhat/contracts';
import { type Database, Prisma } from '@tuxhat/database';
import { DlrRetention, resolveDlrOptions } from '@tuxhat/dlr';
import { MessageRetention, resolveIngressOptions } from '@tuxhat/ingress';
import {
  DAY_MS,
  DEFAULT_BUSY_SHARE,
  type PurgePacing,
  type RetentionService,
  systemClock,
} from '@tuxhat/runtime';

import { UsageError, integerFlag, runBench } from './lib/cli';
import { carriedThrough } from './lib/drain';
import { type LoadResult, extremes, paced } from './lib/load';
import { type Row, fmt, latencyCells, markdown } from './lib/report';
import { type RunningSystem, selectedSystems, startSystem } from './lib/systems';
import { startWalCount, walPerItem } from './lib/wal';
import { WARMUP_SECONDS } from './lib/warm-up';
import { destination } from './targets/target';

const RETENTION_DAYS = 8;
const SEEDED_DAYS_AGO = 30;
const SEEDED_TABLES = [
  'messages',
  'message_status_events',
  'dlr_carrier_keys',
  'dlr_part_receipts',
  'webhook_deliveries',
  'accounting_records',
];
/** Rows one seeding statement inserts: a short transaction each. */
const SEED_CHUNK = 100_000;

async function main(): Promise<void> {
  const old = integerFlag(process.argv, 'old', 500_000, { max: 100_000_000 });
  const rate = integerFlag(process.argv, 'rate', 500, { max: 20_000 });
  const seconds = integerFlag(process.argv, 'seconds', 30, { max: 3_600 });
  const rows: Row[] = [];
  for (const name of selectedSystems(process.argv, ['all-in-one-postgres', 'cluster'])) {
    if (name === 'kannel' || name === 'all-in-one-pglite') {
      throw new UsageError(`--systems: ${name} keeps no database this bench can reach`);
    }
    const system = await startSystem(name, {});
    try {
      rows.push(...(await measure(system, { old, rate, seconds })));
    } finally {
      await system.stop();
    }
  }
  console.log(
    markdown(
      'bench/retention',
      `node dist/bench/retention.js ${process.argv.slice(2).join(' ')}`,
      rows,
    ),
  );
}

async function measure(
  system: RunningSystem,
  settings: { old: number; rate: number; seconds: number },
): Promise<Row[]> {
  const { target } = system;
  const database = target.database;
  if (!database) throw new Error(`${target.name} has no database the bench can reach`);
  let sent = 0;
  const load = async (seconds = settings.seconds): Promise<LoadResult> => {
    const result = await paced({
      perSecond: settings.rate,
      durationMs: seconds * 1000,
      send: (n) => target.submit(destination(sent + n), `retention bench ${sent + n}`),
    });
    sent += result.completed;
    // The pipeline behind the API catches up before the next row starts.
    await carriedThrough(system, sent);
    return result;
  };
  const row = (scenario: string, result: LoadResult, extra: Record<string, string>): Row => ({
    target: target.name,
    scenario,
    cells: {
      'accepted/s': fmt.rate(result.perSecond),
      ...latencyCells(result),
      max: fmt.ms(extremes(result.latenciesMs).max),
      ...extra,
    },
  });
  const blank = { 'purge ran': '–', 'old msgs deleted/s': '–', 'PostgreSQL WAL/deleted msg': '–' };

  /**
   * The seeded rows in place (seeded again once deleted), and every measured row starting alike:
   * none pays for the seeding's aftermath (autovacuum of the new rows, the writes of the pages
   * it dirtied) or for a cold system.
   */
  let seeded = false;
  const prepare = async (): Promise<void> => {
    if (!seeded) await seedOldMessages(database, settings.old);
    seeded = true;
    await database.prisma.$executeRawUnsafe(`VACUUM ANALYZE ${SEEDED_TABLES.join(', ')}`);
    await database.prisma.$executeRawUnsafe('CHECKPOINT').catch((error: unknown) => {
      console.error(
        `CHECKPOINT refused (the rows may differ by the seeding's writes): ${String(error)}`,
      );
    });
    await load(WARMUP_SECONDS);
  };

  await prepare();
  const kept = `${settings.old.toLocaleString('en-US')} old messages kept`;
  const baseline = row(`paced ${settings.rate}/s, ${kept}`, await load(), blank);

  const services = retentionServices(database);
  /** The load again while every service's retention deletes what was seeded, paced or not. */
  const whilePurging = async (how: string, pacing: PurgePacing): Promise<Row> => {
    await prepare();
    const walWritten = await startWalCount(target);
    const purgeStarted = performance.now();
    const purging = Promise.all(services.map((service) => service.sweep.purge(pacing)));
    const purgeEnded = purging.then(() => performance.now());
    const during = await load();
    const deleted = await purging;
    const purgeSeconds = ((await purgeEnded) - purgeStarted) / 1000;
    const walBytes = await walWritten();
    seeded = false;
    const messagesDeleted = deleted[0]?.messages ?? 0;
    if (messagesDeleted !== settings.old) {
      throw new Error(`the purge deleted ${messagesDeleted} of ${settings.old} old messages`);
    }
    return row(`paced ${settings.rate}/s while retention deletes them ${how}`, during, {
      'purge ran': `${purgeSeconds.toFixed(1)} s (load ${settings.seconds} s)`,
      'old msgs deleted/s': fmt.rate(messagesDeleted / purgeSeconds),
      'PostgreSQL WAL/deleted msg': walPerItem(walBytes, messagesDeleted),
    });
  };
  const fullSpeed = await whilePurging('at full speed', { busyShare: 1 });
  const asServices = await whilePurging(`as the services do (busy ${DEFAULT_BUSY_SHARE})`, {
    busyShare: DEFAULT_BUSY_SHARE,
  });
  return [baseline, fullSpeed, asServices];
}

/** Each service's retention as its process runs it: ingress first (the result reads its count). */
function retentionServices(database: Database): RetentionService[] {
  const { prisma } = database;
  return [
    new MessageRetention(
      prisma,
      systemClock,
      resolveIngressOptions({ messageRetentionDays: RETENTION_DAYS }),
    ),
    new DlrRetention(
      prisma,
      systemClock,
      resolveDlrOptions({ messageRetentionDays: RETENTION_DAYS }),
    ),
    new RecordRetention(prisma, systemClock, RETENTION_DAYS * DAY_MS),
  ];
}

/**
 * `count` delivered messages of the bench's tenant, accepted SEEDED_DAYS_AGO, each with what a
 * delivered message with a status callback leaves: four history rows, a carrier id, a part
 * receipt, a delivered callback and a published accounting record. Ids are real message ids of
 * that millisecond (`msg_` + its ULID time + the sequence number as the random part).
 */
async function seedOldMessages(database: Database, count: number): Promise<void> {
  const { prisma } = database;
  const [tenant] = await prisma.tenant.findMany({ select: { id: true }, take: 1 });
  const [carrier] = await prisma.carrier.findMany({ select: { id: true }, take: 1 });
  if (!tenant || !carrier) throw new Error('the system has no tenant or no carrier');
  const at = new Date(Date.now() - SEEDED_DAYS_AGO * DAY_MS);
  const prefix = `msg_${ulidTime(at.getTime())}`;
  for (let from = 0; from < count; from += SEED_CHUNK) {
    const to = Math.min(count, from + SEED_CHUNK) - 1;
    const series = Prisma.sql`generate_series(${from}::int, ${to}::int) AS n`;
    const id = Prisma.sql`${prefix} || lpad(n::text, 16, '0')`;
    const when = Prisma.sql`${at}::timestamptz`;
    // One statement at a time: nothing needs them together, and a slow one must not time out.
    for (const statement of [
      prisma.$executeRaw`
        INSERT INTO messages (id, tenant_id, destination, source, body, encoding, parts, status,
          carrier_id, created_at, updated_at)
        SELECT ${id}, ${tenant.id}, '+38267' || lpad(n::text, 6, '0'), 'TuxHat', 'seeded ' || n,
          'gsm7', 1, 'delivered', ${carrier.id}, ${when}, ${when}
        FROM ${series}`,
      prisma.$executeRaw`
        INSERT INTO message_status_events (event_id, message_id, status, source, occurred_at)
        SELECT 'evt_' || s.status || n, ${id}, s.status::message_status, s.source, ${when}
        FROM ${series}, (VALUES ('accepted', 'ingress'), ('routed', 'routing'),
          ('sent', 'smpp-connector'), ('delivered', 'dlr')) AS s(status, source)`,
      prisma.$executeRaw`
        INSERT INTO dlr_carrier_keys (carrier_id, lookup_key, message_id, tenant_id, part_index,
          part_count, carrier_message_id, route_id, created_at)
        SELECT ${carrier.id}, 't:' || n, ${id}, ${tenant.id}, 0, 1, n::text, 'seeded', ${when}
        FROM ${series}`,
      prisma.$executeRaw`
        INSERT INTO dlr_part_receipts (event_id, message_id, carrier_id, part_index, state,
          raw_state, carrier_message_id, received_at, created_at)
        SELECT 'dlr_' || n, ${id}, ${carrier.id}, 0, 'delivered', 'DELIVRD', n::text, ${when},
          ${when}
        FROM ${series}`,
      prisma.$executeRaw`
        INSERT INTO webhook_deliveries (id, tenant_id, kind, event_id, url, payload, state,
          attempts, next_attempt_at, give_up_at, created_at, delivered_at)
        SELECT 'whd_' || n, ${tenant.id}, 'status', 'evt_delivered' || n,
          'https://tenant.example/dlr', '{}', 'delivered', 1, ${when}, ${when}, ${when}, ${when}
        FROM ${series}`,
      prisma.$executeRaw`
        INSERT INTO accounting_records (message_id, tenant_id, class_of_service, source,
          destination, parts, encoding, final_status, cost_currency, price_currency, accepted_at,
          final_at, revision, published_revision, published_at)
        SELECT ${id}, ${tenant.id}, 'transactional', 'TuxHat', '+38267' || lpad(n::text, 6, '0'),
          1, 'gsm7', 'delivered', 'EUR', 'EUR', ${when}, ${when}, 1, 1, ${when}
        FROM ${series}`,
    ]) {
      await statement;
    }
  }
}

runBench(main);
