import { gpuEnv } from "./test/webgpu/gpu.ts";
import { compare, logits, reference } from "./test/webgpu/ref.ts";
import { softmaxArray, logSoftmaxArray, logSumExpArray } from "./src/webgpu/index.ts";
import { planFor } from "./src/webgpu/plan.ts";
import { capsOf } from "./src/webgpu/context.ts";
import { layoutOf } from "./src/tensor/layout.ts";
const env = await gpuEnv();
const cases: [number[], number][] = [[[37, 3], -1], [[50, 5], -1], [[64, 8], -1], [[16, 256], -1], [[8, 1000], -1], [[4, 999], -1], [[4, 8000], -1], [[3, 5001], -1], [[256, 16388], -1], [[4, 50000], -1], [[3, 9001], -1], [[3, 5, 7], 0], [[3, 5, 7], 1], [[2, 300, 3], 1]];
for (const [name, dev] of [["sg", env.device!], ["plain", env.plain!]] as const) {
  for (const [shape, axis] of cases) {
    const count = shape.reduce((a, b) => a * b, 1);
    const x = logits(count, 30, count);
    const l = layoutOf(shape, axis < 0 ? shape.length + axis : axis);
    const cls = planFor("softmax", l.outer, l.n, l.inner, capsOf(dev)).cls;
    const t0 = Date.now();
    const s = await softmaxArray(dev, { data: x, shape }, { axis });
    const ls = await logSoftmaxArray(dev, { data: x, shape }, { axis });
    const lse = await logSumExpArray(dev, { data: x, shape }, { axis });
    const ms = Date.now() - t0;
    const rs = reference("softmax", x, shape, axis), rl = reference("logSoftmax", x, shape, axis), re = reference("logSumExp", x, shape, axis);
    const c1 = compare(s.data, rs), c2 = compare(ls.data, rl), c2b = compare(ls.data, rl, (r) => Math.max(Math.abs(r), 1)), c3 = compare(lse.data, re);
    console.log(name, JSON.stringify(shape), axis, cls, ms + "ms", "sm", c1.maxUlp.toFixed(2), "ls", c2.maxUlp.toFixed(2), c2b.maxUlp.toFixed(2), "lse", c3.maxUlp.toFixed(2), c1.specialMismatches.length + c2.specialMismatches.length + c3.specialMismatches.length, c1.worst);
  }
}
env.device!.destroy(); env.plain!.destroy();
