// The registry of training recipes the `tsgrad` command knows.
import { ArgumentError } from '../../tensor/errors.js';
import type { Recipe } from '../recipe.js';

export const recipes: Recipe[] = [];

export function findRecipe(name: string): Recipe {
  const r = recipes.find((x) => x.name === name);
  if (!r) throw new ArgumentError(`unknown recipe '${name}'; available: ${recipes.map((x) => x.name).join(', ') || 'none'}`);
  return r;
}

/** Evaluates a checkpoint written by `tsgrad train` (dispatches on the recipe recorded in it). */
export async function evaluateCheckpoint(path: string): Promise<void> {
  throw new ArgumentError(`eval: no recipe can evaluate ${path} yet`);
}
