// `npm start`: runs both backends as separate processes (each with its own port, data directory
// and stores), forwards SIGINT/SIGTERM so both shut down gracefully, and stops the other when one
// exits with an error. Each app can also be started alone: npm run start:hiring / start:pairly.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const apps = ['hiring', 'pairly'] as const;
const root = fileURLToPath(new URL('..', import.meta.url));

const children = apps.map((name) =>
  spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `apps/${name}/src/main.ts`], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  }),
);

let exitCode = 0;
let remaining = children.length;
for (const child of children) {
  child.on('exit', (code, signal) => {
    remaining--;
    if (code !== 0 && signal === null) {
      exitCode = code ?? 1;
      for (const other of children) if (other !== child && other.exitCode === null) other.kill('SIGTERM');
    }
    if (remaining === 0) process.exit(exitCode);
  });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  });
}
