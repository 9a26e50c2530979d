import { AdminHarness } from './support/admin-harness';

describe('admin API: dlr (DLR paths, webhook secrets, triggers, MO handlers)', () => {
  let sut: AdminHarness;

  beforeAll(async () => {
    // On Kafka, as in cluster mode: kafka paths and handlers are accepted (see below for a
    // gateway without Kafka).
    sut = await AdminHarness.start('admin_dlr', { bus: 'kafka' });
    await sut.prisma.tenant.createMany({
      data: ['acme', 'globex'].map((id) => ({ id, name: id })),
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('creates, changes and deletes a DLR path: validated, audited, revision bumped', async () => {
    const revision = await sut.revision();
    const created = await sut.post('/admin/v1/dlr/paths', {
      id: 'acme-hook',
      tenantId: 'acme',
      kind: 'webhook',
      url: 'https://hooks.acme.example/dlr',
      statuses: ['delivered', 'undeliverable'],
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        id: 'acme-hook',
        kind: 'webhook',
        topic: null,
        statuses: ['delivered', 'undeliverable'],
        enabled: true,
      },
    });
    expect(await sut.revision()).toBeGreaterThan(revision);
    expect(await sut.auditOf('dlr_path', 'acme-hook')).toEqual([
      expect.objectContaining({
        actor: 'ops-alice',
        action: 'dlr_path.create',
        before: null,
        after: created.body,
      }),
    ]);

    const topic = await sut.post('/admin/v1/dlr/paths', {
      id: 'acme-topic',
      tenantId: 'acme',
      kind: 'kafka',
    });
    expect(topic).toMatchObject({
      status: 201,
      body: { url: null, topic: 'tenant.acme.status.v1', statuses: [] },
    });

    const changed = await sut.patch('/admin/v1/dlr/paths/acme-hook', {
      statuses: [],
      enabled: false,
    });
    expect(changed).toMatchObject({ status: 200, body: { statuses: [], enabled: false } });
    const noUrlForKafka = await sut.patch('/admin/v1/dlr/paths/acme-topic', {
      url: 'https://x.example',
    });
    expect(noUrlForKafka).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [{ field: 'url' }] },
    });
    expect((await sut.get('/admin/v1/dlr/paths?tenantId=acme')).body).toMatchObject({
      items: [{ id: 'acme-hook' }, { id: 'acme-topic' }],
      nextCursor: null,
    });
    expect((await sut.delete('/admin/v1/dlr/paths/acme-topic')).status).toBe(204);
    expect(await sut.get('/admin/v1/dlr/paths/acme-topic')).toMatchObject({
      status: 404,
      body: { code: 'dlr_path_not_found' },
    });
    expect(
      await sut.post('/admin/v1/dlr/paths', { id: 'acme-hook', tenantId: 'acme', kind: 'kafka' }),
    ).toMatchObject({
      status: 409,
      body: { code: 'dlr_path_exists' },
    });
  });

  it('refuses invalid DLR paths with the field and a stable code', async () => {
    const cases: [unknown, string][] = [
      [{ id: 'p1', tenantId: 'acme', kind: 'webhook' }, 'url'],
      [{ id: 'p1', tenantId: 'acme', kind: 'kafka', url: 'https://x.example' }, 'url'],
      [{ id: 'p1', tenantId: 'acme', kind: 'webhook', url: 'http://hooks.example.org' }, 'url'],
      [
        { id: 'p1', tenantId: 'acme', kind: 'webhook', url: 'https://user:pw@hooks.example.org' },
        'url',
      ],
      [
        {
          id: 'p1',
          tenantId: 'acme',
          kind: 'webhook',
          url: 'https://x.example',
          statuses: ['gone'],
        },
        'statuses.0',
      ],
      [{ id: 'p1', tenantId: 'nobody', kind: 'kafka' }, 'tenantId'],
      [{ id: 'P 1', tenantId: 'acme', kind: 'kafka' }, 'id'],
      [{ id: 'p1', tenantId: 'acme', kind: 'kafka', colour: 'red' }, ''],
    ];
    for (const [body, field] of cases) {
      const answer = await sut.post('/admin/v1/dlr/paths', body);
      expect([body, answer.status, answer.body.code]).toEqual([body, 400, 'validation_failed']);
      if (field)
        expect([body, answer.body.errors]).toEqual([
          body,
          expect.arrayContaining([expect.objectContaining({ field })]),
        ]);
    }
    // http:// is fine to this machine (development).
    expect(
      (
        await sut.post('/admin/v1/dlr/paths', {
          id: 'local',
          tenantId: 'acme',
          kind: 'webhook',
          url: 'http://127.0.0.1:9000/x',
        })
      ).status,
    ).toBe(201);
  });

  it('creates and rotates a signing secret, shown once, never audited or logged', async () => {
    const first = await sut.post('/admin/v1/dlr/webhook-secrets/acme', {});
    expect(first).toMatchObject({
      status: 201,
      body: { tenantId: 'acme', previousValidUntil: null },
    });
    const secret = first.body.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    sut.secrets.push(secret);

    const rotated = await sut.post('/admin/v1/dlr/webhook-secrets/acme', { overlapSeconds: 3600 });
    const next = rotated.body.secret as string;
    sut.secrets.push(next);
    expect(next).not.toBe(secret);
    expect(rotated.body.previousValidUntil).toEqual(expect.any(String));
    const row = await sut.prisma.dlrWebhookSecret.findUniqueOrThrow({
      where: { tenantId: 'acme' },
    });
    expect(row).toMatchObject({ secret: next, previousSecret: secret });

    const shown = await sut.get('/admin/v1/dlr/webhook-secrets/acme');
    expect(shown.body).toEqual({
      tenantId: 'acme',
      rotatedAt: expect.any(String),
      previousValidUntil: rotated.body.previousValidUntil,
    });
    const audit = JSON.stringify(
      (await sut.auditOf('webhook_secret', 'acme')).map(({ action, before, after }) => ({
        action,
        before,
        after,
      })),
    );
    expect(audit).toContain('webhook_secret.rotate');
    for (const each of [secret, next]) {
      expect(audit).not.toContain(each);
      expect(sut.logger.text()).not.toContain(each);
    }
    expect((await sut.post('/admin/v1/dlr/webhook-secrets/*', {})).status).toBe(201); // operators'
    expect(await sut.post('/admin/v1/dlr/webhook-secrets/nobody', {})).toMatchObject({
      status: 404,
      body: { code: 'tenant_not_found' },
    });
    expect((await sut.delete('/admin/v1/dlr/webhook-secrets/globex')).body).toMatchObject({
      code: 'webhook_secret_not_found',
    });
  });

  it('manages DLR triggers: the url follows the action', async () => {
    const created = await sut.post('/admin/v1/dlr/triggers', {
      id: 'resend-on-network-error',
      tenantId: 'acme',
      states: ['undeliverable'],
      errorCodes: ['034'],
      action: 'reroute',
    });
    expect(created).toMatchObject({
      status: 201,
      body: { carrierId: null, routeId: null, url: null, priority: 100, enabled: true },
    });
    expect(
      await sut.post('/admin/v1/dlr/triggers', { id: 'hook', action: 'webhook' }),
    ).toMatchObject({ status: 400, body: { errors: [{ field: 'url' }] } });
    expect(
      await sut.post('/admin/v1/dlr/triggers', {
        id: 'ops',
        action: 'ops_topic',
        states: ['enroute'],
      }),
    ).toMatchObject({ status: 400, body: { errors: [{ field: 'states.0' }] } });
    expect(
      await sut.patch('/admin/v1/dlr/triggers/resend-on-network-error', {
        url: 'https://x.example',
      }),
    ).toMatchObject({ status: 400, body: { errors: [{ field: 'url' }] } });
    const changed = await sut.patch('/admin/v1/dlr/triggers/resend-on-network-error', {
      carrierId: 'telco-a',
      priority: 5,
    });
    expect(changed.body).toMatchObject({ carrierId: 'telco-a', priority: 5, action: 'reroute' });
    expect(
      (await sut.auditOf('dlr_trigger', 'resend-on-network-error')).map((row) => row.action),
    ).toEqual(['dlr_trigger.create', 'dlr_trigger.update']);
    expect((await sut.delete('/admin/v1/dlr/triggers/resend-on-network-error')).status).toBe(204);
  });

  it('manages MO handlers: one per destination and keyword, each kind with what it needs', async () => {
    const bal = await sut.post('/admin/v1/dlr/mo-handlers', {
      id: 'acme-bal',
      tenantId: 'acme',
      destination: '1234',
      keyword: 'bal',
      kind: 'auto_reply',
      replyTemplate: 'Your balance: 42 EUR',
    });
    expect(bal).toMatchObject({ status: 201, body: { keyword: 'BAL', url: null } });
    const any = await sut.post('/admin/v1/dlr/mo-handlers', {
      id: 'acme-any',
      tenantId: 'acme',
      destination: '1234',
      kind: 'webhook',
      url: 'https://hooks.acme.example/mo',
    });
    expect(any.body).toMatchObject({ keyword: '' });
    expect(
      await sut.post('/admin/v1/dlr/mo-handlers', {
        id: 'globex-any',
        tenantId: 'globex',
        destination: '5678',
        kind: 'kafka',
      }),
    ).toMatchObject({ status: 201, body: { kind: 'kafka', url: null, replyTemplate: null } });
    expect(
      await sut.post('/admin/v1/dlr/mo-handlers', {
        id: 'globex-bal',
        tenantId: 'globex',
        destination: '1234',
        keyword: 'BAL',
        kind: 'kafka',
      }),
    ).toMatchObject({ status: 409, body: { code: 'mo_handler_exists' } });
    expect(
      await sut.post('/admin/v1/dlr/mo-handlers', {
        id: 'x',
        tenantId: 'acme',
        destination: '1234',
        keyword: 'INFO',
        kind: 'auto_reply',
      }),
    ).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(
      await sut.post('/admin/v1/dlr/mo-handlers', {
        id: 'x',
        tenantId: 'acme',
        destination: 'abc',
        kind: 'kafka',
      }),
    ).toMatchObject({ status: 400, body: { errors: [{ field: 'destination' }] } });
    expect(
      await sut.patch('/admin/v1/dlr/mo-handlers/acme-bal', { replyTemplate: null }),
    ).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'replyTemplate' }] },
    });
    expect(await sut.patch('/admin/v1/dlr/mo-handlers/acme-any', { keyword: 'bal' })).toMatchObject(
      {
        status: 409,
        body: { code: 'mo_handler_exists' },
      },
    );
    expect((await sut.get('/admin/v1/dlr/mo-handlers?destination=1234')).body).toMatchObject({
      items: [{ id: 'acme-any' }, { id: 'acme-bal' }],
    });
  });

  it('lists the webhook outbox and puts an abandoned delivery back on the schedule', async () => {
    const now = new Date();
    await sut.prisma.webhookDelivery.create({
      data: {
        id: 'd-1',
        tenantId: 'acme',
        kind: 'status',
        eventId: 'e-1',
        url: 'https://hooks.acme.example/dlr',
        payload: '{}',
        state: 'abandoned',
        attempts: 12,
        nextAttemptAt: now,
        giveUpAt: now,
        lastError: 'HTTP 503',
        lastStatusCode: 503,
      },
    });
    const list = await sut.get('/admin/v1/dlr/webhook-deliveries?tenantId=acme&state=abandoned');
    expect(list.body).toMatchObject({
      items: [{ id: 'd-1', attempts: 12, lastError: 'HTTP 503' }],
    });
    expect(list.body.items).toEqual([expect.not.objectContaining({ payload: expect.anything() })]);
    const retried = await sut.post('/admin/v1/dlr/webhook-deliveries/d-1/retry', {});
    expect(retried).toMatchObject({ status: 200, body: { state: 'pending', attempts: 12 } });
    expect(new Date(retried.body.giveUpAt as string).getTime()).toBeGreaterThan(
      now.getTime() + 3_600_000,
    );
    expect(await sut.auditOf('webhook_delivery', 'd-1')).toHaveLength(1);
    expect(await sut.post('/admin/v1/dlr/webhook-deliveries/nope/retry', {})).toMatchObject({
      status: 404,
      body: { code: 'webhook_delivery_not_found' },
    });
  });
});

