/**
 * The databases the HTTP suite runs against: always the embedded one, and the
 * PostGIS server when TEST_DATABASE_URL names one. In CI the server is
 * required, so a missing TEST_DATABASE_URL fails the run instead of skipping.
 */
export type Backend = 'embedded' | 'postgres'

export function backends(): Backend[] {
  if (process.env.TEST_DATABASE_URL) return ['embedded', 'postgres']
  if (process.env.CI === 'true') {
    throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostGIS-server suite must run in CI')
  }
  console.warn('TEST_DATABASE_URL is not set: the PostGIS-server half of the HTTP suite is skipped')
  return ['embedded']
}
