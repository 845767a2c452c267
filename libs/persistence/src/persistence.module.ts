import { Global, Module } from '@nestjs/common';
import { ExperimentRepository } from './experiment.repository.js';
import { PrismaService } from './prisma.service.js';
import { RunRepository } from './run.repository.js';
import { CiRepository, IdempotencyRepository } from './ci.repository.js';
import { ProjectRepository } from './project.repository.js';
import { SigningKeyRepository } from './signing-key.repository.js';
import { WebhookRepository } from './webhook.repository.js';

@Global()
@Module({
  providers: [PrismaService, ExperimentRepository, RunRepository, CiRepository, IdempotencyRepository, ProjectRepository, SigningKeyRepository, WebhookRepository],
  exports: [PrismaService, ExperimentRepository, RunRepository, CiRepository, IdempotencyRepository, ProjectRepository, SigningKeyRepository, WebhookRepository],
})
export class PersistenceModule {}