describe('admin API: dlr on a gateway without Kafka (all-in-one mode)', () => {
  let sut: AdminHarness;

  beforeAll(async () => {
    sut = await AdminHarness.start('admin_dlr_no_kafka', { bus: 'in-process' });
    await sut.prisma.tenant.create({ data: { id: 'acme', name: 'acme' } });
  });

  afterAll(async () => {
    await sut?.close();
  });

  const refused = (what: string) => ({
    status: 409,
    body: {
      code: 'kafka_unavailable',
      detail: expect.stringContaining('this gateway runs without Kafka'),
      errors: [
        { field: 'kind', code: 'kafka_unavailable', message: expect.stringContaining(what) },
      ],
    },
  });

  it('refuses a kafka DLR path or MO handler: nothing would read the topic', async () => {
    const revision = await sut.revision();
    const acme = { tenantId: 'acme' };
    const path = await sut.post('/admin/v1/dlr/paths', {
      ...acme,
      id: 'acme-topic',
      kind: 'kafka',
    });
    expect(path).toMatchObject(refused('kafka path'));
    expect(path.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(path.body.detail).toContain('tenant.acme.status.v1');
    const mo = { ...acme, id: 'acme-mo', destination: '1234' };
    const handler = await sut.post('/admin/v1/dlr/mo-handlers', { ...mo, kind: 'kafka' });
    expect(handler).toMatchObject(refused('kafka handler'));
    expect(handler.body.detail).toContain('tenant.acme.mo.v1');
    expect(await sut.prisma.dlrPath.count()).toBe(0);
    expect(await sut.prisma.moHandler.count()).toBe(0);
    expect(await sut.revision()).toBe(revision);
    expect(await sut.auditOf('dlr_path', 'acme-topic')).toEqual([]);

    // Webhooks (and auto-replies) need no Kafka.
    const hook = { ...acme, kind: 'webhook', url: 'https://hooks.acme.example/' };
    expect((await sut.post('/admin/v1/dlr/paths', { ...hook, id: 'acme-hook' })).status).toBe(201);
    expect((await sut.post('/admin/v1/dlr/mo-handlers', { ...hook, ...mo })).status).toBe(201);
  });

  it('lets a kafka path or handler stored by a gateway with Kafka be disabled or deleted, nothing else', async () => {
    // As a cluster-mode gateway on the same database left them.
    await sut.prisma.dlrPath.create({
      data: { id: 'old-topic', tenantId: 'acme', kind: 'kafka', statuses: [] },
    });
    await sut.prisma.moHandler.create({
      data: { id: 'old-mo', tenantId: 'acme', destination: '5678', keyword: '', kind: 'kafka' },
    });

    expect(
      await sut.patch('/admin/v1/dlr/paths/old-topic', { statuses: ['delivered'] }),
    ).toMatchObject(refused('kafka path'));
    expect(await sut.patch('/admin/v1/dlr/mo-handlers/old-mo', { keyword: 'info' })).toMatchObject(
      refused('kafka handler'),
    );

    expect(
      await sut.patch('/admin/v1/dlr/paths/old-topic', { enabled: false, statuses: ['delivered'] }),
    ).toMatchObject({ status: 200, body: { enabled: false, statuses: ['delivered'] } });
    expect(await sut.patch('/admin/v1/dlr/mo-handlers/old-mo', { enabled: false })).toMatchObject({
      status: 200,
      body: { enabled: false },
    });
    // Enabled again, it would lose what it gets.
    expect(await sut.patch('/admin/v1/dlr/paths/old-topic', { enabled: true })).toMatchObject(
      refused('kafka path'),
    );
    expect((await sut.delete('/admin/v1/dlr/paths/old-topic')).status).toBe(204);
    expect((await sut.delete('/admin/v1/dlr/mo-handlers/old-mo')).status).toBe(204);
  });
});
