// #/strategies: each placement's saved strategy settings (GET /v1/strategies), a form
// to change them (PUT /v1/strategies/{placement}), and their history.

import { api, get, segment } from "../api.js";
import { alert, describeError, fill, h, select, table, time } from "../dom.js";
import { PLACEMENTS, SIGNALS, STRATEGIES, placementLabel, signalLabel } from "../shop.js";
import { changedFields, overridesAfterEdit, saveStrategy, settingsOf } from "../strategy.js";

export const name = "strategies";

export async function render(context) {
  const { root, signal } = context;
  const list = h("div", { id: "strategy-list" }, h("p", {}, "Loading the strategies…"));
  fill(root,
    h("h1", {}, "Strategies"),
    h("p", {}, "What each placement answers with when a request leaves it unset: the strategy, how many products, the mix, the category cap, and the signal weights of each strategy. A saved change is live on every gateway within seconds; an experiment's variant still replaces it for the shoppers in the experiment."),
    list);
  const answer = await get("/v1/strategies", { signal });
  const views = new Map(answer.strategies.map((view) => [view.placement, view]));
  fill(list, PLACEMENTS.filter((placement) => views.has(placement)).map((placement) => placementCard(context, views.get(placement))));
  context.ready(name);
}

/** One placement: its form, version line and history. */
function placementCard(context, initial) {
  let view = initial;
  const p = view.placement;
  const control = (suffix, element) => { element.id = `${p}-${suffix}`; return element; };
  const strategy = control("strategy", select("", STRATEGIES, view.strategy));
  const k = control("k", h("input", { type: "number", min: "1", max: "50", step: "1", class: "form-control" }));
  const mix = control("mix", h("input", { type: "checkbox", class: "form-check-input" }));
  const share = control("maxCategoryShare", h("input", { type: "number", min: "0.1", max: "1", step: "0.05", class: "form-control" }));
  const note = control("note", h("input", { type: "text", class: "form-control", maxlength: "512" }));
  const weightInputs = STRATEGIES.flatMap((name) => SIGNALS.map((signalName) => h("input", {
    id: `${p}-weight-${name}-${signalName}`, type: "number", min: "0", max: "10", step: "0.01", class: "form-control",
    dataset: { strategy: name, weight: signalName },
  })));
  const version = h("p", { class: "small mb-1", dataset: { version: "" }, id: `version-${p}` });
  const status = h("p", { class: "mb-0", "aria-live": "polite", id: `status-${p}` });
  const history = h("div", { id: `history-${p}` });

  const show = () => {
    strategy.value = view.strategy;
    k.value = view.k;
    mix.checked = view.mix;
    share.value = view.maxCategoryShare;
    note.value = "";
    for (const input of weightInputs) input.value = view.effectiveWeights?.[input.dataset.strategy]?.[input.dataset.weight] ?? 0;
    version.dataset.version = String(view.version);
    version.textContent = view.version
      ? `Version ${view.version}, saved by ${view.updatedBy} at ${time(view.updatedAt)}${view.note ? ` — “${view.note}”` : ""}.`
      : "The built-in defaults (nothing saved).";
    fill(history, historyTable(view));
  };

  const clearProblems = () => {
    for (const element of form.querySelectorAll(".is-invalid")) element.classList.remove("is-invalid");
    for (const element of form.querySelectorAll(".invalid-feedback")) element.textContent = "";
  };
  /** Shows a 400's problem next to the field it names (k, weights.margin.trending, …). */
  const showProblem = (error) => {
    const [head, strategyName, signalName] = String(error.field || "").split(".");
    const input = head === "weights" && signalName
      ? weightInputs.find((candidate) => candidate.dataset.strategy === strategyName && candidate.dataset.weight === signalName)
      : { strategy, k, mix, maxCategoryShare: share, note }[head];
    if (!input) return false;
    input.classList.add("is-invalid");
    const feedback = document.getElementById(`${input.id}-problem`);
    if (feedback) feedback.textContent = error.problem;
    input.focus();
    return true;
  };

  const submit = async (event) => {
    event.preventDefault();
    clearProblems();
    const settings = settingsOf(view);
    settings.strategy = strategy.value;
    settings.k = Number(k.value);
    settings.mix = mix.checked;
    settings.maxCategoryShare = Number(share.value);
    for (const name of STRATEGIES) {
      const values = Object.fromEntries(weightInputs.filter((input) => input.dataset.strategy === name).map((input) => [input.dataset.weight, Number(input.value)]));
      const overrides = overridesAfterEdit(view, name, values);
      if (Object.keys(overrides).length) settings.weights[name] = overrides; else delete settings.weights[name];
    }
    if (note.value.trim()) settings.note = note.value.trim();
    const changed = changedFields(view, settings);
    if (!changed.length) { status.textContent = "Nothing changed."; return; }
    status.textContent = `Saving (${changed.join(", ")})…`;
    try {
      view = await saveStrategy(p, settings, { signal: context.signal });
      show();
      status.textContent = `Saved: version ${view.version}${view.storedOn !== undefined ? `, stored on ${view.storedOn} of ${view.nodes} nodes` : ""}.`;
    } catch (error) {
      if (error.name === "AbortError") return;
      status.textContent = `Not saved: ${describeError(error)}`;
      showProblem(error);
    }
  };

  const reset = async () => {
    if (!window.confirm(`Reset ${placementLabel(p)} to the built-in defaults? Every gateway uses them within seconds.`)) return;
    clearProblems();
    try {
      view = await api("DELETE", `/v1/strategies/${segment(p)}`, undefined, { signal: context.signal });
      show();
      status.textContent = `Reset: version ${view.version}.`;
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = `Not reset: ${describeError(error)}`;
    }
  };

  const labelled = (label, input, columns = "col-md-3") => h("div", { class: columns },
    h("label", { for: input.id, class: "form-label" }, label), input, h("div", { class: "invalid-feedback", id: `${input.id}-problem` }));
  const form = h("form", { dataset: { placement: p }, novalidate: true, "aria-labelledby": `title-${p}` },
    h("div", { class: "row g-2" },
      labelled("Strategy", strategy),
      labelled("k (products)", k, "col-md-2"),
      labelled("Largest share of one category", share),
      h("div", { class: "col-md-4 form-check mt-4 ps-5" }, mix,
        h("label", { for: mix.id, class: "form-check-label ms-1" }, "Mix (70 % predicted, 20 % trending, 10 % discovery)"))),
    STRATEGIES.map((name) => h("details", { class: "mt-2", open: name === view.strategy },
      h("summary", {}, `Weights of the ${name} strategy`),
      h("fieldset", { class: "weights mt-1" }, h("legend", { class: "visually-hidden" }, `Weights of the ${name} strategy (0 to 10)`),
        weightInputs.filter((input) => input.dataset.strategy === name).map((input) => labelled(signalLabel(input.dataset.weight), input, ""))))),
    h("div", { class: "row g-2 mt-1 align-items-end" },
      labelled("Note (why; shown in the history)", note, "col-md-6"),
      h("div", { class: "col-md-6" },
        h("button", { type: "submit", class: "btn btn-primary me-2", dataset: { save: p } }, `Save ${placementLabel(p)}`),
        h("button", { type: "button", class: "btn btn-outline-secondary", dataset: { reset: p }, onClick: reset }, "Reset to built-in"))),
    status);
  form.addEventListener("submit", submit);
  show();
  return h("section", { class: "card mb-3", dataset: { card: p }, "aria-labelledby": `title-${p}` },
    h("div", { class: "card-body" },
      h("h2", { class: "h5", id: `title-${p}` }, placementLabel(p)), version,
      h("div", { class: "row" }, h("div", { class: "col-xl-7" }, form),
        h("div", { class: "col-xl-5" }, h("h3", { class: "h6" }, "History"), history))));
}

function historyTable(view) {
  if (!view.history?.length) return h("p", { class: "small" }, "No saved versions.");
  return table(null, ["Version", "When", "By", "Changed", "Note"],
    view.history.map((change) => ({
      dataset: { version: String(change.version) },
      cells: [{ th: String(change.version) }, time(change.updatedAt), change.updatedBy, (change.changed || []).join(", ") || "—", change.note || ""],
    })), { class: "table table-sm small" });
}
