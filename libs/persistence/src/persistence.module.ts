import { Global, Module } from '@nestjs/common';
import { ExperimentRepository } from './experiment.repository.js';
import { PrismaService } from './prisma.service.js';
import { RunRepository } from './run.repository.js';

@Global()
@Module({
  providers: [PrismaService, ExperimentRepository, RunRepository],
  exports: [PrismaService, ExperimentRepository, RunRepository],
})
export class PersistenceModule {}
