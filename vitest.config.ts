import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['server/**/*.test.ts', 'web/**/*.test.ts', 'test/**/*.test.ts', 'media/**/*.test.ts', 'sip/**/*.test.ts'],
          // the servers under test serve the real widget and consoles, built once per run
          globalSetup: ['test/support/global-setup.ts', 'e2e/support/build-web.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file starts its own server on port 0 with its own database copy.
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts', 'e2e/support/build-web.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
})
