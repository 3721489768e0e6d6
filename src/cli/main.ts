#!/usr/bin/env node
// The `tsgrad` command: train a recipe, list recipes, evaluate a checkpoint.
import { Command, InvalidArgumentError } from 'commander';
import { listBackends, setBackend } from '../backend/index.js';
import { TsgradError } from '../tensor/errors.js';
import { makeContext, resolveOptions } from './recipe.js';
import { findRecipe, recipes } from './recipes/index.js';

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function intArg(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got '${v}'`);
    return n;
  };
}

export function buildProgram(): Command {
  const program = new Command('tsgrad')
    .description('tsgrad: train and evaluate models written with tsgrad (PyTorch semantics in TypeScript)')
    .option('--backend <name>', `kernel backend (${listBackends().join(', ')})`)
    .showHelpAfterError();
  program.hook('preAction', (cmd) => {
    const be = cmd.opts().backend as string | undefined;
    if (be) setBackend(be);
  });

  program.command('list').description('list the training recipes').action(() => {
    const w = Math.max(...recipes.map((r) => r.name.length));
    for (const r of recipes) console.log(`${r.name.padEnd(w)}  ${r.description}`);
  });

  const train = program.command('train').description('train a recipe (see `tsgrad list`)')
    .argument('<recipe>', 'recipe name')
    .option('--seed <n>', 'random seed (same seed, same numbers)', intArg('--seed'), 0)
    .option('--out <dir>', 'root folder for run folders', 'runs')
    .option('--smoke', 'a seconds-long run that asserts the loss fell (CI)', false)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(async (name: string, o: { seed: number; out: string; smoke: boolean }, cmd: Command) => {
      const recipe = findRecipe(name);
      const raw = parseRecipeFlags(recipe.name, cmd.args.slice(1), recipe.options.map((x) => x.name));
      const opts = resolveOptions(recipe, raw);
      const ctx = makeContext(recipe, opts, { outRoot: o.out, smoke: o.smoke, seed: o.seed });
      console.log(`tsgrad train ${recipe.name}${o.smoke ? ' --smoke' : ''} (seed ${o.seed}) → ${ctx.outDir}`);
      const result = await recipe.run(ctx);
      console.log(`done: ${JSON.stringify(result)}`);
    });
  train.addHelpText('after', `\nRecipe options:\n${recipes.map((r) => `  ${r.name}: ${r.options.map((x) => `--${kebab(x.name)} (${String(x.default)})`).join(' ')}`).join('\n')}`);

  program.command('eval').description('evaluate a saved checkpoint of a recipe')
    .argument('<checkpoint>', 'path to a checkpoint.safetensors written by `tsgrad train`')
    .action(async (path: string) => {
      const { evaluateCheckpoint } = await import('./recipes/index.js');
      await evaluateCheckpoint(path);
    });
  return program;
}

/** Parses `--name value` / `--flag` pairs against a recipe's known option names. */
function parseRecipeFlags(recipe: string, args: string[], known: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = new Map(known.map((k) => [kebab(k), k]));
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new TsgradError(`train ${recipe}: unexpected argument '${a}'`);
    const [flag, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const key = names.get(flag);
    if (!key) throw new TsgradError(`train ${recipe}: unknown option --${flag}; options: ${[...names.keys()].map((k) => `--${k}`).join(', ') || 'none'}`);
    if (inline !== undefined) out[key] = inline;
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) out[key] = args[++i];
    else out[key] = true;
  }
  return out;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  buildProgram().parseAsync(process.argv).catch((e: unknown) => {
    if (e instanceof TsgradError) {
      console.error(`error: ${e.message}`);
      process.exitCode = 2;
    } else {
      console.error(e);
      process.exitCode = 1;
    }
  });
}
