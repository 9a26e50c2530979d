import { apiKeyMatches, apiKeyPrefix } from '@tuxhat/config';

import { AdminHarness, jsonOf } from './support/admin-harness';

describe('admin API: tenants and API keys', () => {
  let sut: AdminHarness;

  beforeAll(async () => {
    sut = await AdminHarness.start('admin_tenants');
  });

  afterAll(async () => {
    // No key, nor any key's hash, in the logs or anywhere in the audit log.
    const hashes = (await sut.prisma.apiKey.findMany()).map((key) => key.secretHash);
    const audit = jsonOf(await sut.prisma.auditLog.findMany());
    for (const secret of [...sut.secrets, ...hashes]) {
      expect(sut.logger.text()).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    await sut?.close();
  });

  describe('tenants', () => {
    it('creates a tenant: 201, the row, an audit row by the key name, a revision bump', async () => {
      const revision = await sut.revision();
      const answer = await sut.post('/admin/v1/tenants', { id: 'acme-bank', name: 'Acme Bank' });

      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        id: 'acme-bank',
        name: 'Acme Bank',
        status: 'active',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await sut.prisma.tenant.findUnique({ where: { id: 'acme-bank' } })).toMatchObject({
        name: 'Acme Bank',
        status: 'active',
      });
      const [audit] = await sut.auditOf('tenant', 'acme-bank');
      expect(audit).toMatchObject({
        actor: 'ops-alice',
        action: 'tenant.create',
        before: null,
        after: answer.body,
      });
      expect(await sut.revision()).toBe(revision + 1n);
    });

    it('answers 409 tenant_exists for an id taken, and changes nothing', async () => {
      await sut.post('/admin/v1/tenants', { id: 'dup', name: 'First' });
      const revision = await sut.revision();
      const answer = await sut.post('/admin/v1/tenants', { id: 'dup', name: 'Second' });
      expect(answer).toMatchObject({ status: 409, body: { code: 'tenant_exists' } });
      expect((await sut.prisma.tenant.findUniqueOrThrow({ where: { id: 'dup' } })).name).toBe(
        'First',
      );
      expect(await sut.auditOf('tenant', 'dup')).toHaveLength(1);
      expect(await sut.revision()).toBe(revision);
    });

    it.each([
      ['an unknown field', { id: 'x1', name: 'X', colour: 'blue' }, 'colour', 'unknown_field'],
      ['a missing name', { id: 'x2' }, 'name', 'field_required'],
      ['a name of the wrong type', { id: 'x3', name: 42 }, 'name', 'field_invalid'],
      ['an empty name', { id: 'x4', name: '  ' }, 'name', 'field_invalid'],
      ['an id that is not a slug', { id: 'Acme Bank', name: 'X' }, 'id', 'tenant_id_invalid'],
      ['an unknown status', { id: 'x5', name: 'X', status: 'gone' }, 'status', 'field_invalid'],
    ])('rejects %s: 400 validation_failed', async (_case, body, field, code) => {
      const answer = await sut.post('/admin/v1/tenants', body);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({
        code: 'validation_failed',
        errors: [expect.objectContaining({ field, code })],
      });
    });

    it('rejects a body that is not an object, malformed JSON, another content type, none', async () => {
      expect((await sut.post('/admin/v1/tenants', [1, 2])).body).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'body', code: 'body_not_object', message: expect.any(String) }],
      });
      expect(await sut.request('POST', '/admin/v1/tenants', { rawBody: '{"id":' })).toMatchObject({
        status: 400,
        body: { code: 'malformed_json' },
      });
      expect(
        await sut.request('POST', '/admin/v1/tenants', {
          rawBody: 'id=x',
          contentType: 'application/x-www-form-urlencoded',
        }),
      ).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
      expect(await sut.request('POST', '/admin/v1/tenants')).toMatchObject({
        status: 415,
        body: { code: 'unsupported_media_type' },
      });
      expect(
        await sut.post('/admin/v1/tenants', { id: 'big', name: 'x'.repeat(2 * 1024 * 1024) }),
      ).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
    });

    it('gets a tenant; 404 tenant_not_found for an unknown one', async () => {
      await sut.post('/admin/v1/tenants', { id: 'getme', name: 'Get me' });
      expect(await sut.get('/admin/v1/tenants/getme')).toMatchObject({
        status: 200,
        body: { id: 'getme', name: 'Get me' },
      });
      expect(await sut.get('/admin/v1/tenants/nobody')).toMatchObject({
        status: 404,
        body: { code: 'tenant_not_found' },
      });
    });

    it('lists tenants page by page with a cursor, filtered by status', async () => {
      for (const id of ['list-a', 'list-b', 'list-c']) {
        await sut.post('/admin/v1/tenants', { id, name: id, status: 'suspended' });
      }
      const first = await sut.get('/admin/v1/tenants?status=suspended&limit=2');
      expect(first.status).toBe(200);
      expect((first.body.items as { id: string }[]).map((item) => item.id)).toEqual([
        'list-a',
        'list-b',
      ]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await sut.get(
        `/admin/v1/tenants?status=suspended&limit=2&cursor=${String(first.body.nextCursor)}`,
      );
      expect((second.body.items as { id: string }[]).map((item) => item.id)).toEqual(['list-c']);
      expect(second.body.nextCursor).toBeNull();
    });

    it.each([
      ['limit=0', 'limit', 'field_invalid'],
      ['limit=201', 'limit', 'field_invalid'],
      ['limit=ten', 'limit', 'field_invalid'],
      ['cursor=not-a-cursor', 'cursor', 'cursor_invalid'],
      ['status=gone', 'status', 'field_invalid'],
      ['colour=blue', 'colour', 'unknown_field'],
    ])('rejects the query %s: 400 validation_failed', async (query, field, code) => {
      const answer = await sut.get(`/admin/v1/tenants?${query}`);
      expect(answer).toMatchObject({
        status: 400,
        body: { code: 'validation_failed', errors: [expect.objectContaining({ field, code })] },
      });
    });

    it('updates name and status with before/after in the audit; a no-op writes nothing', async () => {
      await sut.post('/admin/v1/tenants', { id: 'upd', name: 'Before' });
      const revision = await sut.revision();
      const answer = await sut.patch('/admin/v1/tenants/upd', {
        name: 'After',
        status: 'suspended',
      });
      expect(answer).toMatchObject({ status: 200, body: { name: 'After', status: 'suspended' } });
      const audits = await sut.auditOf('tenant', 'upd');
      expect(audits.at(-1)).toMatchObject({
        action: 'tenant.update',
        before: expect.objectContaining({ name: 'Before', status: 'active' }),
        after: expect.objectContaining({ name: 'After', status: 'suspended' }),
      });
      expect(await sut.revision()).toBe(revision + 1n);

      const again = await sut.patch('/admin/v1/tenants/upd', { status: 'suspended' });
      expect(again.status).toBe(200);
      expect(await sut.auditOf('tenant', 'upd')).toHaveLength(audits.length);
      expect(await sut.revision()).toBe(revision + 1n);
    });

    it.each([
      ['nothing to update', {}, 'body', 'nothing_to_update'],
      ['an id (ids never change)', { id: 'other' }, 'id', 'unknown_field'],
      ['a status of the wrong type', { status: true }, 'status', 'field_invalid'],
    ])('rejects an update with %s', async (_case, body, field, code) => {
      await sut.post('/admin/v1/tenants', { id: 'upd-bad', name: 'X' });
      const answer = await sut.patch('/admin/v1/tenants/upd-bad', body);
      expect(answer).toMatchObject({
        status: 400,
        body: {
          code: 'validation_failed',
          errors: expect.arrayContaining([expect.objectContaining({ field, code })]),
        },
      });
    });

    it('answers 404 when updating or deleting an unknown tenant', async () => {
      expect((await sut.patch('/admin/v1/tenants/nobody', { name: 'X' })).body).toMatchObject({
        code: 'tenant_not_found',
      });
      expect((await sut.delete('/admin/v1/tenants/nobody')).body).toMatchObject({
        code: 'tenant_not_found',
      });
    });

    it('deletes a tenant without messages, with its keys, all audited', async () => {
      await sut.post('/admin/v1/tenants', { id: 'short-lived', name: 'Short lived' });
      const key = await sut.post('/admin/v1/tenants/short-lived/api-keys', { name: 'k' });
      const answer = await sut.delete('/admin/v1/tenants/short-lived');
      expect(answer.status).toBe(204);
      expect(await sut.prisma.tenant.count({ where: { id: 'short-lived' } })).toBe(0);
      expect(await sut.prisma.apiKey.count({ where: { tenantId: 'short-lived' } })).toBe(0);
      expect((await sut.auditOf('tenant', 'short-lived')).at(-1)).toMatchObject({
        action: 'tenant.delete',
        after: null,
        before: expect.objectContaining({ id: 'short-lived' }),
      });
      expect((await sut.auditOf('api_key', String(key.body.id))).at(-1)).toMatchObject({
        action: 'api_key.delete',
      });
    });

    it('refuses to delete a tenant with messages: 409 tenant_in_use, nothing changed', async () => {
      await sut.post('/admin/v1/tenants', { id: 'busy', name: 'Busy' });
      await sut.prisma.message.create({
        data: {
          id: 'msg-busy',
          tenantId: 'busy',
          destination: '+38267123456',
          source: 'Busy',
          body: 'hi',
          encoding: 'gsm7',
          parts: 1,
          status: 'accepted',
        },
      });
      const answer = await sut.delete('/admin/v1/tenants/busy');
      expect(answer).toMatchObject({ status: 409, body: { code: 'tenant_in_use' } });
      expect(await sut.prisma.tenant.count({ where: { id: 'busy' } })).toBe(1);
    });
  });

  describe('API keys', () => {
    beforeAll(async () => {
      await sut.post('/admin/v1/tenants', { id: 'keys-a', name: 'Keys A' });
      await sut.post('/admin/v1/tenants', { id: 'keys-b', name: 'Keys B' });
    });

    it('creates a key: shown once, stored hashed, listed without secret or hash', async () => {
      const revision = await sut.revision();
      const answer = await sut.post('/admin/v1/tenants/keys-a/api-keys', {
        name: 'production',
        scopes: ['send'],
      });
      expect(answer.status).toBe(201);
      const key = String(answer.body.key);
      sut.secrets.push(key);
      expect(key).toMatch(/^thk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
      expect(answer.body).toEqual({
        id: apiKeyPrefix(key),
        tenantId: 'keys-a',
        prefix: apiKeyPrefix(key),
        name: 'production',
        scopes: ['send'],
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
        key,
      });
      const row = await sut.prisma.apiKey.findUniqueOrThrow({
        where: { id: String(answer.body.id) },
      });
      expect(apiKeyMatches(key, row.secretHash)).toBe(true);
      expect(JSON.stringify(row)).not.toContain(key);
      expect(await sut.revision()).toBe(revision + 1n);

      const listed = await sut.get('/admin/v1/tenants/keys-a/api-keys');
      expect(listed.status).toBe(200);
      const { key: _shownOnce, ...view } = answer.body;
      expect(listed.body).toEqual({ items: [view], nextCursor: null });
      expect(JSON.stringify(listed.body)).not.toContain(row.secretHash);

      const [audit] = await sut.auditOf('api_key', String(answer.body.id));
      expect(audit).toMatchObject({ action: 'api_key.create', before: null, after: view });
    });

    it('gives both scopes by default', async () => {
      const answer = await sut.post('/admin/v1/tenants/keys-a/api-keys', { name: 'default' });
      sut.secrets.push(String(answer.body.key));
      expect(answer.body.scopes).toEqual(['send', 'read']);
    });

    it.each([
      ['an unknown scope', { name: 'k', scopes: ['admin'] }, 'scopes.0', 'field_invalid'],
      ['no scope', { name: 'k', scopes: [] }, 'scopes', 'field_invalid'],
      ['a repeated scope', { name: 'k', scopes: ['send', 'send'] }, 'scopes', 'field_invalid'],
      ['no name', { scopes: ['send'] }, 'name', 'field_required'],
      ['a secret of its own', { name: 'k', key: 'thk_mine' }, 'key', 'unknown_field'],
    ])('rejects a key with %s', async (_case, body, field, code) => {
      const answer = await sut.post('/admin/v1/tenants/keys-a/api-keys', body);
      expect(answer).toMatchObject({
        status: 400,
        body: { code: 'validation_failed', errors: [expect.objectContaining({ field, code })] },
      });
    });

    it.each([
      ['limit=0', 'limit', 'field_invalid'],
      ['cursor=zzz', 'cursor', 'cursor_invalid'],
      ['tenant=keys-b', 'tenant', 'unknown_field'],
    ])('rejects the key list query %s', async (query, field, code) => {
      expect(await sut.get(`/admin/v1/tenants/keys-a/api-keys?${query}`)).toMatchObject({
        status: 400,
        body: { code: 'validation_failed', errors: [expect.objectContaining({ field, code })] },
      });
    });

    it('answers 404 tenant_not_found for keys of an unknown tenant', async () => {
      expect(
        (await sut.post('/admin/v1/tenants/nobody/api-keys', { name: 'k' })).body,
      ).toMatchObject({ code: 'tenant_not_found' });
      expect((await sut.get('/admin/v1/tenants/nobody/api-keys')).body).toMatchObject({
        code: 'tenant_not_found',
      });
    });

    it('revokes a key at once, audited; revoking again changes nothing', async () => {
      const created = await sut.post('/admin/v1/tenants/keys-a/api-keys', { name: 'rotate-me' });
      sut.secrets.push(String(created.body.key));
      const id = String(created.body.id);
      const revision = await sut.revision();

      const answer = await sut.post(`/admin/v1/tenants/keys-a/api-keys/${id}/revoke`);
      expect(answer.status).toBe(200);
      expect(answer.body.revokedAt).toEqual(expect.any(String));
      expect(
        (await sut.prisma.apiKey.findUniqueOrThrow({ where: { id } })).revokedAt?.toISOString(),
      ).toBe(answer.body.revokedAt);
      expect((await sut.auditOf('api_key', id)).at(-1)).toMatchObject({
        action: 'api_key.revoke',
        before: expect.objectContaining({ revokedAt: null }),
        after: expect.objectContaining({ revokedAt: answer.body.revokedAt }),
      });
      expect(await sut.revision()).toBe(revision + 1n);

      const again = await sut.post(`/admin/v1/tenants/keys-a/api-keys/${id}/revoke`);
      expect(again.body.revokedAt).toBe(answer.body.revokedAt);
      expect(await sut.auditOf('api_key', id)).toHaveLength(2);
    });

    it("never revokes another tenant's key: 404 api_key_not_found, the key untouched", async () => {
      const other = await sut.post('/admin/v1/tenants/keys-b/api-keys', { name: 'b-key' });
      sut.secrets.push(String(other.body.key));
      const answer = await sut.post(
        `/admin/v1/tenants/keys-a/api-keys/${String(other.body.id)}/revoke`,
      );
      expect(answer).toMatchObject({ status: 404, body: { code: 'api_key_not_found' } });
      expect(
        (await sut.prisma.apiKey.findUniqueOrThrow({ where: { id: String(other.body.id) } }))
          .revokedAt,
      ).toBeNull();
      // And lists never show another tenant's keys.
      const listed = await sut.get('/admin/v1/tenants/keys-a/api-keys?limit=200');
      expect(
        (listed.body.items as { tenantId: string }[]).every((k) => k.tenantId === 'keys-a'),
      ).toBe(true);
    });
  });
});
