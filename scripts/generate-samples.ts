// Writes the seeded sample district (see data-samples/README.md).
//   npx tsx scripts/generate-samples.ts [--seed N] [--parcels N] [--out DIR]
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateSamples } from './samples/generate.ts'

const DEFAULT_SEED = 20231
const DEFAULT_PARCELS = 5000
// above this many parcels the set is a benchmark set and goes to large/
const LARGE_FROM = 20000

interface Args {
  seed: number
  parcels: number
  out: string
}

function parseArgs(argv: readonly string[]): Args {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const value = (flag: string) => {
    const i = argv.indexOf(flag)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const seed = Number(value('--seed') ?? DEFAULT_SEED)
  const parcels = Number(value('--parcels') ?? DEFAULT_PARCELS)
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`--seed must be a non-negative integer, got ${value('--seed')}`)
  if (!Number.isInteger(parcels) || parcels < 50)
    throw new Error(`--parcels must be an integer of at least 50, got ${value('--parcels')}`)
  const fallback = join(root, 'data-samples', parcels >= LARGE_FROM ? 'large' : '')
  return { seed, parcels, out: resolve(value('--out') ?? fallback) }
}

function main(): void {
  const args = parseArgs(process.argv.slice(2))
  const started = performance.now()
  const { files, summary } = generateSamples(args)
  for (const [name, contents] of files) {
    const path = join(args.out, name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, contents)
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(`wrote ${files.size} files to ${args.out} in ${seconds} s (seed ${args.seed})`)
  console.log(JSON.stringify(summary))
}

main()
