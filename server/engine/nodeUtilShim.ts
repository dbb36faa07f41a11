/**
 * Node 23 removed the legacy `util.is*` helpers; @tensorflow/tfjs-node 4.22.0 (the latest release) still
 * calls `util.isNullOrUndefined` and fails on the first op ("isNullOrUndefined is not a function").
 * Upstream fixed it (tensorflow/tfjs#8425) but has not released the fix. VS Code's extension host runs
 * Node 24, so restore the helpers before tfjs-node is loaded. Only missing functions are added.
 */
// The CommonJS module object itself: an ESM namespace (or a bundler's copy of it) would not reach tfjs-node.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeUtil = require('node:util') as Record<string, unknown>;

const LEGACY: Record<string, (v: unknown) => boolean> = {
  isNullOrUndefined: (v) => v === null || v === undefined,
  isNull: (v) => v === null,
  isUndefined: (v) => v === undefined,
  isBoolean: (v) => typeof v === 'boolean',
  isNumber: (v) => typeof v === 'number',
  isString: (v) => typeof v === 'string',
  isSymbol: (v) => typeof v === 'symbol',
  isFunction: (v) => typeof v === 'function',
  isObject: (v) => v !== null && typeof v === 'object',
  isPrimitive: (v) => v === null || (typeof v !== 'object' && typeof v !== 'function'),
  isArray: (v) => Array.isArray(v),
};

/** Returns the names it had to add (empty on Node <= 22). */
export function restoreLegacyUtilHelpers(target: Record<string, unknown> = nodeUtil): string[] {
  const added: string[] = [];
  for (const [name, fn] of Object.entries(LEGACY)) {
    if (typeof target[name] !== 'function') {
      try {
        target[name] = fn;
        added.push(name);
      } catch {
        // A frozen namespace (ESM import of node:util) cannot be patched; the CJS module object can.
      }
    }
  }
  return added;
}
