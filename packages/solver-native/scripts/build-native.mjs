#!/usr/bin/env node
// Builds the Rust N-API addon (crates/node) and copies it to native/keel_native.node.
// Without cargo it warns once and exits 0: the TypeScript fallback is used instead.
// With cargo, a failed build is an error (exit 1). `--test` runs `cargo test --release
// --workspace` instead (skipped, with a message, without cargo).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const testMode = process.argv.includes('--test');

const probe = spawnSync('cargo', ['--version'], { cwd: pkg, encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.warn(
    testMode
      ? '⚠ @keel/solver-native: cargo not found, skipping the Rust tests.'
      : '⚠ @keel/solver-native: cargo not found, the native addon is not built; the TypeScript fallback will be used.',
  );
  process.exit(0);
}

const run = (args) => {
  const r = spawnSync('cargo', args, { cwd: pkg, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
};

if (testMode) process.exit(run(['test', '--release', '--workspace']));

if (run(['build', '--release', '-p', 'keel-node']) !== 0) {
  console.error('✗ @keel/solver-native: cargo build of the native addon failed');
  process.exit(1);
}

const targetDir = process.env.CARGO_TARGET_DIR ?? join(pkg, 'target');
const libName = { darwin: 'libkeel_native.dylib', win32: 'keel_native.dll' }[process.platform] ?? 'libkeel_native.so';
const built = join(targetDir, 'release', libName);
if (!existsSync(built)) {
  console.error(`✗ @keel/solver-native: cargo reported success but ${built} is missing`);
  process.exit(1);
}
const outDir = join(pkg, 'native');
mkdirSync(outDir, { recursive: true });
// Copy then rename: overwriting a shared object that a running process has mapped can crash it.
const tmp = join(outDir, `.keel_native.${process.pid}.tmp`);
copyFileSync(built, tmp);
renameSync(tmp, join(outDir, 'keel_native.node'));
console.log('✓ @keel/solver-native: native/keel_native.node built');
