// Signal contributions as small horizontal bars (widths set from JS: the CSP allows no style attributes).

import { h, score } from "./dom.js";
import { SIGNALS, signalLabel } from "./shop.js";

/**
 * The contributions `signals` ({signal: contribution}) as bars scaled to `scale`
 * (the largest absolute contribution of the list, so lists compare).
 */
export function contributionBars(signals, scale) {
  const entries = SIGNALS.map((signal) => [signal, (signals || {})[signal] || 0]).filter(([, value]) => value !== 0);
  const largest = scale || Math.max(1e-9, ...entries.map(([, value]) => Math.abs(value)));
  const grid = h("div", { class: "contributions" });
  for (const [signal, value] of entries) {
    const bar = h("div", { class: value < 0 ? "bar negative" : "bar" });
    bar.style.width = `${Math.min(100, (Math.abs(value) / largest) * 100).toFixed(1)}%`;
    grid.append(
      h("span", { dataset: { signal } }, signalLabel(signal)),
      h("div", { class: "bar-track", "aria-hidden": "true" }, bar),
      h("span", { class: "text-end" }, score(value)));
  }
  if (!entries.length) grid.append(h("span", {}, "no signal"));
  return grid;
}

/** The largest absolute contribution over `items` (each with `signals`). */
export function largestContribution(items) {
  let largest = 1e-9;
  for (const item of items) for (const value of Object.values(item.signals || {})) largest = Math.max(largest, Math.abs(value));
  return largest;
}
