/** Zero-copy arenas: the copying path's bits, in place, overlap rules, errors, disposal, threads. */
import { describe, expect, it } from "vitest";
import { createWasmArena, lastBackend, logSoftmax, logSumExp, setThreads, softmax, THREAD_MIN_ELEMENTS } from "../../src/index.js";
import { arenaState } from "../../src/kernels/wasm/arena.js";
import { acrossCount, rowsExact } from "../../src/kernels/wasm/slices.js";
import { caught } from "../caught.js";
import { logits, ran, referenceRow, ulpError, useWasmBackend } from "./reference.js";

type Fn = (x: unknown, o?: unknown) => { data: Float32Array };
const FNS: [string, Fn][] = [
  ["softmax", softmax as unknown as Fn],
  ["logSoftmax", logSoftmax as unknown as Fn],
  ["logSumExp", logSumExp as unknown as Fn],
];
const I = Number.POSITIVE_INFINITY;

/** Bit patterns, so that -0 / NaN payloads and every last bit are compared. */
function bits(a: unknown): Uint32Array {
  expect(a).toBeInstanceOf(Float32Array);
  const f = a as Float32Array;
  return new Uint32Array(f.buffer, f.byteOffset, f.length).slice();
}

/** Logits with special rows: NaN inside, +Infinity, all -Infinity, and -Infinity entries among finite ones. */
function input(rows: number, n: number, seed: number): Float32Array {
  const x = logits(rows * n, seed);
  if (rows >= 4) {
    x[n + 3] = Number.NaN;
    x[2 * n + 1] = I;
    x.fill(-I, 3 * n, 4 * n);
  }
  x[0] = -I;
  return x;
}

useWasmBackend();

