// The samples measure areas as the server and the map client do.
export { M2_PER_MU, areaM2, ringAreaM2 } from '../../server/src/domain/ellipsoidal-area.ts'
