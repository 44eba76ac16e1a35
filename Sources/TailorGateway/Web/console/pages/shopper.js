// #/shopper/<id>: what the shop knows of one shopper (their events, segments and
// facts, the situation recommendations score against), what each placement would
// show them now, and a preview of an edited strategy side by side with the current
// one, which can be saved as the placement's.

import { get, post, segment } from "../api.js";
import { alert, describeError, field, fill, h, loading, number, score, select, table, time } from "../dom.js";
import { answerMeta, droppedLine, itemList } from "../recommendations.js";
import { PLACEMENTS, SIGNALS, STRATEGIES, contextFor, placementLabel, signalLabel, situationOf } from "../shop.js";
import { changedFields, overridesAfterEdit, saveStrategy, settingsOf } from "../strategy.js";

export const name = "shopper";

/** How many of the shopper's events the page lists, newest first. */
const EVENTS_SHOWN = 25;

export async function render(context) {
  const { root, argument: shopper, signal } = context;
  const input = h("input", { id: "shopper-id", class: "form-control", value: shopper, autocomplete: "off", spellcheck: "false", required: true });
  const form = h("form", { id: "shopper-form", class: "row g-2 align-items-end mb-3", novalidate: true },
    h("div", { class: "col-auto" }, h("label", { for: "shopper-id", class: "form-label" }, "Shopper id"), input),
    h("div", { class: "col-auto" }, h("button", { id: "shopper-find", type: "submit", class: "btn btn-primary" }, "Find")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = input.value.trim();
    if (id) location.hash = `#/shopper/${encodeURIComponent(id)}`;
  });
  fill(root, h("h1", {}, shopper ? `Shopper ${shopper}` : "Shopper"), form);
  if (!shopper) {
    root.append(h("p", {}, "Type a shopper id to see their events, segments, situation and what each placement shows them."));
    context.ready(name);
    return;
  }

  const eventsBox = h("div", { id: "shopper-events" }, loading("events"));
  const segmentsBox = h("div", { id: "shopper-segments" }, loading("segments"));
  const situationBox = h("div", { id: "shopper-situation" }, loading("the situation"));
  const placementsBox = h("div", { class: "placements", id: "placements" },
    PLACEMENTS.map((placement) => h("section", { class: "placement-card", dataset: { placement, state: "loading" }, "aria-labelledby": `placement-${placement}` },
      h("h3", { class: "h6", id: `placement-${placement}` }, placementLabel(placement)), loading("recommendations"))));
  const previewBox = h("div", { id: "preview-area" }, loading("the strategies"));
  root.append(
    alert("info", "Previewing changes no metric: recommendations record impressions only when a storefront reports them, and this page reports none."),
    h("div", { class: "row" },
      h("section", { class: "col-lg-7", "aria-labelledby": "events-title" }, h("h2", { id: "events-title", class: "h4" }, "Recent events"), eventsBox),
      h("section", { class: "col-lg-5", "aria-labelledby": "segments-title" }, h("h2", { id: "segments-title", class: "h4" }, "Segments and facts"), segmentsBox)),
    h("section", { class: "mt-3", "aria-labelledby": "situation-title" },
      h("h2", { id: "situation-title", class: "h4" }, "Situation: what recommendations score against"), situationBox),
    h("section", { class: "mt-3", "aria-labelledby": "now-title" },
      h("h2", { id: "now-title", class: "h4" }, "What each placement shows them now"), placementsBox),
    h("section", { class: "mt-4", "aria-labelledby": "preview-title" },
      h("h2", { id: "preview-title", class: "h4" }, "Preview as this shopper"), previewBox));

  const id = segment(shopper);
  const failed = (box, what) => (error) => {
    if (error.name === "AbortError") throw error;
    fill(box, alert("danger", `The ${what} could not be read: ${describeError(error)}`));
    return undefined;
  };
  // Everything at once; each part renders when its answer is in. The placements that
  // need the shopper's last product or cart wait for the export.
  const exported = get(`/v1/users/${id}/export`, { signal }).then((answer) => { fill(eventsBox, eventsView(answer)); return answer; }, failed(eventsBox, "events"));
  const segments = get(`/v1/shoppers/${id}/segments`, { signal }).then((answer) => fill(segmentsBox, segmentsView(answer)), failed(segmentsBox, "segments"));
  const stored = get(`/v1/shoppers/${id}/situation`, { signal }).then((answer) => fill(situationBox, storedSituationView(answer)), failed(situationBox, "situation"));
  const strategies = get("/v1/strategies", { signal }).catch((error) => { if (error.name === "AbortError") throw error; return { error }; });
  const situation = exported.then((answer) => situationOf(answer?.events || []));
  const answers = PLACEMENTS.map(async (placement) => {
    const section = placementsBox.querySelector(`section[data-placement="${placement}"]`);
    const heading = section.querySelector("h3");
    const request = contextFor(placement, await situation);
    if (request.missing) {
      fill(section, heading, h("p", { class: "mb-0" }, `Not shown: ${placementLabel(placement)} ${request.missing}.`));
      section.dataset.state = "empty";
      return;
    }
    try {
      const answer = await post("/v1/recommendations", { user: shopper, placement, context: request.context }, { signal });
      fill(section, heading, answerMeta(answer), itemList(answer.items));
      section.dataset.state = "ready";
    } catch (error) {
      if (error.name === "AbortError") throw error;
      fill(section, heading, alert("danger", describeError(error)));
      section.dataset.state = "error";
    }
  });
  const [, , strategyList, shopperSituation] = await Promise.all([exported, segments, strategies, situation, stored, ...answers]);
  fill(previewBox, previewView(context, shopper, shopperSituation, strategyList));
  context.ready(name);
}

