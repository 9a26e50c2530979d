import type { Type } from '@nestjs/common';

import { AccountingAdminModule } from './accounting/accounting.module';
import { AuditAdminModule } from './audit/audit.module';
import { CarriersAdminModule } from './carriers/carriers.module';
import { DlrAdminModule } from './dlr/dlr.module';
import { PoliciesAdminModule } from './policies/policies.module';
import { RoutingAdminModule } from './routing/routing.module';
import { TenantsAdminModule } from './tenants/tenants.module';

/**
 * Every feature of the admin API: one Nest module per area, each in its own folder
 * (controller, service, dto). To add one, see README.md "Adding a controller": one line here.
 */
export const ADMIN_FEATURES: readonly Type[] = [
  TenantsAdminModule,
  CarriersAdminModule,
  RoutingAdminModule,
  PoliciesAdminModule,
  AccountingAdminModule,
  DlrAdminModule,
  AuditAdminModule,
];
