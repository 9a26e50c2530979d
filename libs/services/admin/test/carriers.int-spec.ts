import { randomBytes } from 'node:crypto';

import { SMS_OUTBOUND, outboundTopicFor, outboundTopicsFor } from '@tuxhat/contracts';
import { requiredTestEnv } from '@tuxhat/testing';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';

import { AdminHarness, jsonOf } from './support/admin-harness';

const SMPP_CONFIG = {
  host: '10.20.0.5',
  port: 2775,
  systemId: 'tuxhat',
  password: { env: 'TELCO_A_SMPP_PASSWORD' },
};

describe('admin API: carriers', () => {
  let sut: AdminHarness;

  beforeAll(async () => {
    sut = await AdminHarness.start('admin_carriers');
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('creates an SMPP carrier: settings stored as the connectors read them, audited, revision bumped', async () => {
    const revision = await sut.revision();
    const answer = await sut.post('/admin/v1/carriers', {
      id: 'telco-a',
      name: 'Telco A',
      kind: 'smpp',
      config: SMPP_CONFIG,
    });

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      id: 'telco-a',
      name: 'Telco A',
      kind: 'smpp',
      enabled: true,
      config: { ...SMPP_CONFIG, bindMode: 'transceiver', windowSize: 10 },
    });
    const row = await sut.prisma.carrier.findUniqueOrThrow({ where: { id: 'telco-a' } });
    // Exactly what loadSmppCarriers reads: { smpp: <the config file's carriers[].smpp> }.
    expect(row.config).toEqual({ smpp: answer.body.config });
    expect(await sut.auditOf('carrier', 'telco-a')).toEqual([
      expect.objectContaining({
        actor: 'ops-alice',
        action: 'carrier.create',
        before: null,
        after: answer.body,
      }),
    ]);
    expect(await sut.revision()).toBe(revision + 1n);
  });

  it('creates an SNS carrier with credentials by reference', async () => {
    const answer = await sut.post('/admin/v1/carriers', {
      id: 'aws',
      name: 'AWS SNS',
      kind: 'sns',
      enabled: false,
      config: {
        region: 'eu-west-1',
        accessKeyId: { env: 'AWS_KEY_ID' },
        secretAccessKey: { env: 'AWS_SECRET' },
        deliveryStatus: { accountId: '123456789012', pollSeconds: 30 },
      },
    });
    expect(answer).toMatchObject({
      status: 201,
      body: {
        enabled: false,
        config: {
          region: 'eu-west-1',
          secretAccessKey: { env: 'AWS_SECRET' },
          deliveryStatus: { accountId: '123456789012', pollSeconds: 30 },
        },
      },
    });
  });

  it.each([
    ['smpp', 'password', { ...SMPP_CONFIG, password: 'hunter2' }],
    ['sns', 'secretAccessKey', { region: 'eu-west-1', secretAccessKey: 'wJalrXUtnFEMI' }],
    ['sns', 'accessKeyId', { region: 'eu-west-1', accessKeyId: 'AKIAEXAMPLE' }],
  ])(
    'rejects an inline %s %s: 400 inline_secret, nothing stored or audited',
    async (kind, field, config) => {
      const id = `inline-${kind}-${field.toLowerCase()}`;
      const answer = await sut.post('/admin/v1/carriers', { id, name: 'X', kind, config });
      expect(answer).toMatchObject({
        status: 400,
        body: {
          code: 'inline_secret',
          errors: [
            { field: `config.${field}`, code: 'inline_secret', message: expect.any(String) },
          ],
        },
      });
      expect(JSON.stringify(answer.body)).not.toMatch(/hunter2|wJalrXUtnFEMI|AKIAEXAMPLE/);
      expect(await sut.prisma.carrier.count({ where: { id } })).toBe(0);
      expect(await sut.auditOf('carrier', id)).toEqual([]);
    },
  );

  it.each([
    ['an unknown kind', { id: 'c1', name: 'C', kind: 'http', config: {} }, 'kind', 'field_invalid'],
    ['no config', { id: 'c2', name: 'C', kind: 'smpp' }, 'config', 'field_required'],
    [
      'a config that is not an object',
      { id: 'c3', name: 'C', kind: 'smpp', config: 'x' },
      'config',
      'field_invalid',
    ],
    [
      'an unknown field',
      { id: 'c4', name: 'C', kind: 'sns', config: { region: 'x' }, weight: 1 },
      'weight',
      'unknown_field',
    ],
    [
      'an id that is not a slug',
      { id: 'Telco A', name: 'C', kind: 'sns', config: { region: 'x' } },
      'id',
      'carrier_id_invalid',
    ],
    [
      'enabled of the wrong type',
      { id: 'c5', name: 'C', kind: 'sns', enabled: 'yes', config: { region: 'x' } },
      'enabled',
      'field_invalid',
    ],
    [
      'a missing SMPP host',
      { id: 'c6', name: 'C', kind: 'smpp', config: { ...SMPP_CONFIG, host: undefined } },
      'config.host',
      'field_required',
    ],
    [
      'an SMPP port out of range',
      { id: 'c7', name: 'C', kind: 'smpp', config: { ...SMPP_CONFIG, port: 70000 } },
      'config.port',
      'field_invalid',
    ],
    [
      'an unknown SMPP setting',
      { id: 'c8', name: 'C', kind: 'smpp', config: { ...SMPP_CONFIG, colour: 'blue' } },
      'config.colour',
      'unknown_field',
    ],
    [
      'an env reference that is not a variable name',
      {
        id: 'c9',
        name: 'C',
        kind: 'smpp',
        config: { ...SMPP_CONFIG, password: { env: 'not a name' } },
      },
      'config.password.env',
      'field_invalid',
    ],
    [
      'an SNS delivery status account id that is not 12 digits',
      {
        id: 'c11',
        name: 'C',
        kind: 'sns',
        config: { region: 'eu-west-1', deliveryStatus: { accountId: '1234-5678' } },
      },
      'config.deliveryStatus.accountId',
      'field_invalid',
    ],
    [
      'SNS settings for an SMPP carrier',
      { id: 'c10', name: 'C', kind: 'smpp', config: { region: 'eu-west-1' } },
      'config.host',
      'field_required',
    ],
  ])('rejects %s: 400 validation_failed', async (_case, body, field, code) => {
    const answer = await sut.post('/admin/v1/carriers', body);
    expect(answer).toMatchObject({
      status: 400,
      body: {
        code: 'validation_failed',
        errors: expect.arrayContaining([expect.objectContaining({ field, code })]),
      },
    });
  });

  it('answers 409 carrier_exists for an id taken', async () => {
    const body = { id: 'twice', name: 'Twice', kind: 'sns', config: { region: 'eu-west-1' } };
    expect((await sut.post('/admin/v1/carriers', body)).status).toBe(201);
    expect(await sut.post('/admin/v1/carriers', body)).toMatchObject({
      status: 409,
      body: { code: 'carrier_exists' },
    });
  });

  it('disables and enables a carrier, with before/after in the audit', async () => {
    await sut.post('/admin/v1/carriers', {
      id: 'toggle',
      name: 'Toggle',
      kind: 'smpp',
      config: SMPP_CONFIG,
    });
    const off = await sut.patch('/admin/v1/carriers/toggle', { enabled: false });
    expect(off).toMatchObject({ status: 200, body: { enabled: false } });
    const on = await sut.patch('/admin/v1/carriers/toggle', { enabled: true });
    expect(on.body.enabled).toBe(true);
    const audits = await sut.auditOf('carrier', 'toggle');
    expect(audits.map((row) => row.action)).toEqual([
      'carrier.create',
      'carrier.update',
      'carrier.update',
    ]);
    expect(audits[1]).toMatchObject({
      before: expect.objectContaining({ enabled: true }),
      after: expect.objectContaining({ enabled: false }),
    });
    // A no-op writes nothing.
    await sut.patch('/admin/v1/carriers/toggle', { enabled: true });
    expect(await sut.auditOf('carrier', 'toggle')).toHaveLength(3);
  });

  it("replaces the settings, validated for the carrier's kind; inline secrets refused on update too", async () => {
    await sut.post('/admin/v1/carriers', {
      id: 'reconf',
      name: 'Reconf',
      kind: 'smpp',
      config: SMPP_CONFIG,
    });
    const answer = await sut.patch('/admin/v1/carriers/reconf', {
      config: { ...SMPP_CONFIG, host: '10.20.0.6', windowSize: 50 },
    });
    expect(answer.body.config).toMatchObject({ host: '10.20.0.6', windowSize: 50 });
    expect(
      (await sut.patch('/admin/v1/carriers/reconf', { config: { ...SMPP_CONFIG, password: 'pw' } }))
        .body,
    ).toMatchObject({ code: 'inline_secret' });
    expect((await sut.patch('/admin/v1/carriers/reconf', { kind: 'sns' })).body).toMatchObject({
      code: 'validation_failed',
      errors: expect.arrayContaining([
        expect.objectContaining({ field: 'kind', code: 'unknown_field' }),
      ]),
    });
    expect(
      (
        (await sut.prisma.carrier.findUniqueOrThrow({ where: { id: 'reconf' } })).config as {
          smpp: { host: string };
        }
      ).smpp.host,
    ).toBe('10.20.0.6');
  });

  it.each([
    ['enabled of the wrong type', { enabled: 'no' }, 'enabled', 'field_invalid'],
    ['an empty name', { name: '' }, 'name', 'field_invalid'],
    ['config of the wrong type', { config: [1] }, 'config', 'field_invalid'],
    ['nothing to update', {}, 'body', 'nothing_to_update'],
    ['an unknown field', { priority: 1 }, 'priority', 'unknown_field'],
  ])('rejects an update with %s', async (_case, body, field, code) => {
    await sut.post('/admin/v1/carriers', {
      id: 'upd-bad',
      name: 'X',
      kind: 'sns',
      config: { region: 'eu-west-1' },
    });
    expect(await sut.patch('/admin/v1/carriers/upd-bad', body)).toMatchObject({
      status: 400,
      body: {
        code: 'validation_failed',
        errors: expect.arrayContaining([expect.objectContaining({ field, code })]),
      },
    });
  });

  it('answers 404 carrier_not_found when updating or deleting an unknown carrier', async () => {
    expect((await sut.patch('/admin/v1/carriers/nope', { enabled: false })).body).toMatchObject({
      code: 'carrier_not_found',
    });
    expect((await sut.delete('/admin/v1/carriers/nope')).body).toMatchObject({
      code: 'carrier_not_found',
    });
  });

  it('never shows an inline password a config file put in the database', async () => {
    await sut.prisma.carrier.create({
      data: {
        id: 'from-file',
        name: 'From file',
        kind: 'smpp',
        config: { smpp: { ...SMPP_CONFIG, password: 's3cret' } },
      },
    });
    const answer = await sut.get('/admin/v1/carriers/from-file');
    expect(answer.body.config).toMatchObject({ password: '[redacted]' });
    expect(JSON.stringify(answer.body)).not.toContain('s3cret');
    await sut.patch('/admin/v1/carriers/from-file', { enabled: false });
    const audit = jsonOf(await sut.auditOf('carrier', 'from-file'));
    expect(audit).not.toContain('s3cret');
  });

  it('lists carriers filtered by kind and enabled, with a cursor', async () => {
    const all = await sut.get('/admin/v1/carriers?limit=200');
    expect(all.status).toBe(200);
    const sns = await sut.get('/admin/v1/carriers?kind=sns&limit=200');
    expect((sns.body.items as { kind: string }[]).every((item) => item.kind === 'sns')).toBe(true);
    const disabled = await sut.get('/admin/v1/carriers?enabled=false&limit=200');
    expect((disabled.body.items as { id: string }[]).map((item) => item.id)).toContain('aws');
    const first = await sut.get('/admin/v1/carriers?limit=1');
    const second = await sut.get(
      `/admin/v1/carriers?limit=1&cursor=${String(first.body.nextCursor)}`,
    );
    expect(
      (second.body.items as { id: string }[])[0].id > (first.body.items as { id: string }[])[0].id,
    ).toBe(true);
    expect((await sut.get('/admin/v1/carriers?enabled=maybe')).body).toMatchObject({
      code: 'validation_failed',
    });
  });

  it('deletes an unused carrier; refuses one a route uses (409 carrier_in_use)', async () => {
    await sut.post('/admin/v1/carriers', {
      id: 'unused',
      name: 'Unused',
      kind: 'sns',
      config: { region: 'x' },
    });
    expect((await sut.delete('/admin/v1/carriers/unused')).status).toBe(204);
    expect((await sut.auditOf('carrier', 'unused')).at(-1)).toMatchObject({
      action: 'carrier.delete',
      after: null,
    });

    await sut.post('/admin/v1/carriers', {
      id: 'routed',
      name: 'Routed',
      kind: 'sns',
      config: { region: 'x' },
    });
    await sut.prisma.route.create({ data: { id: 'r-routed', priority: 1, carrierId: 'routed' } });
    expect(await sut.delete('/admin/v1/carriers/routed')).toMatchObject({
      status: 409,
      body: { code: 'carrier_in_use' },
    });
    expect(await sut.prisma.carrier.count({ where: { id: 'routed' } })).toBe(1);
    expect(await sut.get('/admin/v1/carriers/nope')).toMatchObject({
      status: 404,
      body: { code: 'carrier_not_found' },
    });
  });
});

