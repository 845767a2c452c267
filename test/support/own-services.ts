import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private Postgres and Redis servers on spare loopback ports, for fault tests that stop and
 * restart them without disturbing the machine's shared services.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export class OwnRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  private bindAll = false;

  /** `bindAll`: listen on every address (for processes in other network namespaces). */
  static async start(options: { bindAll?: boolean } = {}): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    redis.bindAll = options.bindAll ?? false;
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port, empty: this Redis keeps nothing on disk. */
  up(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const bind = this.bindAll ? ['--bind', '0.0.0.0', '--protected-mode', 'no'] : ['--bind', '127.0.0.1'];
      const child = spawn('redis-server', ['--port', String(this.port), ...bind, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.on('error', (err) => reject(new Error(`redis-server could not start (${err.message}); npm test installs it (scripts/services.sh)`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server on port ${this.port} exited (${code}) before it was ready`)));
      this.child = child;
    });
  }

  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

/** A Postgres cluster of our own: initdb into a temp folder, run as the postgres user. */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  private listen = '127.0.0.1';

  /** `listenAll`: accept connections on every address, trusted (for other network namespaces). */
  static async start(options: { listenAll?: boolean } = {}): Promise<OwnPostgres> {
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
    if (!versions.length) throw new Error('no Postgres server binaries under /usr/lib/postgresql (scripts/services.sh installs them)');
    const bin = `/usr/lib/postgresql/${versions.at(-1)}/bin`;
    const dir = mkdtempSync(join(tmpdir(), 'iopath-pg-'));
    chownSync(dir, uid('postgres'), gid('postgres'));
    const pg = new OwnPostgres(await freePort(), dir, bin);
    pg.asPostgres('initdb', '-D', join(dir, 'data'), '--auth=trust', '--username=postgres', '-E', 'UTF8');
    if (options.listenAll) {
      pg.listen = '*';
      appendFileSync(join(dir, 'data', 'pg_hba.conf'), 'host all all 0.0.0.0/0 trust\n');
    }
    pg.up();
    return pg;
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  up(): void {
    this.asPostgres('pg_ctl', '-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-w', '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=${this.listen} -c fsync=off`, 'start');
  }

  /** Stops it as an operator's restart would (fast: connections are cut). */
  down(): void {
    this.asPostgres('pg_ctl', '-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop');
  }

  remove(): void {
    try {
      this.down();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private asPostgres(tool: string, ...args: string[]): void {
    // Postgres refuses to run as root; the machine's postgres user owns our cluster.
    const run = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(this.bin, tool), ...args]] : [join(this.bin, tool), args];
    execFileSync(run[0] as string, run[1] as string[], { stdio: 'ignore' });
  }
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}

/** A three-node Redis Cluster on spare loopback ports (redis-server --cluster-enabled yes). */
export class OwnRedisCluster {
  private constructor(
    readonly ports: number[],
    private readonly children: ChildProcess[],
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnRedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'iopath-redis-cluster-'));
    const ports = [await freePort(), await freePort(), await freePort()];
    const children = await Promise.all(
      ports.map(
        (port) =>
          new Promise<ChildProcess>((resolve, reject) => {
            const child = spawn(
              'redis-server',
              ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir, '--save', '', '--appendonly', 'no'],
              { stdio: ['ignore', 'pipe', 'inherit'] },
            );
            child.on('error', reject);
            child.stdout!.on('data', (chunk: Buffer) => {
              if (chunk.toString().includes('Ready to accept connections')) resolve(child);
            });
          }),
      ),
    );
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
    for (let i = 0; ; i++) {
      const ok = ports.every((p) => execFileSync('redis-cli', ['-p', String(p), 'cluster', 'info'], { encoding: 'utf8' }).includes('cluster_state:ok'));
      if (ok) break;
      if (i > 100) throw new Error('the Redis cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 100));
    }
    return new OwnRedisCluster(ports, children, dir);
  }

  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((c) => {
        if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A network namespace joined to the host by a veth pair: the host side and the inside address. */
export class Netns {
  private constructor(
    readonly name: string,
    readonly hostAddress: string,
    readonly address: string,
  ) {}

  /** `subnet` like 10.78.5.0: the host gets .1, the namespace .2 (a /30). */
  static create(name: string, subnet: string): Netns {
    const base = subnet.split('.').slice(0, 3).join('.');
    const last = Number(subnet.split('.')[3]);
    const [host, inside] = [`${base}.${last + 1}`, `${base}.${last + 2}`];
    const veth = `v${name}`.slice(0, 13);
    Netns.remove(name, veth);
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'ignore' });
    ip('netns', 'add', name);
    ip('link', 'add', `${veth}a`, 'type', 'veth', 'peer', 'name', `${veth}b`);
    ip('link', 'set', `${veth}b`, 'netns', name);
    ip('addr', 'add', `${host}/30`, 'dev', `${veth}a`);
    ip('link', 'set', `${veth}a`, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${inside}/30`, 'dev', `${veth}b`);
    ip('netns', 'exec', name, 'ip', 'link', 'set', `${veth}b`, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
    return new Netns(name, host, inside);
  }

  /** The command prefix that runs a process inside. */
  get exec(): string[] {
    return ['ip', 'netns', 'exec', this.name];
  }

  remove(): void {
    Netns.remove(this.name, `v${this.name}`.slice(0, 13));
  }

  private static remove(name: string, veth: string): void {
    for (const args of [['link', 'del', `${veth}a`], ['netns', 'del', name]]) {
      try {
        execFileSync('ip', args, { stdio: 'ignore' });
      } catch {
        // not there
      }
    }
  }
}