function eventsView(answer) {
  const events = [...(answer.events || [])].sort((a, b) => String(b.at).localeCompare(String(a.at))).slice(0, EVENTS_SHOWN);
  const summary = h("p", { class: "small" },
    `${answer.eventCount ?? events.length} events stored (partition ${answer.partition}, read from ${answer.replica}); `,
    `${(answer.purchased || []).length} products purchased`,
    answer.erasedAt ? `; erased at ${time(answer.erasedAt)}` : "",
    (answer.linkedAnonymousIds || []).length ? `; anonymous ids merged in: ${answer.linkedAnonymousIds.join(", ")}` : "");
  if (!events.length) return [summary, h("p", {}, "No events stored for this shopper.")];
  return [summary, table(`The ${events.length} most recent`, ["When", "Type", "Products", "Query", "Session"],
    events.map((event) => ({
      dataset: { event: event.id },
      cells: [time(event.at), event.type,
        h("span", {}, (event.products || []).flatMap((product, index) => [index ? ", " : "", h("a", { href: `#/catalog/${encodeURIComponent(product)}` }, product)])),
        event.query || "", event.session || ""],
    })))];
}

function segmentsView(answer) {
  const segments = answer.segments || [];
  return [
    segments.length
      ? h("ul", { id: "segment-list" }, segments.map((entry) => h("li", { dataset: { segment: entry.id } },
        h("strong", {}, entry.id), entry.description ? ` — ${entry.description}` : "",
        h("div", { class: "small" }, "because ", Object.entries(entry.why || {}).map(([fact, value]) => `${fact} = ${JSON.stringify(value)}`).join(", ")))))
      : h("p", {}, "In no segment."),
    answer.complete === false ? alert("warning", `The facts are incomplete: ${(answer.reasons || []).join("; ")}`) : null,
    table("Facts", ["Fact", "Value"], Object.entries(answer.facts || {}).sort(([a], [b]) => a.localeCompare(b))
      .map(([fact, value]) => ({ dataset: { fact }, cells: [{ th: fact }, Array.isArray(value) ? value.join(", ") : String(value)] }))),
  ];
}

/**
 * The situation as the shopper's partition builds it (`GET /v1/shoppers/{id}/situation`):
 * seed items, the strongest categories and brands as bars, attributes, typical price
 * and purchases. A request's page and cart are not in it: recommendations add those.
 */
