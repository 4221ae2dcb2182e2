import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The vitest project every package uses. Workspace packages resolve to their TypeScript sources
 * (the `source` export condition), so tests never run against a stale dist/.
 */
export function packageProject(configUrl: string, overrides: UserWorkspaceConfig['test'] = {}) {
  const root = dirname(fileURLToPath(configUrl));
  return defineProject({
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'] } },
    test: {
      name: basename(root),
      root,
      include: ['test/**/*.test.ts'],
      testTimeout: 60_000,
      ...overrides,
    },
  });
}
