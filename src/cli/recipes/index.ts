// The registry of training recipes the `tsgrad` command knows.
import { readFileSync } from 'node:fs';
import { decodeSafetensors } from '../../io/safetensors.js';
import { ArgumentError } from '../../tensor/errors.js';
import type { Recipe } from '../recipe.js';
import { digitsCnn, evalDigits } from './digits-cnn.js';
import { optimizers } from './optimizers.js';
import { regression } from './regression.js';

export const recipes: Recipe[] = [digitsCnn, optimizers, regression];

export function findRecipe(name: string): Recipe {
  const r = recipes.find((x) => x.name === name);
  if (!r) throw new ArgumentError(`unknown recipe '${name}'; available: ${recipes.map((x) => x.name).join(', ')}`);
  return r;
}

/** Evaluates a checkpoint written by `tsgrad train` (dispatches on the recipe recorded in it). */
export async function evaluateCheckpoint(path: string): Promise<void> {
  let recipe: unknown;
  try {
    const { metadata } = decodeSafetensors(new Uint8Array(readFileSync(path)));
    recipe = JSON.stringify(metadata ?? {}).match(/"recipe\\?":\\?"([a-z-]+)/)?.[1];
  } catch (e) {
    throw new ArgumentError(`eval: cannot read checkpoint ${path}: ${(e as Error).message}`);
  }
  if (recipe === 'digits-cnn') return evalDigits(path);
  throw new ArgumentError(`eval: ${path} does not name a recipe that can be evaluated (found ${String(recipe)}); only digits-cnn checkpoints are supported`);
}
