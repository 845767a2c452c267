import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { PrismaService } from './prisma.service.js';

/**
 * Named secrets, made on first use and kept in Postgres: every API process signs and checks with
 * the same one, with nothing to configure. Two processes making one at once keep the first.
 */
@Injectable()
export class SigningKeyRepository {
  private readonly known = new Map<string, Promise<Buffer>>();

  constructor(private readonly prisma: PrismaService) {}

  secret(name: string): Promise<Buffer> {
    let secret = this.known.get(name);
    if (!secret) {
      secret = this.load(name);
      this.known.set(name, secret);
      secret.catch(() => this.known.delete(name)); // a database blip is not remembered
    }
    return secret;
  }

  private async load(name: string): Promise<Buffer> {
    await this.prisma.signingKey.createMany({ data: [{ name, secret: randomBytes(32).toString('base64') }], skipDuplicates: true });
    const key = await this.prisma.signingKey.findUniqueOrThrow({ where: { name } });
    return Buffer.from(key.secret, 'base64');
  }
}
