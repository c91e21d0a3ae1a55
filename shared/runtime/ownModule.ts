/**
 * The URL of another module of streamfold itself, relative to `base` (an `import.meta.url`), with the
 * extension the running copy uses: `.ts` when it runs from source, `.js` when it runs compiled (the
 * package). Compiling rewrites import specifiers, not the paths in `new URL(...)`; this does that for them.
 *
 * @example
 * const worker = ownModule('./handlerWorker', import.meta.url); // …/handlerWorker.ts or …/handlerWorker.js
 */
export const ownModule = (relativeWithoutExtension: string, base: string): URL =>
  new URL(`${relativeWithoutExtension}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);

/**
 * Whether this copy of streamfold runs from its TypeScript sources (a checkout, through tsx) rather than
 * compiled (the installed package).
 *
 * @example
 * runsFromSource(import.meta.url); // true in a checkout
 */
export const runsFromSource = (base: string): boolean => base.endsWith('.ts');
