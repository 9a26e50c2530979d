import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyGuard } from './api-key.guard';
import { INGRESS_OPTIONS, type IngressOptions, resolveIngressOptions } from './ingress.options';
import { MessageIdGenerator } from './message-id';
import { MessageWriter } from './message-writer';
import { MessagesController } from './messages.controller';
import { MessagesGrpcController } from './messages.grpc-controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { StatusProjectionRepository } from './status-projection.repository';
import { StatusProjectorConsumer } from './status-projector.consumer';

/**
 * The ingress service: the tenant API (REST and gRPC: authentication, validation, message id,
 * the message record, sms.submitted) and the status projector (sms.status -> history and
 * projected status). Boot it with startIngress, which adds the listeners and error mapping.
 */
@Module({})
export class IngressModule {
  static forRoot(runtime: ServiceRuntime, options: IngressOptions = {}): DynamicModule {
    return {
      module: IngressModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [MessagesController, MessagesGrpcController, StatusProjectorConsumer],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: INGRESS_OPTIONS, useValue: resolveIngressOptions(options) },
        { provide: MessageIdGenerator, useValue: new MessageIdGenerator() },
        ApiKeyAuthenticator,
        ApiKeyGuard,
        MessageWriter,
        MessagesRepository,
        MessagesService,
        StatusProjectionRepository,
      ],
    };
  }
}
