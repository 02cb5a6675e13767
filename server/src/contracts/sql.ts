import path from 'node:path'
import { sqlFiles } from '../db/sql-files.ts'

/** The text of server/src/contracts/sql/<name>.sql. */
export const sql = sqlFiles(path.join(import.meta.dirname, 'sql'))
