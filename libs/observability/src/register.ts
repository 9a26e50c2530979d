/**
 * The observability preload: the first import of every process's main.ts
 *   import '@tuxhat/observability/register';
 * so tracing, metrics and the ops endpoint exist before any other module runs.
 */
import { bootstrapObservability } from './bootstrap';

bootstrapObservability();
