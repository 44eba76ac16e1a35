// The shop's vocabulary as the API spells it (docs/api.md).

export const PLACEMENTS = ["home_for_you", "product_similar", "cart_addons", "checkout_offer", "post_order_email", "search_rerank"];
export const STRATEGIES = ["conversion", "margin", "stock"];
export const SIGNALS = ["collaborative", "content", "popularity", "trending", "inventory", "margin", "stockPressure"];
export const OBJECTIVES = ["clicks", "conversions", "revenue", "margin"];
export const CONTROLS = ["popularity", "holdout"];

/** Placements whose answer depends on the page's product or the cart. */
export const NEEDS_PRODUCT = new Set(["product_similar"]);
export const NEEDS_CART = new Set(["cart_addons", "checkout_offer"]);

/** A signal's name for people. */
export const signalLabel = (signal) => ({
  collaborative: "Collaborative", content: "Content", popularity: "Popularity", trending: "Trending",
  inventory: "Inventory", margin: "Margin", stockPressure: "Stock pressure",
}[signal] || signal);

/** A placement's name for people: home_for_you → "home for you". */
export const placementLabel = (placement) => placement.replaceAll("_", " ");

/**
 * The `context` a recommendation for `placement` needs from what the shopper did (their
 * last viewed product, their cart, their last search and its results), or
 * `{missing}` saying what the shopper has not done yet.
 */
export function contextFor(placement, situation) {
  const context = {};
  if (placement === "product_similar") {
    if (!situation.lastProduct) return { missing: "needs a product the shopper viewed; they viewed none" };
    context.product = situation.lastProduct;
  }
  if (NEEDS_CART.has(placement) && situation.cart.length) context.cart = situation.cart.slice(0, 100);
  if (placement === "search_rerank") {
    const candidates = situation.lastResults.length ? situation.lastResults : situation.viewed;
    if (!candidates.length) return { missing: "needs search results to re-rank; the shopper searched and viewed nothing" };
    context.candidates = candidates.slice(0, 1000);
    if (situation.lastQuery) context.query = situation.lastQuery;
  }
  return { context };
}

/**
 * What a shopper's exported events say of their situation: the last product viewed,
 * the cart (added, not removed or bought), the last search's query and results, and
 * the products viewed, newest first.
 */
export function situationOf(events) {
  const ordered = [...events].sort((a, b) => String(a.at).localeCompare(String(b.at)));
  let lastProduct;
  let lastQuery;
  let lastResults = [];
  const cart = new Map();
  const viewed = new Map();
  for (const event of ordered) {
    const products = event.products || (event.product ? [event.product] : []);
    if (event.type === "view" && products.length) {
      lastProduct = products[products.length - 1];
      for (const product of products) { viewed.delete(product); viewed.set(product, true); }
    }
    if (event.type === "search" && event.query) { lastQuery = event.query; lastResults = products; }
    if (event.type === "add_to_cart") for (const product of products) cart.set(product, true);
    if (event.type === "remove_from_cart" || event.type === "purchase") for (const product of products) cart.delete(product);
  }
  return { lastProduct, lastQuery, lastResults, cart: [...cart.keys()], viewed: [...viewed.keys()].reverse() };
}
