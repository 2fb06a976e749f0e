import { defineConfig } from 'vitest/config'

// Four projects: plain unit tests, API tests through app.inject (on the backend DATABASE_URL
// chooses), browser tests in Debian's Chromium, and fault tests (a scratch PostgreSQL cluster
// stopped under writes). `npm test` runs them all: unit and API tests together, then the browser
// tests alone (software WebGL needs the machine's cores to itself), then the fault tests.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'api',
          include: ['tests/api/**/*.test.ts'],
          globalSetup: ['tests/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          // One at a time: each starts servers and databases of its own.
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