// Cluster mode: the brokers never create topics, and routing may publish to a new carrier as
// soon as it has a route.
describe('admin API: carriers on Kafka', () => {
  const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  const carrierId = `telco-${randomBytes(4).toString('hex')}`;
  let sut: AdminHarness;

  beforeAll(async () => {
    sut = await AdminHarness.start('admin_carriers_kafka', {
      bus: 'kafka',
      // As KAFKA_TOPIC_PARTITIONS / KAFKA_TOPIC_CONFIG would set them for the provisioning Job.
      topics: {
        partitions: { [outboundTopicFor(carrierId)]: SMS_OUTBOUND.partitions + 1 },
        config: { 'retention.ms': '3600000' },
        topicConfig: { [outboundTopicFor(carrierId)]: { 'max.message.bytes': '262144' } },
      },
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  it("creates a new carrier's outbound topics, every lane, as the provisioning Job would, before it answers", async () => {
    const answer = await sut.post('/admin/v1/carriers', {
      id: carrierId,
      name: 'Telco on Kafka',
      kind: 'smpp',
      config: SMPP_CONFIG,
    });
    expect(answer.status).toBe(201);
    const admin = new Kafka({
      clientId: 'admin-carriers-test',
      brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      expect(topics).toEqual(expect.arrayContaining(outboundTopicsFor(carrierId)));
      const { topics: metadata } = await admin.fetchTopicMetadata({
        topics: outboundTopicsFor(carrierId),
      });
      // Every lane follows the topic name's partition count (a key lands on the same partition).
      for (const topic of metadata) {
        expect(topic.partitions).toHaveLength(SMS_OUTBOUND.partitions + 1);
      }
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: outboundTopicsFor(carrierId).map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['retention.ms', 'max.message.bytes'],
        })),
      });
      for (const resource of resources) {
        const values = Object.fromEntries(
          resource.configEntries.map((entry) => [entry.configName, entry.configValue]),
        );
        expect(values).toEqual({ 'retention.ms': '3600000', 'max.message.bytes': '262144' });
      }
    } finally {
      await admin.disconnect();
    }
  });
});
