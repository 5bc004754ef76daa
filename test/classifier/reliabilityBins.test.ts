import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binOf } from "../../src/classifier/reliabilityBins.js";
import { expectedCalibrationError, reliabilityBins, reliabilityDiagramSvg, SoftmaxError } from "../../src/index.js";

describe("reliabilityBins and expectedCalibrationError: hand-computed cases", () => {
  // Rows: conf .9 right, conf .9 wrong, conf .6 right, conf .6 (class 1) wrong.
  const p = [
    [0.9, 0.1],
    [0.9, 0.1],
    [0.6, 0.4],
    [0.4, 0.6],
  ];
  const y = [0, 1, 0, 0];

  it("bins (0.8, 0.9] and (0.5, 0.6]: ECE = ½·|½ − 0.9| + ½·|½ − 0.6| = 0.25, MCE = 0.4", () => {
    const r = reliabilityBins(p, y, { bins: 10 });
    expect(r.count).toBe(4);
    expect(r.bins).toHaveLength(10);
    expect(r.bins[8]).toEqual({ lower: 0.8, upper: 0.9, count: 2, confidence: 0.9, accuracy: 0.5 });
    expect(r.bins[5]).toEqual({ lower: 0.5, upper: 0.6, count: 2, confidence: 0.6, accuracy: 0.5 });
    expect(r.bins.filter((b) => b.count === 0)).toHaveLength(8);
    expect(Number.isNaN(r.bins[0]?.confidence)).toBe(true);
    // 0.5·0.4 + 0.5·0.1 with the float64 gaps |0.5 − 0.9| and |0.5 − 0.6|
    expect(Math.abs(r.ece - 0.25)).toBeLessThanOrEqual(2 * Number.EPSILON * 0.25);
    expect(Math.abs(r.mce - 0.4)).toBeLessThanOrEqual(Number.EPSILON * 0.4);
    expect(r.accuracy).toBe(0.5);
    expect(r.confidence).toBe(0.75);
    expect(expectedCalibrationError(p, y, { bins: 10 })).toBe(r.ece);
  });

  it("perfect calibration in a bin gives 0: four rows at confidence 0.75, three right", () => {
    const q = [
      [0.75, 0.25],
      [0.75, 0.25],
      [0.75, 0.25],
      [0.25, 0.75],
    ];
    const r = reliabilityBins(q, [0, 0, 0, 1], { bins: 4 });
    expect(r.bins[2]).toEqual({ lower: 0.5, upper: 0.75, count: 4, confidence: 0.75, accuracy: 1 });
    const s = reliabilityBins(q, [0, 0, 1, 0], { bins: 4 });
    expect(s.bins[2]?.accuracy).toBe(0.5);
    expect(s.ece).toBe(0.25);
    expect(reliabilityBins(q, [0, 0, 0, 0], { bins: 4 }).ece).toBe(0);
  });

  it("one bin: ECE is |accuracy − mean confidence|", () => {
    expect(reliabilityBins(p, y, { bins: 1 }).ece).toBe(0.25);
  });

  it("edges: a confidence exactly at i/B goes to the lower bin, whatever c·B rounds to", () => {
    expect(binOf(0.3, 10)).toBe(2); // 0.3·10 = 3.0000000000000004
    expect(binOf(0.7, 10)).toBe(6);
    expect(binOf(0, 10)).toBe(0);
    expect(binOf(1, 10)).toBe(9);
    expect(binOf(1 / 3, 3)).toBe(0);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 50 }), (c, b) => {
        const i = binOf(c, b);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(i).toBeLessThan(b);
        if (i > 0) expect(c).toBeGreaterThan(i / b);
        expect(c).toBeLessThanOrEqual((i + 1) / b);
      }),
    );
  });

  it("ties in a row count as a prediction of the first class", () => {
    const r = reliabilityBins([[0.5, 0.5]], [1], { bins: 2 });
    expect(r.accuracy).toBe(0);
  });

  it("no rows: empty bins, ECE 0", () => {
    const r = reliabilityBins({ data: new Float64Array(0), shape: [0, 3] }, [], { bins: 5 });
    expect(r.ece).toBe(0);
    expect(r.mce).toBe(0);
    expect(Number.isNaN(r.accuracy)).toBe(true);
  });

  it("ECE is in [0, 1] and ≥ |accuracy − confidence| for random inputs (the triangle inequality)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 1 })), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 20 }),
        (rows, b) => {
          const q = rows.map(([a]) => [a, 1 - a]);
          const r = reliabilityBins(
            q,
            rows.map(([, l]) => l),
            { bins: b },
          );
          expect(r.ece).toBeGreaterThanOrEqual(Math.abs(r.accuracy - r.confidence) - 1e-12);
          expect(r.ece).toBeLessThanOrEqual(r.mce + 1e-12);
          expect(r.bins.reduce((s, x) => s + x.count, 0)).toBe(rows.length);
        },
      ),
    );
  });

  it("refuses probabilities outside [0, 1], bad labels and bad options", () => {
    expect(() => reliabilityBins([[1.5, -0.5]], [0])).toThrow(/probabilities\[0\]\[0\]/);
    expect(() => reliabilityBins([[0.5, 0.5]], [2])).toThrow(SoftmaxError);
    expect(() => reliabilityBins([[0.5, 0.5]], [0], { bins: 0 })).toThrow(/options.bins/);
    expect(() => expectedCalibrationError([0.5, 0.5], [0])).toThrow(/2-D/);
  });
});

describe("reliabilityDiagramSvg", () => {
  const r = reliabilityBins(
    [
      [0.9, 0.1],
      [0.9, 0.1],
      [0.6, 0.4],
      [0.4, 0.6],
    ],
    [0, 1, 0, 0],
    { bins: 10 },
  );
  it("draws one bar per non-empty bin, a gap band, the diagonal and the ECE; escapes the title", () => {
    const svg = reliabilityDiagramSvg(r, { title: "a < b & c", width: 300, height: 300 });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("a &lt; b &amp; c");
    expect(svg).not.toContain("a < b");
    expect(svg.match(/<rect[^>]*fill="#4c78a8"/g)).toHaveLength(2);
    expect(svg.match(/<rect[^>]*fill="#e45756" fill-opacity/g)).toHaveLength(2);
    expect(svg.match(/<line[^>]*stroke="#222"/g)).toHaveLength(2);
    expect(svg).toContain("stroke-dasharray");
    expect(svg).toContain("ECE 0.2500");
    expect(svg).toContain('width="300"');
  });
  it("refuses a bad result or size", () => {
    expect(() => reliabilityDiagramSvg({} as never)).toThrow(SoftmaxError);
    expect(() => reliabilityDiagramSvg(r, { width: 10 })).toThrow(/options.width/);
  });
});
