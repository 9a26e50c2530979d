#!/usr/bin/env node
// Waits until a Kafka broker really serves requests (not just accepts TCP connections):
// a kafkajs admin client must get a cluster description listing at least one broker.
//
//   node scripts/infra/kafka-ready.js <host:port> [timeoutSeconds=90] [brokerPid]
//
// Exit 0 when ready; 1 on timeout; 2 when brokerPid is given and that process has exited
// (no point waiting 90 s for a broker that already crashed). Silent on success.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const [broker, timeoutArg = '90', pidArg] = process.argv.slice(2);
if (!broker) {
  console.error('usage: kafka-ready.js <host:port> [timeoutSeconds] [brokerPid]');
  process.exit(64);
}
const deadline = Date.now() + Number(timeoutArg) * 1000;
const pid = pidArg ? Number(pidArg) : undefined;

const processAlive = (p) => {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function probeOnce() {
  const kafka = new Kafka({
    clientId: 'tuxhat-kafka-ready',
    brokers: [broker],
    logLevel: logLevel.NOTHING, // failures are expected while the broker boots
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    if (brokers.length === 0) throw new Error('cluster description lists no broker yet');
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

(async () => {
  let lastError = 'no attempt made';
  while (Date.now() < deadline) {
    if (pid !== undefined && !processAlive(pid)) {
      console.error(`[kafka-ready] broker process ${pid} exited while waiting for ${broker}`);
      process.exit(2);
    }
    try {
      await probeOnce();
      return;
    } catch (err) {
      lastError = err && err.message ? err.message : String(err);
    }
    await sleep(500);
  }
  console.error(`[kafka-ready] ${broker} not ready after ${timeoutArg}s; last error: ${lastError}`);
  process.exit(1);
})();
