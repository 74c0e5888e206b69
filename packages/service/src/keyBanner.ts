import type { ApiKeySet } from './apiKeys.js';

/**
 * What a service prints about its keys at start-up. Keys are printed only when this start made them: on
 * later starts the banner says where they are kept, so that logs collected from every start do not hold
 * them. Ends with a `Warning:` line per warning.
 */
export function keyBanner(keys: ApiKeySet, variable: string): string[] {
  const roles = keys.keys.map((k) => k.role).join(', ');
  const lines =
    keys.source === 'variable'
      ? [`API keys: ${keys.keys.length} from ${variable} (${roles})`]
      : keys.created
        ? [
            `API keys (made now, kept in ${keys.file ?? 'the key file'}; shown this once):`,
            ...keys.keys.map((k) => `  ${k.role.padEnd(8)} ${k.key}`),
            'Send one as "Authorization: Bearer <key>".',
          ]
        : [
            `API keys: ${keys.keys.length} kept in ${keys.file ?? 'the key file'} (${roles}); read them there.`,
          ];
  return [...lines, ...keys.warnings.map((warning) => `Warning: ${warning}`)];
}
