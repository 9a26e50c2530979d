// The one place that imports the generated client (libs/database/src/generated/prisma, written
// by scripts/db/generate.sh from prisma/schema.prisma). Everything else imports @tuxhat/database.
export {
  $Enums,
  CarrierKind,
  MessageStatus,
  Prisma,
  PrismaClient,
  TenantStatus,
} from './generated/prisma/client';
export type {
  AccountingRecord,
  ApiKey,
  AuditLog,
  Carrier,
  ClientCertificate,
  Message,
  MessageStatusEvent,
  Route,
  Tenant,
} from './generated/prisma/client';
