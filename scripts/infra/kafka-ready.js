#!/usr/bin/env node
// Waits until a Kafka broker really serves requests (not just accepts TCP connections):
// a kafkajs admin client must get a cluster description listing at least one broker.
// With a SASL login (mechanism:username:password, e.g. scram-sha-512:tuxhat:secret) the client
// logs in first: a SASL listener is ready once that user's credentials are accepted. With
// tls:<dir> it connects over TLS trusting <dir>/ca.crt, with the client certificate
// <dir>/client.crt and key <dir>/client.key: a mutual TLS listener is ready once it accepts them.
//
//   node scripts/infra/kafka-ready.js <host:port> [timeoutSeconds=90] [brokerPid] [sasl|tls:<dir>]
//
// Exit 0 when ready; 1 on timeout; 2 when brokerPid is given and that process has exited
// (no point waiting 90 s for a broker that already crashed). Silent on success.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Kafka, logLevel } = require('kafkajs');

const [broker, timeoutArg = '90', pidArg, saslArg] = process.argv.slice(2);
if (!broker) {
  console.error(
    'usage: kafka-ready.js <host:port> [timeoutSeconds] [brokerPid] [mechanism:user:password | tls:<dir>]',
  );
  process.exit(64);
}
const tlsDir = saslArg && saslArg.startsWith('tls:') ? saslArg.slice('tls:'.length) : undefined;
const sasl = saslArg && !tlsDir ? parseSasl(saslArg) : undefined;
const ssl = tlsDir
  ? {
      ca: readFileSync(join(tlsDir, 'ca.crt')),
      cert: readFileSync(join(tlsDir, 'client.crt')),
      key: readFileSync(join(tlsDir, 'client.key')),
    }
  : undefined;

function parseSasl(text) {
  const [mechanism, username, ...rest] = text.split(':');
  if (!mechanism || !username || rest.length === 0) {
    console.error('kafka-ready.js: the SASL login is mechanism:username:password');
    process.exit(64);
  }
  return { mechanism, username, password: rest.join(':') };
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
    ...(sasl ? { sasl } : {}),
    ...(ssl ? { ssl } : {}),
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
