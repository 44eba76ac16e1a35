// #/catalog: search the catalog (GET /v1/products, GET /v1/categories);
// #/catalog/<product> is one product (product.js).

import { get, withQuery } from "../api.js";
import { alert, describeError, fill, h, number, select, table } from "../dom.js";

export const name = "catalog";

/** Products per page of results. */
const LIMIT = 20;

export async function render(context) {
  if (context.argument) {
    const detail = await import("./product.js");
    return detail.render(context);
  }
  const { root, signal } = context;
  const q = h("input", { id: "catalog-q", type: "search", class: "form-control", autocomplete: "off" });
  const category = select("catalog-category", [["", "any category"]], "");
  const stock = select("catalog-stock", [["", "any"], ["true", "in stock"], ["false", "out of stock"]], "");
  const results = h("div", { id: "catalog-results", "aria-live": "polite" }, h("p", {}, "Loading the most popular products…"));
  const form = h("form", { id: "catalog-form", class: "row g-2 align-items-end mb-3", role: "search", novalidate: true },
    h("div", { class: "col-md-4" }, h("label", { for: "catalog-q", class: "form-label" }, "Words in the id, title or brand"), q),
    h("div", { class: "col-md-4" }, h("label", { for: "catalog-category", class: "form-label" }, "Category"), category),
    h("div", { class: "col-md-2" }, h("label", { for: "catalog-stock", class: "form-label" }, "Stock"), stock),
    h("div", { class: "col-md-2" }, h("button", { id: "catalog-search", type: "submit", class: "btn btn-primary" }, "Search")));
  fill(root, h("h1", {}, "Catalog"), form, results);

  const search = async () => {
    const answer = await get(withQuery("/v1/products", { q: q.value.trim(), category: category.value, inStock: stock.value, limit: LIMIT }), { signal });
    fill(results, resultsView(answer));
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    fill(results, h("p", {}, "Searching…"));
    try { await search(); } catch (error) { if (error.name !== "AbortError") fill(results, alert("danger", describeError(error))); }
  });

  // The category list and the first page (the most popular products) at once.
  const categories = get("/v1/categories", { signal }).then((answer) => {
    for (const entry of answer.categories || []) category.append(h("option", { value: entry.path }, `${entry.path} (${entry.products})`));
  }).catch((error) => { if (error.name === "AbortError") throw error; category.title = `categories not available: ${describeError(error)}`; });
  const first = search().catch((error) => { if (error.name === "AbortError") throw error; fill(results, alert("danger", describeError(error))); });
  await Promise.all([categories, first]);
  context.ready(name);
}

function resultsView(answer) {
  const products = answer.products || [];
  if (!products.length) return h("p", {}, "No product matches.");
  return [
    h("p", { class: "small" }, `${number(answer.total)} products match; the ${products.length} most popular:`),
    table(null, ["Product", "Title", "Category", "Brand", "Price", "Stock", "Popularity", "Trend"],
      products.map((product) => ({
        dataset: { product: product.id },
        cells: [{ th: h("a", { href: `#/catalog/${encodeURIComponent(product.id)}` }, product.id) },
          h("span", {}, product.imageURL ? h("img", { src: product.imageURL, alt: "", class: "me-1", width: "32", height: "32", loading: "lazy" }) : null, product.title),
          product.category, product.brand || "", number(product.price),
          product.stock === undefined ? "unknown" : product.stock <= 0 ? "out of stock" : number(product.stock),
          number(product.popularity), number(product.trend)],
      })), { id: "catalog-table" }),
  ];
}
