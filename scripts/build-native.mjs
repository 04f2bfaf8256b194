#!/usr/bin/env node
/**
 * Builds the native backend (native/binding.gyp) during `npm install` / `npm ci`, with the node-gyp
 * that ships with npm and the Node headers already on this machine: nothing is downloaded. A failed
 * build never fails the install: anneal then runs on its TypeScript backend and says so once when it
 * starts. Set ANNEAL_SKIP_NATIVE=1 to skip the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const warn = (msg) => process.stderr.write(`anneal: ${msg}\n`);

if (process.env.ANNEAL_SKIP_NATIVE === '1') {
  warn('ANNEAL_SKIP_NATIVE=1: not building the native backend (the TypeScript backend will run)');
  process.exit(0);
}

/** node-gyp: the one npm runs scripts with, else npm's own copy next to this node, else PATH. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  const prefix = resolve(dirname(process.execPath), '..');
  for (const p of [join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'), join(prefix, 'share/nodejs/node-gyp/bin/node-gyp.js')]) {
    if (existsSync(p)) return [process.execPath, p];
  }
  return ['node-gyp'];
}

/** Headers of the running Node: npm's nodedir if configured, else the installation's own include/node. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include/node/common.gypi'))) return [`--nodedir=${prefix}`];
  return [];
}

const [cmd, ...pre] = nodeGyp();
const args = [...pre, 'rebuild', '--release', `--directory=${join(root, 'native')}`, '-j', 'max', ...nodedirArgs()];
const started = Date.now();
const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'warn' } });
const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
if (r.status === 0) {
  process.stderr.write(`anneal: built the native backend in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
} else {
  const tail = output.trim().split('\n').slice(-15).join('\n');
  warn(`could not build the native backend (${r.error ? r.error.message : `node-gyp exited with ${r.status}`}); anneal will use its TypeScript backend.\n${tail}`);
}
process.exit(0);
