/**
 * The grid tree's rules, free of storage. A grid's path is the ids from the
 * root down, each followed by '/' (`root/g1/b7/`), so a subtree is exactly the
 * paths that start with its root's path. `isWithin` is the one rule that says
 * whether a grid lies in a scope (a grid-scoped staff key, a listing).
 *
 * @example
 * childPath('root/g1/', 'b7')            // 'root/g1/b7/'
 * isWithin('root/g1/b7/', 'root/g1/')    // true
 * isWithin('root/g10/', 'root/g1/')      // false
 */
import { z } from 'zod'

/** community > grid > sub-grid > building > unit; `other` for anything else (a practice station…). */
export const GridLevel = z.enum(['community', 'grid', 'subgrid', 'building', 'unit', 'other'])
export type GridLevel = z.infer<typeof GridLevel>

/** The path of a grid with this id under a parent of that path (null for a root). */
export const childPath = (parentPath: string | null, id: string): string => `${parentPath ?? ''}${id}/`

/** How far below its root a grid is: 0 for a root. */
export const depthOf = (path: string): number => path.split('/').length - 2

/**
 * True when the grid of `path` lies in the subtree of the grid of `scopePath` (itself included):
 * its path starts with the scope's. A scope that is no grid path (empty, or not ending in '/')
 * contains nothing, so a malformed scope never grants everything.
 */
export function isWithin(path: string, scopePath: string): boolean {
  return scopePath.length > 1 && scopePath.endsWith('/') && path.startsWith(scopePath)
}

/** The path a grid of the subtree at `oldRoot` gets when that subtree moves to `newRoot`. */
export const rebase = (path: string, oldRoot: string, newRoot: string): string => newRoot + path.slice(oldRoot.length)

/** A grid path as a scope is given: ids each followed by '/', e.g. `root/g1/`. */
export const GridPath = z
  .string()
  .max(10_000)
  .regex(/^([A-Za-z0-9][A-Za-z0-9._-]{0,47}\/)+$/, 'grid paths are ids each followed by "/", e.g. root/g1/')
