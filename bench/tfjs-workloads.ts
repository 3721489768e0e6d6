// The bench/workloads.ts steps written for TensorFlow.js (peers tfjs-backend-wasm and -cpu): same
// shapes and math; gradients by tf.grads / tf.variableGrads, tensors disposed inside tf.tidy so memory
// stays flat. Dense layers are matMul + add: tf.fused.matMul with a bias (what tf.layers.dense uses)
// measured slower on tfjs-wasm (MLP step 28.9 vs 16.4 ms), so the peer gets its faster form. Functional API only (chained methods need tfjs' side-effect registration module).
import type * as TF from '@tensorflow/tfjs-core';

type Tf = typeof TF;
type T = TF.Tensor;

export function tfjsBuilders(tf: Tf): Record<'mlp' | 'conv' | 'transformer', () => () => void> {
  const param = (shape: number[], scale: number) => tf.variable(tf.mul(tf.randomNormal(shape), scale));
  const layerNorm = (x: T, g: T, b: T) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
  };
  const gelu = (x: T) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  const mm = (a: T, b: T, tA = false, tB = false) => tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D, tA, tB);
  return {
    mlp: () => {
      const x = tf.randomNormal([64, 784]);
      const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32') as TF.Tensor1D, 10);
      const w1 = param([784, 256], 1 / 28), b1 = param([256], 0.01), w2 = param([256, 10], 1 / 16), b2 = param([10], 0.01);
      const vars = [w1, b1, w2, b2];
      const opt = tf.train.sgd(0.01);
      return () => tf.tidy(() => {
        opt.minimize(() => {
          const logits = tf.add(mm(tf.relu(tf.add(mm(x, w1), b1)), w2), b2);
          return tf.div(tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), y))), 64) as TF.Scalar;
        }, false, vars);
        tf.sum(w2).dataSync(); // wait for the update
      });
    },
    conv: () => {
      const x = tf.randomNormal([32, 28, 28, 1]); // tfjs is NHWC
      const w = tf.mul(tf.randomNormal([3, 3, 1, 16]), 1 / 3), b = tf.mul(tf.randomNormal([16]), 0.01);
      const f = (xx: T, ww: T, bb: T) => tf.sum(tf.add(tf.conv2d(xx as TF.Tensor4D, ww as TF.Tensor4D, 1, 'valid'), bb));
      const g = tf.grads(f);
      return () => tf.tidy(() => { for (const t of g([x, w, b])) t.dataSync(); });
    },
    transformer: () => {
      const B = 8, T = 64, d = 128, H = 4, F = 512, hd = d / H, s = 1 / Math.sqrt(d);
      const x = tf.randomNormal([B, T, d]);
      const p: T[] = [param([d, 3 * d], s), param([3 * d], 0.01), param([d, d], s), param([d], 0.01), param([d, F], s), param([F], 0.01),
        param([F, d], 1 / Math.sqrt(F)), param([d], 0.01), tf.ones([d]), tf.zeros([d]), tf.ones([d]), tf.zeros([d])];
      const f = (...a: T[]) => {
        const [xx, wqkv, bqkv, wo, bo, w1, b1, w2, b2, g1, be1, g2, be2] = a as [T, T, T, T, T, T, T, T, T, T, T, T, T];
        const qkv = tf.add(mm(tf.reshape(layerNorm(xx, g1, be1), [B * T, d]), wqkv), bqkv);
        const heads = (i: number) => tf.transpose(tf.reshape(tf.slice(qkv, [0, i * d], [B * T, d]), [B, T, H, hd]), [0, 2, 1, 3]);
        const [q, k, v] = [heads(0), heads(1), heads(2)];
        const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)));
        const o = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * T, d]);
        const x1 = tf.add(xx, tf.reshape(tf.add(mm(o, wo), bo), [B, T, d]));
        const h = gelu(tf.add(mm(tf.reshape(layerNorm(x1, g2, be2), [B * T, d]), w1), b1));
        return tf.sum(tf.add(x1, tf.reshape(tf.add(mm(h, w2), b2), [B, T, d])));
      };
      const g = tf.grads(f);
      return () => tf.tidy(() => { for (const t of g([x, ...p])) t.dataSync(); });
    },
  };
}
