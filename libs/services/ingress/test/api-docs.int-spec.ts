import { IngressHarness, type Json } from './support/ingress-harness';

describe('ingress API documentation', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_docs');
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('serves the OpenAPI document at /docs/openapi.json without a key', async () => {
    const answer = await sut.request('GET', '/docs/openapi.json', { key: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toMatchObject({
      openapi: '3.0.3',
      info: { title: 'TuxHat SMS Gateway tenant API' },
    });
    expect(Object.keys(answer.body.paths as Json).sort()).toEqual([
      '/v1/messages',
      '/v1/messages/batch',
      '/v1/messages/{id}',
      '/v1/usage',
    ]);
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await fetch(`${sut.ingress.httpUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('swagger');
  });

  it('documents real routes: every operation exists and asks for a key', async () => {
    const document = (await sut.request('GET', '/docs/openapi.json', { key: null })).body;
    const paths = document.paths as Record<string, Record<string, unknown>>;
    const operations = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => [method.toUpperCase(), path.replace('{id}', 'msg_x')]),
    );
    expect(operations).toHaveLength(5);
    for (const [method, path] of operations) {
      const answer = await sut.request(method as 'GET' | 'POST', path, {
        key: null,
        body: method === 'POST' ? '{}' : undefined,
      });
      expect([method, path, answer.status, answer.body.code]).toEqual([
        method,
        path,
        401,
        'unauthorized',
      ]);
    }
  });
});
