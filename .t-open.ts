import { PGlite } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
let t = Date.now()
const pg = await PGlite.create({ dataDir: '/tmp/jdata', extensions: { postgis } })
console.log('create', Date.now() - t); t = Date.now()
await pg.query('select 1'); console.log('q1', Date.now() - t); t = Date.now()
await pg.query('select postgis_lib_version()'); console.log('postgis', Date.now() - t); t = Date.now()
const noext = await PGlite.create({ dataDir: '/tmp/jdata2' }); console.log('create-noext-new', Date.now() - t)
