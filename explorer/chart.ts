/** The sigmoid-versus-softmax plot: a small SVG line chart of two curves over z ∈ [−10, 10] with a movable marker. */
import { s } from "./dom.js";

const W = 640;
const H = 260;
const M = { left: 44, right: 16, top: 14, bottom: 34 };

export interface LineChart {
  svg: SVGSVGElement;
  /** Moves the marker to (z, y). */
  mark(z: number, y: number): void;
}

/** Draws y = a(z) (wide, light) and y = b(z) (thin, dashed, on top) so that coinciding curves read as one line with a dash inside it. */
export function lineChart(z: Float64Array, a: Float64Array, b: Float64Array, title: string, names: readonly [string, string]): LineChart {
  const lo = z[0] as number;
  const hi = z[z.length - 1] as number;
  const px = (v: number): number => M.left + ((v - lo) / (hi - lo)) * (W - M.left - M.right);
  const py = (v: number): number => H - M.bottom - v * (H - M.top - M.bottom);
  const path = (y: Float64Array): string => {
    let d = "";
    for (let i = 0; i < z.length; i++) d += `${i === 0 ? "M" : "L"}${px(z[i] as number).toFixed(2)},${py(y[i] as number).toFixed(2)}`;
    return d;
  };
  const grid = s("g", { class: "grid", "aria-hidden": "true" });
  for (const v of [-10, -5, 0, 5, 10]) {
    grid.append(s("line", { x1: px(v), x2: px(v), y1: py(0), y2: py(1) }));
    grid.append(s("text", { x: px(v), y: H - M.bottom + 18, "text-anchor": "middle" }, String(v)));
  }
  for (const v of [0, 0.5, 1]) {
    grid.append(s("line", { x1: px(lo), x2: px(hi), y1: py(v), y2: py(v) }));
    grid.append(s("text", { x: M.left - 8, y: py(v) + 4, "text-anchor": "end" }, String(v)));
  }
  grid.append(s("text", { x: W - M.right, y: H - 4, "text-anchor": "end", class: "axis-name" }, "z"));
  const marker = s("circle", { r: 6, class: "marker", cx: px(0), cy: py(0.5) });
  const guide = s("line", { class: "guide", x1: px(0), x2: px(0), y1: py(0), y2: py(1) });
  const legend = s(
    "g",
    { class: "legend", transform: `translate(${M.left + 12},${M.top + 8})` },
    s("line", { x1: 0, x2: 26, y1: 0, y2: 0, class: "curve-a" }),
    s("text", { x: 34, y: 4 }, names[0]),
    s("line", { x1: 0, x2: 26, y1: 22, y2: 22, class: "curve-b" }),
    s("text", { x: 34, y: 26 }, names[1]),
  );
  const svg = s(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title, class: "line-chart" },
    s("title", {}, title),
    grid,
    guide,
    s("path", { d: path(a), class: "curve-a" }),
    s("path", { d: path(b), class: "curve-b" }),
    marker,
    legend,
  );
  return {
    svg,
    mark(zz: number, y: number): void {
      marker.setAttribute("cx", String(px(zz)));
      marker.setAttribute("cy", String(py(y)));
      guide.setAttribute("x1", String(px(zz)));
      guide.setAttribute("x2", String(px(zz)));
    },
  };
}
