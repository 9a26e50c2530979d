import { Module } from '@nestjs/common';

import { ClientCertificatesController } from './client-certificates.controller';
import { ClientCertificatesService } from './client-certificates.service';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

@Module({
  controllers: [TenantsController, ClientCertificatesController],
  providers: [TenantsService, ClientCertificatesService],
})
export class TenantsAdminModule {}
