import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { ApiToken, Project } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

export type { ApiToken, Project };
export type Scope = 'read' | 'submit' | 'admin';

/** A token's text: a recognisable prefix and 32 random bytes in base64url. */
function newToken(): string {
  return `iop_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Projects and their API tokens. Tokens are stored as SHA-256 hashes only. */
@Injectable()
export class ProjectRepository {
  constructor(private readonly prisma: PrismaService) {}

  createProject(name: string): Promise<Project> {
    return this.prisma.project.create({ data: { name } });
  }

  findProjectByName(name: string): Promise<Project | null> {
    return this.prisma.project.findUnique({ where: { name } });
  }

  /** Makes a token and returns its text — the only time it exists outside the caller's hands. */
  async createToken(projectId: string, name: string, scopes: Scope[]): Promise<{ token: string; record: ApiToken }> {
    const token = newToken();
    const record = await this.prisma.apiToken.create({ data: { projectId, name, scopes, prefix: token.slice(0, 10), hash: hashToken(token) } });
    return { token, record };
  }

  /** The live token with this text, or null (unknown or revoked). */
  async findToken(token: string): Promise<ApiToken | null> {
    const record = await this.prisma.apiToken.findUnique({ where: { hash: hashToken(token) } });
    return record && record.revokedAt === null ? record : null;
  }
}
