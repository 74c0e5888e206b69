import { MissingDriverError } from './errors.js';

/**
 * Runs `load` (a dynamic `import()` of an optional driver package, written in the caller's module so that
 * it resolves from there); when that package is not installed, a MissingDriverError naming it instead of
 * Node's ERR_MODULE_NOT_FOUND. Other failures (the package is there but broken) pass through.
 */
export async function loadDriver<T>(
  packageName: string,
  neededFor: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissing(error, packageName)) throw new MissingDriverError(packageName, neededFor, { cause: error });
    throw error;
  }
}

function isMissing(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // Only the package itself missing, not a module it needs in turn (that is a broken install, said as is).
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    error.message.includes(`'${packageName}'`)
  );
}
