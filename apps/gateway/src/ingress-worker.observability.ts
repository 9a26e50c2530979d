import { bootstrapObservability } from '@tuxhat/observability';

// This thread's tracing and metrics registry (module state is per thread), before any other
// module loads. No ops server: the main thread serves /metrics and the probes, merging this
// thread's (see ingress-thread.ts).
bootstrapObservability({ service: 'gateway', env: { ...process.env, OPS_ENABLED: 'false' } });
