// The shipped question bank, one file per skill (see ../bank.ts for the format). Imported statically so
// a build copies the files and a missing one fails to compile.
import type { BankFile } from '../bank.js';
import algorithms from './algorithms.json' with { type: 'json' };
import aws from './aws.json' with { type: 'json' };
import css from './css.json' with { type: 'json' };
import docker from './docker.json' with { type: 'json' };
import git from './git.json' with { type: 'json' };
import go from './go.json' with { type: 'json' };
import java from './java.json' with { type: 'json' };
import javascript from './javascript.json' with { type: 'json' };
import kubernetes from './kubernetes.json' with { type: 'json' };
import linux from './linux.json' with { type: 'json' };
import nodejs from './nodejs.json' with { type: 'json' };
import postgresql from './postgresql.json' with { type: 'json' };
import python from './python.json' with { type: 'json' };
import react from './react.json' with { type: 'json' };
import rest from './rest.json' with { type: 'json' };
import security from './security.json' with { type: 'json' };
import sql from './sql.json' with { type: 'json' };
import systemDesign from './system-design.json' with { type: 'json' };
import testing from './testing.json' with { type: 'json' };
import typescript from './typescript.json' with { type: 'json' };

// JSON imports type every literal exactly; the loader checks the real shape of each file at start.
export const BANK_FILES = [
  algorithms,
  aws,
  css,
  docker,
  git,
  go,
  java,
  javascript,
  kubernetes,
  linux,
  nodejs,
  postgresql,
  python,
  react,
  rest,
  security,
  sql,
  systemDesign,
  testing,
  typescript,
] as unknown as readonly BankFile[];
