import type { Db } from '../db/db.ts'
import type { Config } from '../config.ts'
import type { User } from '../auth/roles.ts'

/** What every route handler shares: settings and the database. */
export interface AppContext {
  config: Config
  db: Db
  postgis: string
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The signed-in user, set by the authentication middleware. */
      user?: User
      /** How the user proved who they are. */
      authVia?: 'session' | 'token'
    }
  }
}
