import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, UNBOUNDED_BACKLOG } from '@tuxhat/messaging';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { ApiKeyAuthenticator } from './api-key-authenticator';
import { CredentialUsageRecorder } from './credential-usage.recorder';
import { ApiKeyGuard } from './api-key.guard';
import { IdempotencyPurger } from './idempotency-purger';
import { IdempotencyCoordinator } from './idempotency';
import { IngressConfigSnapshot } from './ingress-config';
import {
  BUS_BACKLOG,
  INGRESS_OPTIONS,
  type IngressOptions,
  resolveIngressOptions,
} from './ingress.options';
import { MessageIdGenerator } from './message-id';
import { MessageRetention } from './message-retention';
import { MessageWriter } from './message-writer';
import { MessagesController } from './messages.controller';
import { MessagesGrpcController } from './messages.grpc-controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { RateLimiter } from './rate-limiter';
import { StatusProjectionRepository } from './status-projection.repository';
import { StatusProjectorConsumer } from './status-projector.consumer';
import { STATUS_FEED_KAFKA, StatusStreamFeed } from './status-stream.feed';
import { StatusStreamHub } from './status-stream.hub';
import { SubmissionRepository } from './submission.repository';
import { TenantAuthenticator } from './tenant-authenticator';
import { UsageController } from './usage.controller';
import { UsageService } from './usage.service';

/**
 * The ingress service: the tenant API (REST and gRPC: authentication, scopes, validation,
 * idempotency, rate limits in reject mode, message ids, the message record, sms.submitted,
 * reads, usage, status streams and their feed on Kafka) and the status projector (sms.status ->
 * history and projected status). Boot it with startIngress, which adds the listeners, docs and
 * error mapping.
 */
@Module({})
export class IngressModule {
  static forRoot(runtime: ServiceRuntime, options: IngressOptions = {}): DynamicModule {
    return {
      module: IngressModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [
        MessagesController,
        UsageController,
        MessagesGrpcController,
        StatusProjectorConsumer,
      ],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: INGRESS_OPTIONS, useValue: resolveIngressOptions(options) },
        { provide: BUS_BACKLOG, useValue: options.backlog ?? UNBOUNDED_BACKLOG },
        { provide: MessageIdGenerator, useValue: new MessageIdGenerator() },
        IngressConfigSnapshot,
        CredentialUsageRecorder,
        ApiKeyAuthenticator,
        TenantAuthenticator,
        ApiKeyGuard,
        RateLimiter,
        IdempotencyCoordinator,
        IdempotencyPurger,
        MessageRetention,
        SubmissionRepository,
        MessageWriter,
        MessagesRepository,
        MessagesService,
        UsageService,
        StatusProjectionRepository,
        StatusStreamHub,
        { provide: STATUS_FEED_KAFKA, useValue: runtime.bus.kafkaPort() },
        StatusStreamFeed,
      ],
    };
  }
}
