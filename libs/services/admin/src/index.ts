export { AdminModule } from './admin.module';
export { startAdmin, type RunningAdmin, type AdminRoute, ADMIN_DOCS_PATH } from './start-admin';
export type { StartAdminOptions } from './admin.options';
export { AdminKeyStore, type AdminKeyView } from './core/admin-keys';
export { ADMIN_PROBLEMS, type AdminProblemCode } from './core/admin-problem';
export { ADMIN_OPENAPI_PATH } from './openapi';
