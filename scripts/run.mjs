#!/usr/bin/env node
// The README's two commands land here: on a fresh clone with only Node 20 and npm it brings
// the pinned pnpm (into .tools/ when none is on PATH), installs from the lock file, builds
// (the Rust addon too when cargo exists; otherwise the TypeScript fallback is used and the
// build says so), then runs the task: `demo` (the main job on the bundled sample) or `test`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PNPM_VERSION = '10.34.9';
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(cmd, args) {
  const code = sh(cmd, args);
  if (code !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(' ')} exited with ${code}`);
    process.exit(code);
  }
}

function pnpmVersion() {
  const r = spawnSync('pnpm', ['--version'], { cwd: root, env, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function ensurePnpm() {
  const local = join(root, '.tools', 'node_modules', '.bin');
  env.PATH = `${local}${delimiter}${env.PATH ?? ''}`;
  if (pnpmVersion() === PNPM_VERSION) return;
  console.error(`• installing pnpm ${PNPM_VERSION} into .tools/ (once)`);
  must('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', join(root, '.tools'), `pnpm@${PNPM_VERSION}`]);
  if (pnpmVersion() !== PNPM_VERSION) {
    console.error('✗ could not provide pnpm');
    process.exit(1);
  }
}

const [task = 'test', ...rest] = process.argv.slice(2);
ensurePnpm();
must('pnpm', ['install', '--frozen-lockfile', ...(existsSync(join(root, 'node_modules')) ? ['--prefer-offline'] : [])]);
must('pnpm', ['build']);

switch (task) {
  case 'demo': {
    // The main job on the bundled sample book, then the desk's UI and API on the samples.
    const code = sh('pnpm', ['--silent', 'keel', 'allocate', ...rest]);
    if (code !== 0 || process.env.KEEL_DEMO_NO_SERVE) process.exit(code);
    console.log('\n• starting the API and the web UI on http://127.0.0.1:8787 (Ctrl+C to stop)');
    process.exit(sh('pnpm', ['--silent', 'keel', 'serve']));
    break;
  }
  case 'test':
    must('pnpm', ['typecheck']);
    must('pnpm', ['test:unit']);
    must('pnpm', ['--filter', '@keel/solver-native', 'test:rust']);
    must('pnpm', ['test:e2e']);
    must('pnpm', ['--filter', '@keel/ui', 'test:browser']);
    must('pnpm', ['bench:ci']);
    break;
  default:
    console.error(`unknown task ${task}; use demo or test`);
    process.exit(2);
}
