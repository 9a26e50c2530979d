import { ADMIN_DOCS_PATH, ADMIN_PROBLEMS } from '../src';
import { loadAdminOpenApi } from '../src/openapi';
import { AdminHarness } from './support/admin-harness';

type Operation = { security?: unknown[]; responses: Record<string, unknown> };
type PathItem = Record<string, Operation | unknown[]>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

describe('admin API OpenAPI document', () => {
  let sut: AdminHarness;
  const spec = loadAdminOpenApi() as {
    paths: Record<string, PathItem>;
    components: { schemas: { ProblemCode: { enum: string[] } } };
  };
  const documented = Object.entries(spec.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => method in item).map((method) => ({
      key: `${method.toUpperCase()} ${path}`,
      operation: item[method] as Operation,
    })),
  );

  beforeAll(async () => {
    sut = await AdminHarness.start('admin_openapi');
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('documents every route the API serves, and only those', () => {
    const served = sut.admin.routes
      .filter(({ method }) => method !== 'HEAD' && method !== 'OPTIONS')
      .filter(({ url }) => !url.startsWith(ADMIN_DOCS_PATH))
      // Fastify's `:param` as OpenAPI's `{param}`.
      .map(({ method, url }) => `${method} ${url.replace(/:(\w+)/g, '{$1}')}`);
    expect([...new Set(served)].sort()).toEqual(documented.map(({ key }) => key).sort());
    expect(documented.length).toBeGreaterThanOrEqual(15);
  });

  it('lists exactly the problem codes the API answers', () => {
    expect([...spec.components.schemas.ProblemCode.enum].sort()).toEqual(
      Object.keys(ADMIN_PROBLEMS).sort(),
    );
  });

  it('documents 401 and 500 on every operation behind the admin key', () => {
    for (const { key, operation } of documented) {
      expect([key, Object.keys(operation.responses)]).toEqual([
        key,
        expect.arrayContaining(operation.security?.length === 0 ? ['500'] : ['401', '500']),
      ]);
    }
  });

  it('has no dangling $ref', () => {
    const refs = JSON.stringify(spec).match(/"\$ref":"#\/[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const path = ref.slice('"$ref":"#/'.length, -1).split('/');
      const target = path.reduce<unknown>(
        (node, segment) => (node as Record<string, unknown> | undefined)?.[segment],
        spec,
      );
      expect([ref, target]).toEqual([ref, expect.anything()]);
    }
  });

  it('is served without a key at /admin/docs (UI) and /admin/docs/json', async () => {
    const json = await sut.get(`${ADMIN_DOCS_PATH}/json`, { key: null });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ openapi: '3.1.0', paths: spec.paths });
    const ui = await fetch(`${sut.admin.url}${ADMIN_DOCS_PATH}/`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers a documented route with a documented status', async () => {
    // Without a key, every documented route behind the key answers its documented 401.
    for (const { key, operation } of documented) {
      if (operation.security?.length === 0) continue;
      const [method, template] = key.split(' ');
      const path = template.replace(/\{\w+\}/g, 'x');
      const answer = await sut.request(method, path, { key: null });
      expect([key, answer.status]).toEqual([key, 401]);
    }
  });
});
