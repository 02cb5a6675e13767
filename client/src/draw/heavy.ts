// What a drawing session needs beyond the page itself: terra-draw and jsts,
// some 500 kB, loaded the first time someone draws rather than with the map.
export { DrawSession } from './draw-session.ts'
export { checkValidity } from './validity.ts'