function storedSituationView(answer) {
  const summary = h("p", { class: "small" }, answer.known
    ? `Built by ${answer.replica} from partition ${answer.partition}; typical price ${answer.typicalPrice ? number(answer.typicalPrice) : "unknown"}; ${answer.purchasedCount} product${answer.purchasedCount === 1 ? "" : "s"} purchased.`
    : "The cluster holds no history of this shopper: recommendations for them score against an empty situation (popularity and trend, and the request's page and cart).");
  summary.dataset.known = String(answer.known);
  if (!answer.known) return summary;
  const items = answer.items || [];
  const attributes = answer.attributes || [];
  return [summary,
    h("div", { class: "row" },
      h("div", { class: "col-lg-6" },
        items.length
          ? table(`Seed items (${items.length}), heaviest first`, ["Product", "Title", "Weight"], items.map((item) => ({
            dataset: { product: item.product },
            cells: [h("a", { href: `#/catalog/${encodeURIComponent(item.product)}` }, item.product), item.title || "–", score(item.weight)],
          })), { id: "situation-items" })
          : h("p", {}, "No seed items: no recent product with a positive interest.")),
      h("div", { class: "col-lg-6" },
        h("h3", { class: "h6" }, "Top categories"), affinityBars(answer.categories, "category", "situation-categories"),
        h("h3", { class: "h6 mt-2" }, "Top brands"), affinityBars(answer.brands, "brand", "situation-brands"),
        attributes.length
          ? h("p", { class: "small mt-2", id: "situation-attributes" }, "Attributes: ", attributes.map((entry) => `${entry.feature} (${number(entry.weight)})`).join(", "))
          : null)),
  ];
}

/** `entries` ([{<key>, affinity}], 0 to 1) as labelled bars, widths set from JS (the CSP allows no style attributes). */
function affinityBars(entries, key, id) {
  if (!(entries || []).length) return h("p", { id, class: "small" }, "None.");
  const grid = h("div", { id, class: "contributions" });
  // Category paths are longer than the signal names the grid's first column is sized for.
  grid.style.gridTemplateColumns = "minmax(8rem, 18rem) minmax(8rem, 1fr) 3.5rem";
  grid.style.maxWidth = "40rem";
  for (const entry of entries) {
    const bar = h("div", { class: "bar" });
    bar.style.width = `${Math.min(100, Math.max(0, entry.affinity) * 100).toFixed(1)}%`;
    grid.append(
      h("span", { dataset: { [key]: entry[key] } }, entry[key]),
      h("div", { class: "bar-track", "aria-hidden": "true" }, bar),
      h("span", { class: "text-end" }, score(entry.affinity)));
  }
  return grid;
}

