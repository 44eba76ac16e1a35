// #/catalog/<product>: one product as the cluster holds it (GET /v1/products/{id}) and
// "why is it (not) recommended?": a recommendation for a shopper and placement (k 50)
// and its trace (GET /v1/recommendations/{id}/trace) say whether it was shown, removed
// and by what, or never among the candidates scored.

import { get, post, segment } from "../api.js";
import { contributionBars } from "../bars.js";
import { alert, describeError, fill, h, number, score, select } from "../dom.js";
import { PLACEMENTS, placementLabel } from "../shop.js";
import { removedWords } from "./trace.js";

export const name = "product";

export async function render(context) {
  const { root, argument: id, signal } = context;
  const factsBox = h("div", { id: "product-facts" }, h("p", {}, "Loading the product…"));
  const shopper = h("input", { id: "why-shopper", class: "form-control", autocomplete: "off", spellcheck: "false" });
  const placement = select("why-placement", PLACEMENTS.map((value) => [value, placementLabel(value)]), "product_similar");
  const pageProduct = h("input", { id: "why-context", class: "form-control", value: id, autocomplete: "off", spellcheck: "false" });
  const result = h("div", { id: "why-result", "aria-live": "polite" });
  const form = h("form", { id: "why-form", class: "row g-2 align-items-end", novalidate: true },
    h("div", { class: "col-md-3" }, h("label", { for: "why-shopper", class: "form-label" }, "Shopper id"), shopper),
    h("div", { class: "col-md-3" }, h("label", { for: "why-placement", class: "form-label" }, "Placement"), placement),
    h("div", { class: "col-md-3" }, h("label", { for: "why-context", class: "form-label" }, "Product on the page (product similar)"), pageProduct),
    h("div", { class: "col-md-3" }, h("button", { id: "why-check", type: "submit", class: "btn btn-primary" }, "Check")));
  fill(root,
    h("p", {}, h("a", { href: "#/catalog" }, "← Catalog")),
    h("h1", {}, `Product ${id}`), factsBox,
    h("section", { class: "mt-3", "aria-labelledby": "why-title" },
      h("h2", { id: "why-title", class: "h4" }, "Why is it (not) recommended?"),
      h("p", { class: "small" }, "Asks for the shopper's 50 best products on the placement, as a storefront would (no impression is recorded), and reads that answer's trace."),
      form, result));

  let status = null; // the product as the cluster holds it; null when it has none
  let problem = "";
  try {
    status = await get(`/v1/products/${segment(id)}`, { signal });
    fill(factsBox, factsView(status));
  } catch (error) {
    if (error.name === "AbortError") throw error;
    problem = error.status === 404 ? "The cluster holds no such product: it was deleted, or never added." : `The product could not be read: ${describeError(error)}`;
    fill(factsBox, alert(error.status === 404 ? "warning" : "danger", problem));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const user = shopper.value.trim();
    if (!user) { fill(result, alert("warning", "Type a shopper id.")); shopper.focus(); return; }
    fill(result, h("p", {}, "Asking…"));
    try {
      fill(result, await why(context, id, user, placement.value, pageProduct.value.trim(), status, problem));
    } catch (error) {
      if (error.name !== "AbortError") fill(result, alert("danger", describeError(error)));
    }
  });
  context.ready(name);
}

function factsView(status) {
  const product = status.product || {};
  const facts = [
    ["Title", product.title],
    ["Category", (product.categoryPath || []).join(" > ")],
    ["Brand", product.brand],
    ["Price", number(product.price)],
    ["Cost", product.cost === undefined ? "—" : number(product.cost)],
    ["Rating", product.rating === undefined ? "—" : number(product.rating)],
    ["Stock", status.stock === undefined ? "unknown (counts as in stock)" : status.stock <= 0 ? `out of stock (${status.stock})` : number(status.stock)],
    ["Tags", (product.tags || []).join(", ") || "—"],
    ["Attributes", Object.entries(product.attributes || {}).map(([key, value]) => `${key}: ${value}`).join(", ") || "—"],
    ["Partition", `${status.partition}, held by ${(status.replicas || []).join(", ")}`],
    ["Popularity, trend", `${number(status.popularity)}, ${number(status.trend)}`],
    ["Version", `${product.version ?? "—"}${status.stockVersion !== undefined ? ` (stock version ${status.stockVersion})` : ""}`],
  ];
  return h("div", { class: "row" },
    h("dl", { class: "row col-md-9" }, facts.flatMap(([term, value]) => [h("dt", { class: "col-sm-3" }, term), h("dd", { class: "col-sm-9" }, value ?? "—")])),
    h("div", { class: "col-md-3" },
      product.imageURL ? h("img", { src: product.imageURL, alt: product.title || "", class: "product-image" }) : null,
      product.url ? h("p", {}, h("a", { href: product.url, rel: "noreferrer noopener", target: "_blank" }, "The product's page (new tab)")) : null));
}

