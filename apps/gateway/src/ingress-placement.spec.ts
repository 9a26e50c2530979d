import { INGRESS_WORKER_ENTRY, ingressPlacement } from './ingress-placement';

describe(ingressPlacement.name, () => {
  const postgres = 'postgresql://tuxhat@db/tuxhat';
  const built = () => true;

  it('puts ingress on its own thread with PostgreSQL and the built worker', () => {
    expect(
      ingressPlacement({ INGRESS_THREAD: 'auto', DATABASE_URL: postgres }, '/w.js', built),
    ).toEqual({ thread: true, entry: '/w.js', databaseUrl: postgres });
  });

  it.each([
    ['told so', { INGRESS_THREAD: 'main' as const, DATABASE_URL: postgres }, 'INGRESS_THREAD=main'],
    ['on embedded PGlite', { INGRESS_THREAD: 'auto' as const }, 'embedded PGlite'],
  ])('keeps ingress on the main thread when %s', (_case, env, reason) => {
    expect(ingressPlacement(env, '/w.js', built)).toEqual({
      thread: false,
      reason: expect.stringContaining(reason) as string,
    });
  });

  it('keeps ingress on the main thread when running from source (jest)', () => {
    expect(ingressPlacement({ INGRESS_THREAD: 'auto', DATABASE_URL: postgres })).toEqual({
      thread: false,
      reason: `no built worker entry ${INGRESS_WORKER_ENTRY}`,
    });
  });
});
