// #/trace/<recommendationId>: the decision trace of one recommendation
// (GET /v1/recommendations/{id}/trace): what was asked, what was shown and where each
// item came from, and the best candidates removed, with why.

import { get, segment } from "../api.js";
import { contributionBars, largestContribution } from "../bars.js";
import { alert, describeError, fill, h, number, score, table, time } from "../dom.js";
import { SIGNALS, placementLabel, signalLabel } from "../shop.js";

export const name = "trace";

/** A removal reason in words. */
export function removedWords(reason) {
  return {
    out_of_stock: "out of stock", already_bought: "already bought", filter: "a filter or exclusion", category_cap: "its category had its share",
    mix: "its place went to a trending or discovery product", rule: "a placement rule moved it back", below_k: "ranked below k",
  }[reason] || reason;
}

export async function render(context) {
  const { root, argument: id, signal } = context;
  fill(root, h("h1", {}, "Recommendation trace"), h("p", { class: "small text-break" }, id || "no id"));
  if (!id) {
    root.append(h("p", {}, "Open a trace from a recommendation's Trace link (the shopper page, a product's check)."));
    context.ready(name);
    return;
  }
  let trace;
  try {
    trace = await get(`/v1/recommendations/${segment(id)}/trace`, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    root.append(error.status === 404
      ? alert("warning", h("p", { class: "mb-1" }, "No trace of this recommendation here."),
        h("p", { class: "mb-0", id: "trace-missing" }, `Traces are kept in memory for a limited time, by the gateway that answered the recommendation only (and lost when it restarts): ask that gateway, or make the recommendation again. The gateway says: ${error.problem}`))
      : alert("danger", describeError(error)));
    context.ready(name);
    return;
  }
  const experiment = trace.experiment ? `experiment ${trace.experiment}, variant ${trace.variant}` : "no experiment";
  const coverage = trace.coverage ? (trace.coverage.degraded ? `degraded: ${trace.coverage.answered} of ${trace.coverage.partitions} partitions` : `all ${trace.coverage.partitions} partitions`) : "";
  const scale = largestContribution([...trace.shown, ...trace.removed]);
  root.append(
    h("dl", { class: "row", id: "trace-request" },
      ...[
        ["When", `${time(trace.at)} (kept by gateway ${trace.gateway})`],
        ["Shopper", h("a", { href: `#/shopper/${encodeURIComponent(trace.shopper)}` }, trace.shopper)],
        ["Placement", placementLabel(trace.placement)],
        ["Strategy", `${trace.strategy}, k ${trace.k}, mix ${trace.mix ? "on" : "off"}; ${experiment}`],
        ["Coverage", coverage],
        ["Weights", SIGNALS.map((signal) => `${signalLabel(signal)} ${number(trace.weights?.[signal])}`).join(" · ")],
      ].flatMap(([term, value]) => [h("dt", { class: "col-sm-2" }, term), h("dd", { class: "col-sm-10" }, value)])),
    h("section", { "aria-labelledby": "shown-title" },
      h("h2", { id: "shown-title", class: "h4" }, `Shown (${trace.shown.length})`),
      table(null, ["Position", "Product", "Score", "Contributions", "Came from"],
        trace.shown.map((item) => ({
          dataset: { product: item.product },
          cells: [{ th: String(item.position) }, productCell(item), score(item.score), contributionBars(item.signals, scale), originCell(item.origin)],
        })), { id: "trace-shown" })),
    h("section", { "aria-labelledby": "removed-title", class: "mt-3" },
      h("h2", { id: "removed-title", class: "h4" }, `Considered and not shown (${trace.removed.length}${trace.removedOmitted ? ` of ${trace.removed.length + trace.removedOmitted}` : ""})`),
      table(null, ["Product", "Score", "Removed by", "Contributions"],
        trace.removed.map((item) => ({
          dataset: { product: item.product, removedBy: item.removedBy },
          cells: [{ th: productCell(item) }, score(item.score), h("span", {}, h("code", {}, item.removedBy), ` — ${item.detail || removedWords(item.removedBy)}`), contributionBars(item.signals, scale)],
        })), { id: "trace-removed" }),
      trace.removed.length ? null : h("p", {}, "None: every candidate scored was shown.")));
  context.ready(name);
}

function productCell(item) {
  return h("span", {}, h("a", { href: `#/catalog/${encodeURIComponent(item.product)}` }, item.title || item.product), " ",
    h("span", { class: "small text-body-secondary" }, item.product));
}

function originCell(origin) {
  if (!origin) return "–";
  return h("span", {}, h("strong", {}, origin.source),
    origin.seeds?.length ? h("div", { class: "small" }, "seeds: ", origin.seeds.flatMap((seed, index) => [index ? ", " : "", h("a", { href: `#/catalog/${encodeURIComponent(seed)}` }, seed)])) : null,
    origin.attributes?.length ? h("div", { class: "small" }, `attributes: ${origin.attributes.join(", ")}`) : null);
}
