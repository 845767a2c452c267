import { Command, InvalidArgumentError } from 'commander';
import type { ProjectRepository, Scope } from '#persistence';

/**
 * `iopath admin create-project NAME` and `iopath admin create-token PROJECT`: run where the
 * database is reachable (DATABASE_URL). A token is printed once and stored only as its hash.
 */
const SCOPES: Scope[] = ['read', 'submit', 'admin'];
const scopeArg = (value: string): Scope => {
  if (!SCOPES.includes(value as Scope)) throw new InvalidArgumentError(`must be one of ${SCOPES.join(', ')}`);
  return value as Scope;
};

/** Loaded on use, so `iopath simulate` does not start a database client. */
async function withProjects<T>(work: (projects: ProjectRepository) => Promise<T>): Promise<T> {
  const { loadConfig } = await import('#config');
  const { migrate, PrismaService, ProjectRepository } = await import('#persistence');
  const config = loadConfig();
  await migrate(config.DATABASE_URL);
  const prisma = new PrismaService(config);
  try {
    return await work(new ProjectRepository(prisma));
  } finally {
    await prisma.$disconnect();
  }
}

function print(json: boolean, data: { project: string; projectId: string; token: string; scopes: Scope[] }): void {
  if (json) process.stdout.write(`${JSON.stringify(data)}\n`);
  else process.stdout.write(`project ${data.project} (${data.projectId})\ntoken, ${data.scopes.join('+')} (shown once; keep it secret): ${data.token}\n`);
}

export function addAdminCommands(program: Command, exit: (code: number) => void): void {
  const admin = program.command('admin').description('projects and API tokens (needs DATABASE_URL, not the API)');
  admin
    .command('create-project')
    .description('create a project and its first admin token')
    .argument('<name>', 'the project name')
    .option('--json', 'print {project, projectId, token, scopes} as JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      await withProjects(async (projects) => {
        if (await projects.findProjectByName(name)) {
          process.stderr.write(`iopath admin: project ${name} exists; make it another token with: iopath admin create-token ${name}\n`);
          exit(2);
          return;
        }
        const project = await projects.createProject(name);
        const { token } = await projects.createToken(project.id, 'first admin token', ['admin']);
        print(Boolean(o.json), { project: name, projectId: project.id, token, scopes: ['admin'] });
      });
    });
  admin
    .command('create-token')
    .description("create another token for a project (e.g. a read-only one for dashboards, submit for CI)")
    .argument('<project>', 'the project name')
    .option('--scope <scope>', 'read, submit (includes read) or admin (includes both)', scopeArg, 'submit' as Scope)
    .option('--name <name>', 'what the token is for', 'token')
    .option('--json', 'print {project, projectId, token, scopes} as JSON')
    .action(async (projectName: string, o: { scope: Scope; name: string; json?: boolean }) => {
      await withProjects(async (projects) => {
        const project = await projects.findProjectByName(projectName);
        if (!project) {
          process.stderr.write(`iopath admin: no project named ${projectName}; create it with: iopath admin create-project ${projectName}\n`);
          exit(2);
          return;
        }
        const { token } = await projects.createToken(project.id, o.name, [o.scope]);
        print(Boolean(o.json), { project: projectName, projectId: project.id, token, scopes: [o.scope] });
      });
    });
}
