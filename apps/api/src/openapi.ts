import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SIM_VERSION } from '#sim';

/**
 * The REST surface as OpenAPI at /v1/openapi.json (no token needed, like the GraphQL schema's
 * introspection for a token holder) and a browsable page at /v1/docs. Like schema.gql, the
 * document is written to apps/api/openapi.json when the API starts in the repository, so a
 * change to the REST contract shows up in review.
 */
export function publishOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('iopath')
    .setDescription('Simulation-as-a-service for server I/O paths: the REST surface for CI. Every route but health needs a bearer token.')
    .setVersion(SIM_VERSION)
    .addBearerAuth()
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('v1/docs', app, document, { jsonDocumentUrl: 'v1/openapi.json' });
  if (existsSync(join(process.cwd(), 'apps/api'))) {
    writeFileSync(join(process.cwd(), 'apps/api/openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
  }
}