/** The preview form: a placement, a strategy, weights, k and mix; two answers side by side. */
function previewView(context, shopper, situation, strategyList) {
  if (strategyList.error) return alert("danger", `The strategies could not be read: ${describeError(strategyList.error)}`);
  const views = new Map(strategyList.strategies.map((view) => [view.placement, view]));
  const placementSelect = select("preview-placement", PLACEMENTS.map((placement) => [placement, placementLabel(placement)]), "home_for_you", { class: "form-select" });
  const strategySelect = select("preview-strategy", STRATEGIES, "conversion");
  const k = h("input", { id: "preview-k", type: "number", min: "1", max: "50", step: "1", class: "form-control" });
  const mix = h("input", { id: "preview-mix", type: "checkbox", class: "form-check-input" });
  const weightInputs = SIGNALS.map((signalName) => h("input", {
    id: `preview-weight-${signalName}`, type: "number", min: "0", max: "10", step: "0.01", class: "form-control", dataset: { weight: signalName },
  }));
  const current = h("div", { id: "preview-current" }, h("p", {}, "Choose and press Preview."));
  const edited = h("div", { id: "preview-new" });
  const saveStatus = h("p", { id: "save-status", "aria-live": "polite", class: "mt-2" });
  const previewStatus = h("p", { id: "preview-status", "aria-live": "polite", class: "small" });
  const save = h("button", { id: "save-strategy", type: "button", class: "btn btn-outline-danger", disabled: true }, "Save as the placement's strategy");

  // Prefill from the placement's saved strategy (its effective weights for the chosen strategy).
  const prefill = (keepStrategy) => {
    const view = views.get(placementSelect.value);
    if (!keepStrategy) strategySelect.value = view.strategy;
    const weights = view.effectiveWeights?.[strategySelect.value] || {};
    weightInputs.forEach((input) => { input.value = weights[input.dataset.weight] ?? 0; });
    k.value = view.k;
    mix.checked = view.mix;
  };
  placementSelect.addEventListener("change", () => prefill(false));
  strategySelect.addEventListener("change", () => prefill(true));
  prefill(false);

  const edits = () => ({
    strategy: strategySelect.value,
    k: Number(k.value),
    mix: mix.checked,
    weights: Object.fromEntries(weightInputs.map((input) => [input.dataset.weight, Number(input.value)])),
  });

  let lastPreview = null;
  const run = async (event) => {
    event.preventDefault();
    const placement = placementSelect.value;
    const request = contextFor(placement, situation);
    save.disabled = true;
    if (request.missing) {
      previewStatus.textContent = `${placementLabel(placement)} ${request.missing}.`;
      return;
    }
    const change = edits();
    previewStatus.textContent = "Asking for both answers…";
    const base = { user: shopper, placement, context: request.context };
    try {
      const [now, next] = await Promise.all([
        post("/v1/recommendations", base, { signal: context.signal }),
        post("/v1/recommendations", { ...base, strategy: change.strategy, weights: change.weights, k: change.k, mix: change.mix }, { signal: context.signal }),
      ]);
      fill(current, h("h3", { class: "h6" }, "As configured now"), answerMeta(now), itemList(now.items));
      fill(edited, h("h3", { class: "h6" }, "With the edited strategy"), answerMeta(next), itemList(next.items, now.items), droppedLine(next.items, now.items));
      previewStatus.textContent = next.experiment
        ? `Previewed. Experiment ${next.experiment} runs on ${placementLabel(placement)}: its variant's settings replace a request's, so the edited answer may not differ.`
        : `Previewed: ${next.items.filter((item) => !now.items.some((other) => other.product === item.product && other.position === item.position)).length} of ${next.items.length} items moved or are new.`;
      lastPreview = { placement, change };
      save.disabled = false;
    } catch (error) {
      if (error.name === "AbortError") return;
      previewStatus.textContent = `The preview failed: ${describeError(error)}`;
      if (error.field) {
        const input = { k: k, mix: mix, strategy: strategySelect }[error.field] || weightInputs.find((candidate) => error.field === `weights.${candidate.dataset.weight}`);
        if (input) input.focus();
      }
    }
  };

  save.addEventListener("click", async () => {
    if (!lastPreview) return;
    const { placement, change } = lastPreview;
    const view = views.get(placement);
    const settings = settingsOf(view);
    settings.strategy = change.strategy;
    settings.k = change.k;
    settings.mix = change.mix;
    settings.weights[change.strategy] = overridesAfterEdit(view, change.strategy, change.weights);
    settings.note = `saved from the preview as shopper ${shopper}`;
    const changed = changedFields(view, settings);
    if (!changed.length) { saveStatus.textContent = "Nothing to save: the edited settings are the placement's."; return; }
    if (!window.confirm(`Save ${placementLabel(placement)}'s strategy (${changed.join(", ")})? Every gateway uses it within seconds.`)) return;
    save.disabled = true;
    saveStatus.textContent = "Saving…";
    try {
      const saved = await saveStrategy(placement, settings, { signal: context.signal });
      views.set(placement, saved);
      saveStatus.textContent = "";
      saveStatus.append(`Saved ${placementLabel(placement)} as version ${saved.version} by ${saved.updatedBy} at ${time(saved.updatedAt)}. `,
        h("a", { href: "#/strategies" }, "See its history"));
      saveStatus.dataset.version = String(saved.version);
    } catch (error) {
      if (error.name === "AbortError") return;
      saveStatus.textContent = `Not saved: ${describeError(error)}`;
      save.disabled = false;
    }
  });

  const form = h("form", { id: "preview-form", novalidate: true },
    h("div", { class: "row" },
      h("div", { class: "col-md-3" }, field("Placement", placementSelect)),
      h("div", { class: "col-md-3" }, field("Strategy", strategySelect)),
      h("div", { class: "col-md-2" }, field("k (products)", k)),
      h("div", { class: "col-md-2 form-check mt-4 ps-5" }, mix, h("label", { for: "preview-mix", class: "form-check-label ms-1" }, "Mix (70 % predicted, 20 % trending, 10 % discovery)"))),
    h("fieldset", {}, h("legend", { class: "h6" }, "Signal weights (0 to 10)"),
      h("div", { class: "weights" }, weightInputs.map((input) => field(signalLabel(input.dataset.weight), input)))),
    h("div", { class: "mt-2" },
      h("button", { id: "preview-run", type: "submit", class: "btn btn-primary me-2" }, "Preview"), save),
    previewStatus, saveStatus);
  form.addEventListener("submit", run);
  return [form, h("div", { id: "preview", class: "preview-columns mt-2" }, current, edited)];
}
