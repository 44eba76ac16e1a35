// A recommendation answer as the console shows it: each item with its title, score,
// reason and signal contributions, and what the answer was made under.

import { contributionBars, largestContribution } from "./bars.js";
import { h, number, score } from "./dom.js";

/** What an answer was made under: strategy, experiment and variant, coverage, trace link. */
export function answerMeta(answer) {
  const parts = [`strategy ${answer.strategy || "default"}`];
  if (answer.experiment) parts.push(`experiment ${answer.experiment}, variant ${answer.variant}`);
  const coverage = answer.coverage;
  if (coverage) parts.push(coverage.degraded ? `degraded: ${coverage.answered} of ${coverage.partitions} partitions` : `${coverage.partitions} partitions`);
  if (answer.tookMs !== undefined) parts.push(`${number(answer.tookMs)} ms`);
  return h("p", { class: "small text-body-secondary mb-1" },
    parts.join(" · "), " · ",
    h("a", { href: `#/trace/${encodeURIComponent(answer.recommendationId)}`, dataset: { trace: answer.recommendationId } }, "Trace"));
}

/**
 * The answer's items as a list of li[data-product]. `previous` (optional: the items
 * of another answer) marks what moved: data-moved = new / up / down.
 */
export function itemList(items, previous) {
  if (!items.length) return h("p", { class: "mb-0" }, "No products (an empty answer).");
  const scale = largestContribution(items);
  const before = previous ? new Map(previous.map((item) => [item.product, item.position])) : null;
  return h("ol", { class: "items" }, items.map((item) => {
    let moved;
    let badge;
    if (before) {
      const earlier = before.get(item.product);
      if (earlier === undefined) { moved = "new"; badge = "new"; }
      else if (earlier > item.position) { moved = "up"; badge = `↑ ${earlier - item.position} (was ${earlier})`; }
      else if (earlier < item.position) { moved = "down"; badge = `↓ ${item.position - earlier} (was ${earlier})`; }
    }
    return h("li", { dataset: { product: item.product, position: String(item.position), ...(moved ? { moved } : {}) }, class: moved === "new" ? "new-item" : moved ? "moved" : undefined },
      h("div", {},
        h("strong", {}, `${item.position}. `),
        h("a", { href: `#/catalog/${encodeURIComponent(item.product)}` }, item.title || item.product),
        " ", h("span", { class: "text-body-secondary small" }, item.product),
        " ", h("span", { class: "badge text-bg-secondary", title: "score" }, `score ${score(item.score)}`),
        badge ? h("span", { class: "badge text-bg-warning ms-1 badge-moved" }, badge) : null),
      h("div", { class: "reason" }, item.reason || ""),
      contributionBars(item.signals, scale));
  }));
}

/** Products of `previous` missing from `items`, as a short line. */
export function droppedLine(items, previous) {
  const now = new Set(items.map((item) => item.product));
  const dropped = previous.filter((item) => !now.has(item.product));
  if (!dropped.length) return null;
  return h("p", { class: "small mb-0", dataset: { dropped: dropped.map((item) => item.product).join(" ") } },
    "No longer shown: ", dropped.map((item) => `${item.title || item.product} (was ${item.position})`).join(", "));
}