describe("createWasmArena", () => {
  // 3 × 40000: rows longer than the 32768 floats staged for an out buffer outside the arena (that case copies).
  const shapes: [number, number][] = [
    [37, 300],
    [2500, 16],
    [3, 40000],
    [1, 1000],
  ];

  it("input and out in the arena: the copying path's bits, for every op, precision and special row", async () => {
    const arena = await createWasmArena({ bytes: 1 << 20 });
    for (const [rows, n] of shapes) {
      for (const [name, f] of FNS) {
        for (const precision of ["exact", "fast"]) {
          arena.reset();
          const x = input(rows, n, rows * n);
          const copied = f({ data: x, shape: [rows, n] }, { precision }).data;
          const ax = arena.float32(rows * n);
          ax.set(x);
          const out = arena.float32(copied.length);
          const r = f({ data: ax, shape: [rows, n] }, { precision, out }).data;
          expect(r).toBe(out);
          // Fast softmax keeps its terms in the input's place: into another view it copies once inside the arena.
          expect(arenaState.zeroCopy, `${name} ${rows}×${n}`).toBe(!(name === "softmax" && precision === "fast"));
          expect(lastBackend()).toBe(ran(precision as "exact" | "fast"));
          expect(bits(r), `${name} ${precision} ${rows}×${n}`).toEqual(bits(copied));
          expect(bits(ax)).toEqual(bits(x)); // the input is left alone
        }
      }
    }
  });

  it("exact mode in the arena is correctly rounded against 40-digit decimal.js", async () => {
    const arena = await createWasmArena({ bytes: 64 * 1024 });
    const n = 500;
    const x = arena.float32(4 * n);
    x.set(logits(4 * n, 7, 20));
    const y = arena.float32(4 * n);
    const l = arena.float32(4 * n);
    softmax({ data: x, shape: [4, n] }, { out: y });
    logSoftmax({ data: x, shape: [4, n] }, { out: l });
    let worst = 0;
    for (let r = 0; r < 4; r++) {
      const ref = referenceRow(x.subarray(r * n, (r + 1) * n));
      for (let i = 0; i < n; i++) {
        worst = Math.max(worst, ulpError(y[r * n + i] as number, ref.softmax[i] as number), ulpError(l[r * n + i] as number, ref.logSoftmax[i] as number));
      }
    }
    expect(worst).toBeLessThanOrEqual(0.5);
  });

  it("only the input or only the out buffer in the arena: the same bits (one copy saved)", async () => {
    const arena = await createWasmArena({ bytes: 1 << 20 });
    for (const [rows, n] of shapes) {
      for (const [name, f] of FNS) {
        arena.reset();
        const x = input(rows, n, 3 * rows + n);
        const copied = f({ data: x, shape: [rows, n] }).data;
        const ax = arena.float32(rows * n);
        ax.set(x);
        const fromArena = f({ data: ax, shape: [rows, n] }).data;
        expect(bits(fromArena), `${name} ${rows}×${n} input in the arena`).toEqual(bits(copied));
        const out = arena.float32(copied.length);
        f({ data: x, shape: [rows, n] }, { out });
        expect(bits(out), `${name} ${rows}×${n} out in the arena`).toEqual(bits(copied));
        expect(bits(x)).toEqual(bits(ax));
      }
    }
  });

  it("in place in the arena (out is the input): the copying path's bits, special rows included", async () => {
    const arena = await createWasmArena({ bytes: 1 << 20 });
    for (const [rows, n] of shapes) {
      for (const [name, f] of FNS.slice(0, 2)) {
        for (const precision of ["exact", "fast"]) {
          arena.reset();
          const x = input(rows, n, rows + n);
          const copied = f({ data: x, shape: [rows, n] }, { precision }).data;
          const ax = arena.float32(rows * n);
          ax.set(x);
          f({ data: ax, shape: [rows, n] }, { precision, out: ax });
          expect(arenaState.zeroCopy).toBe(true);
          expect(bits(ax), `${name} ${precision} ${rows}×${n}`).toEqual(bits(copied));
        }
      }
    }
  });

  it("another axis, a mask, or a row longer than maxRow: the copying path, the same bits", async () => {
    const arena = await createWasmArena({ bytes: 1 << 20, maxRow: 100 });
    const x = input(40, 300, 5);
    const ax = arena.float32(x.length);
    ax.set(x);
    const where = Uint8Array.from({ length: x.length }, (_, i) => (i % 7 === 0 ? 0 : 1));
    for (const o of [{ axis: 0 }, { where: { data: where, shape: [40, 300] } }, {}]) {
      const copied = softmax({ data: x, shape: [40, 300] }, o).data;
      const out = arena.float32(x.length);
      softmax({ data: ax, shape: [40, 300] }, { ...o, out });
      expect(arenaState.zeroCopy).toBe(false);
      expect(lastBackend()).toBe(ran("exact"));
      expect(bits(out)).toEqual(bits(copied));
    }
    // maxRow does not limit logSoftmax (no float64 scratch): zero copy.
    const out = arena.float32(x.length);
    logSoftmax({ data: ax, shape: [40, 300] }, { out });
    expect(arenaState.zeroCopy).toBe(true);
    expect(bits(out)).toEqual(bits(logSoftmax({ data: x, shape: [40, 300] }).data));
  });

  it("exact rows under 16: the copying path's across-slices kernels (faster there), the same bits; from 16 on zero copy", async () => {
    const arena = await createWasmArena({ bytes: 1 << 20 });
    for (const n of [2, 3, 7, 15, 16]) {
      const rows = 403;
      const x = input(rows, n, n);
      const ax = arena.float32(x.length);
      ax.set(x);
      for (const [name, f] of FNS) {
        const copied = f({ data: x, shape: [rows, n] }).data;
        const out = arena.float32(name === "logSumExp" ? rows : x.length);
        // rows of 2 to 4: the copying path's own kernel for them (rows_exact), the others across slices
        const counter = () => (n <= 4 ? rowsExact.rows : acrossCount.exact);
        const before = counter();
        f({ data: ax, shape: [rows, n] }, { out });
        expect(arenaState.zeroCopy, `${name} n = ${n}`).toBe(n >= 16);
        expect(counter() > before, `${name} n = ${n}`).toBe(n < 16);
        expect(lastBackend()).toBe(ran("exact"));
        expect(bits(out), `${name} n = ${n}`).toEqual(bits(copied));
      }
      arena.reset();
    }
  });

  it("views of one arena that overlap without being the same range throw INVALID_OPTION", async () => {
    const arena = await createWasmArena({ bytes: 4096 });
    const all = arena.float32(512);
    all.set(logits(512, 3));
    const x = all.subarray(0, 256);
    const e = caught(() => softmax(x, { out: all.subarray(128, 384) }));
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toContain("options.out");
    expect(caught(() => logSoftmax(x, { out: all.subarray(1, 257) })).code).toBe("INVALID_OPTION");
    expect(caught(() => logSumExp({ data: x, shape: [2, 128] }, { out: all.subarray(100, 102) })).code).toBe("INVALID_OPTION");
    // disjoint views of one arena are fine
    const y = all.subarray(256, 512);
    softmax(x, { out: y });
    expect(arenaState.zeroCopy).toBe(true);
    expect(bits(y)).toEqual(bits(softmax(Float32Array.from(x))));
  });

  it("too large: typed errors naming the size, never a detached view", async () => {
    const arena = await createWasmArena({ bytes: 1000 });
    expect(arena.capacity).toBe(1008);
    const a = arena.float32(200);
    const e = caught(() => arena.float32(100));
    expect(e.code).toBe("INVALID_OPTION");
    expect(e.message).toContain("400 bytes");
    expect(e.message).toContain("208 of 1008 bytes left");
    expect(a.length).toBe(200); // the earlier view is intact: the memory never grows
    expect(arena.float32(52).length).toBe(52);
    const big = await createWasmArena({ bytes: 5 * 2 ** 30 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect((big as { code?: string }).code).toBe("INVALID_OPTION");
    expect(String((big as Error).message)).toContain(String(5 * 2 ** 30));
    const neg = await createWasmArena({ bytes: -1 }).catch((err: unknown) => err);
    expect((neg as { code?: string }).code).toBe("INVALID_OPTION");
    expect(caught(() => arena.float32(-3)).code).toBe("INVALID_OPTION");
  });

  it("after dispose: float32 throws, old views still give the right result through the copying path", async () => {
    const arena = await createWasmArena({ bytes: 1 << 16 });
    const x = arena.float32(1000);
    x.set(logits(1000, 11));
    const y = arena.float32(1000);
    softmax(x, { out: y });
    expect(arenaState.zeroCopy).toBe(true);
    arena.dispose();
    expect(arena.disposed).toBe(true);
    expect(arena.owns(x)).toBe(true);
    expect(caught(() => arena.float32(1)).code).toBe("INVALID_OPTION");
    const y2 = new Float32Array(1000);
    softmax(x, { out: y2 });
    expect(arenaState.zeroCopy).toBe(false);
    expect(lastBackend()).toBe(ran("exact"));
    expect(bits(y2)).toEqual(bits(y));
  });

  it("worker threads take large calls with copies (the arena is not their memory): the same bits", async () => {
    const rows = 64;
    const n = THREAD_MIN_ELEMENTS / rows;
    const arena = await createWasmArena({ bytes: 2 * rows * n * 4 });
    const x = arena.float32(rows * n);
    x.set(logits(rows * n, 21));
    const one = arena.float32(rows * n);
    softmax({ data: x, shape: [rows, n] }, { out: one });
    expect(arenaState.zeroCopy).toBe(true);
    expect(await setThreads(2)).toBe(2);
    const two = softmax({ data: x, shape: [rows, n] }).data;
    expect(lastBackend()).toBe(`${ran("exact")}×2`);
    expect(arenaState.zeroCopy).toBe(false);
    expect(bits(two)).toEqual(bits(one));
    // Below THREAD_MIN_ELEMENTS the arena path runs on this thread.
    const small = x.subarray(0, 1000);
    const out = one.subarray(0, 1000);
    softmax(small, { out });
    expect(arenaState.zeroCopy).toBe(true);
    expect(lastBackend()).toBe(ran("exact"));
    await setThreads(1);
  });
});