/** Asks the recommendation and its trace; says what became of `id`. */
async function why(context, id, user, placement, pageProduct, status, problem) {
  const request = { user, placement, k: 50, context: {} };
  if (placement === "product_similar") request.context.product = pageProduct || id;
  if (placement === "search_rerank") request.context.candidates = [id];
  const answer = await post("/v1/recommendations", request, { signal: context.signal });
  const ownFacts = [];
  if (problem) ownFacts.push(problem);
  if (status && status.stock !== undefined && status.stock <= 0) ownFacts.push("It is out of stock: recommendations leave out products without stock.");
  const facts = ownFacts.length ? alert("warning", ownFacts.join(" ")) : null;
  const traceLink = h("a", { href: `#/trace/${encodeURIComponent(answer.recommendationId)}`, dataset: { trace: answer.recommendationId } }, "the full trace");
  const item = answer.items.find((candidate) => candidate.product === id);

  let trace = null;
  let traceProblem = "";
  try {
    trace = await get(`/v1/recommendations/${segment(answer.recommendationId)}/trace`, { signal: context.signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    traceProblem = describeError(error);
  }
  const shown = trace?.shown.find((candidate) => candidate.product === id) || item;
  if (shown) {
    const origin = trace?.shown.find((candidate) => candidate.product === id)?.origin;
    return h("div", { dataset: { outcome: "shown" } },
      h("p", {}, h("strong", {}, `Shown at position ${shown.position}`), ` of ${answer.items.length}, score ${score(shown.score)}`,
        origin ? `, came from ${originWords(origin)}` : "", ". See ", traceLink, "."),
      contributionBars(shown.signals), facts);
  }
  const removed = trace?.removed.find((candidate) => candidate.product === id);
  if (removed) {
    return h("div", { dataset: { outcome: "removed", removedBy: removed.removedBy } },
      h("p", {}, h("strong", {}, `Considered and removed: ${removedWords(removed.removedBy)}`), removed.detail ? ` (${removed.detail})` : "",
        `, score ${score(removed.score)}. See `, traceLink, "."),
      contributionBars(removed.signals), facts);
  }
  const omitted = trace?.removedOmitted ? ` (the trace lists the ${trace.removed.length} best removed candidates and leaves ${trace.removedOmitted} more out)` : "";
  return h("div", { dataset: { outcome: trace ? "not-scored" : "unknown" } },
    h("p", {}, h("strong", {}, trace ? "Not among the candidates scored" : "Not shown"), trace ? omitted : ` (the trace could not be read: ${traceProblem})`,
      `. The answer showed ${answer.items.length} products; see `, traceLink, "."), facts);
}

/** A shown product's origin in words. */
export function originWords(origin) {
  const words = {
    cooccurrence: "co-occurrence", popularity: "its partition's most popular", trending: "trending", margin: "highest margin",
    stock: "most overstocked", category: "a category the shopper likes", attributes: "attributes the shopper likes",
    catalog: "a whole-partition scan", candidates: "the request's candidates", discovery: "a discovery slot", unknown: "an unknown source",
  }[origin.source] || origin.source;
  const details = [];
  if (origin.seeds?.length) details.push(`with ${origin.seeds.join(", ")}`);
  if (origin.attributes?.length) details.push(`(${origin.attributes.join(", ")})`);
  return [words, ...details].join(" ");
}
