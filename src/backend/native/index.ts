/**
 * Finds and loads the native addon that `npm install` built (native/build/Release/anneal.node).
 * Loading never throws: it reports why the addon is unavailable, and backend/index.ts decides
 * whether that is an error (ANNEAL_BACKEND=native) or a fallback to the TypeScript backend.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNativeBackend, type NativeAddon, type NativeBackend } from './backend.js';

export { createNativeBackend, type Isa, type NativeAddon, type NativeBackend } from './backend.js';

/** The directory of anneal's package.json above this file (dist/ or build/ alike). */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'anneal') return dir;
      } catch {
        // an unreadable manifest is not ours: keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Where the addon lives: ANNEAL_NATIVE_ADDON if set, else the package's build output. */
export function nativeAddonPath(): string | null {
  const override = process.env.ANNEAL_NATIVE_ADDON;
  if (override) return override;
  const root = packageRoot();
  return root ? join(root, 'native', 'build', 'Release', 'anneal.node') : null;
}

let cached: { backend: NativeBackend } | { error: string } | null = null;

/** The native backend, or why it cannot be loaded; tried once per process. */
export function loadNativeBackend(): { backend: NativeBackend } | { error: string } {
  if (cached) return cached;
  const path = nativeAddonPath();
  if (!path) cached = { error: "anneal's package root was not found" };
  else if (!existsSync(path)) {
    cached = { error: `the addon was not built (${path} is missing; 'npm rebuild anneal', or 'node scripts/build-native.mjs' in a checkout, builds it with a C++ compiler)` };
  }
  else {
    try {
      const addon = createRequire(import.meta.url)(path) as NativeAddon;
      cached = { backend: createNativeBackend(addon) };
    } catch (err) {
      cached = { error: `loading ${path} failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return cached;
}
