import { Module } from '@nestjs/common';

import { PoliciesController } from './policies.controller';
import { PoliciesAdminService } from './policies.service';

@Module({ controllers: [PoliciesController], providers: [PoliciesAdminService] })
export class PoliciesAdminModule {}
