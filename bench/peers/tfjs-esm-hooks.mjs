// Module hooks for the tfjs peers: @tensorflow/tfjs-core bundles no gradient functions for Node, and its
// dist/register_all_gradients.js is untranspiled ESM with extensionless imports. These hooks let Node
// load it (add '.js', treat tfjs-core's dist/ files other than the Node bundle as ESM). Gradients
// register into tfjs' global registry, which the Node bundle shares.
const DIST = '/@tensorflow/tfjs-core/dist/';
export async function resolve(specifier, context, next) {
  if (context.parentURL?.includes(DIST) && specifier.startsWith('.') && !specifier.endsWith('.js')) {
    try { return await next(specifier + '.js', context); } catch { return next(specifier + '/index.js', context); }
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.includes(DIST) && !url.endsWith('tf-core.node.js')) {
    const r = await next(url, { ...context, format: 'module' });
    return { ...r, format: 'module' };
  }
  return next(url, context);
}
