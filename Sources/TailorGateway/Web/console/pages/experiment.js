// #/experiments/<id>: one experiment's definition and results (GET /v1/experiments/{id},
// polled every 2 s while open), its objective per variant with intervals, the bandit's
// allocation over time, and stop / promote.

import { get, put, segment } from "../api.js";
import { COLORS, chart, clock, intervalWhiskers } from "../charts.js";
import { alert, describeError, fill, h, number, percent, select, table, time } from "../dom.js";
import { placementLabel } from "../shop.js";
import { saveStrategy, settingsOf } from "../strategy.js";
import { allocationText } from "./experiments.js";

export const name = "experiment";

/** Fields of a GET answer that are not part of the definition a PUT takes. */
const COMPUTED = ["id", "results", "running", "updatedAt", "updatedBy", "version", "countsComplete", "storedOn", "nodes", "reasons", "missingPartitions"];

export async function render(context) {
  const { root, argument: id, signal } = context;
  const path = `/v1/experiments/${segment(id)}`;
  const definitionBox = h("div", { id: "experiment-definition" }, h("p", {}, "Loading the experiment…"));
  const resultsBox = h("div", { id: "experiment-results" });
  const metricsCanvas = h("canvas", { id: "experiment-metrics-chart", role: "img", "aria-label": "The objective per variant with its 95 % interval" });
  const allocationCanvas = h("canvas", { id: "allocation-chart", role: "img", "aria-label": "Each variant's allocated share over time" });
  const allocationNote = h("p", { class: "small", id: "allocation-note" },
    "A bandit's shares as this gateway computed them (one every 10 s, the last hour since it started), then every 2 s reading while this page is open; a fixed allocation's configured shares.");
  const actions = h("div", { id: "experiment-actions" });
  fill(root,
    h("p", {}, h("a", { href: "#/experiments" }, "← All experiments")),
    h("h1", {}, `Experiment ${id}`),
    definitionBox,
    h("section", { "aria-labelledby": "results-title" }, h("h2", { id: "results-title", class: "h4" }, "Results"), resultsBox,
      h("div", { class: "chart-box" }, metricsCanvas)),
    h("section", { "aria-labelledby": "allocation-title", class: "mt-3" }, h("h2", { id: "allocation-title", class: "h4" }, "Allocation over time"),
      allocationNote, h("div", { class: "chart-box" }, allocationCanvas)),
    h("section", { "aria-labelledby": "actions-title", class: "mt-3" }, h("h2", { id: "actions-title", class: "h4" }, "Stop or promote"), actions));

  let experiment;
  try {
    experiment = await get(path, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    fill(definitionBox, alert("danger", error.status === 404 ? `There is no experiment ${id}.` : describeError(error)));
    context.ready(name);
    return;
  }
  const metricsChart = chart(context, metricsCanvas, { type: "bar", data: { labels: [], datasets: [] }, plugins: [intervalWhiskers], options: { scales: { y: { beginAtZero: true } } } });
  const allocationChart = chart(context, allocationCanvas, {
    type: "line", data: { labels: [], datasets: [] },
    options: { scales: { y: { min: 0, max: 1, title: { display: true, text: "share" } } } },
  });

  for (const sample of experiment.allocationHistory || []) plotShares(allocationChart, sample.shares, new Date(sample.at));
  const show = (answer) => {
    experiment = answer;
    fill(definitionBox, definitionView(answer));
    fill(resultsBox, resultsView(answer));
    updateMetrics(metricsChart, answer);
    plotShares(allocationChart, currentShares(answer), new Date());
  };
  show(experiment);
  fill(actions, actionsView(context, path, () => experiment, show));
  context.ready(name);
  context.every(2000, async () => show(await get(path, { signal })));
}

function definitionView(experiment) {
  const target = experiment.placements ? `placements ${experiment.placements.map(placementLabel).join(", ")}` : `decision points ${(experiment.points || []).join(", ")}`;
  const lines = [
    `${experiment.running ? "Running" : "Not running"} on ${target}; objective ${experiment.objective}; allocation ${allocationText(experiment)}.`,
    experiment.start || experiment.stop ? `From ${experiment.start ? time(experiment.start) : "always"} to ${experiment.stop ? time(experiment.stop) : "no end"}.` : null,
    `Version ${experiment.version}, saved by ${experiment.updatedBy} at ${time(experiment.updatedAt)}.`,
  ];
  return [
    ...lines.filter(Boolean).map((line) => h("p", { class: "mb-1" }, line)),
    table("Variants", ["Variant", "Strategy or control", "Weights", "k", "Mix", "Share"],
      (experiment.variants || []).map((variant) => ({
        dataset: { variantDefinition: variant.name },
        cells: [{ th: variant.name }, variant.control ? `control: ${variant.control}` : variant.strategy || "the placement's",
          variant.weights ? Object.entries(variant.weights).map(([signal, weight]) => `${signal} ${weight}`).join(", ") : "—",
          variant.k ?? "—", variant.mix === undefined ? "—" : variant.mix ? "yes" : "no",
          variant.share === undefined ? "—" : percent(variant.share)],
      }))),
  ];
}

const interval = (value) => value && value.value !== undefined ? `${number(value.value)} [${number(value.low)}, ${number(value.high)}]` : "–";

function resultsView(experiment) {
  const results = experiment.results;
  if (!results) return h("p", {}, "No results yet.");
  const rows = (results.variants || []).map((variant) => ({
    dataset: { variant: variant.name },
    cells: [{ th: variant.name }, number(variant.metrics?.impressions), number(variant.metrics?.clicks), number(variant.metrics?.purchases),
      number(variant.metrics?.revenue), interval(variant.objective), percent(variant.observedShare), percent(variant.allocated),
      number(variant.probabilityToBeBest), number(variant.shoppers)],
  }));
  const ratio = results.sampleRatio;
  return [
    table(`Per variant; objective: ${results.objective} per recommendation shown${/revenue|margin/.test(results.objective) ? " (per 1,000)" : ""}, 95 % interval`,
      ["Variant", "Impressions", "Clicks", "Purchases", "Revenue", "Objective", "Observed share", "Allocated", "P(best)", "Shoppers"], rows, { id: "results-table" }),
    ratio ? alert(ratio.mismatch ? "warning" : "light",
      `Sample ratio check: ${ratio.mismatch ? "MISMATCH — traffic does not follow the configured shares" : "fine"}`,
      ratio.pValue !== undefined ? ` (p = ${number(ratio.pValue)})` : "") : null,
    experiment.countsComplete === false ? alert("warning", "Counts are incomplete: some partitions did not answer.") : null,
    allocationTable(results.allocation),
  ];
}

function allocationTable(allocation) {
  const contexts = Object.keys(allocation || {});
  if (!contexts.length) return h("p", { class: "small" }, "No allocation computed yet (a bandit's shares follow within 2 s of its first traffic).");
  const variants = [...new Set(contexts.flatMap((name) => Object.keys(allocation[name])))];
  return table("Allocation now, per context", ["Context", ...variants],
    contexts.map((name) => ({ dataset: { context: name }, cells: [{ th: name || "all" }, ...variants.map((variant) => percent(allocation[name][variant]))] })),
    { id: "allocation-table" });
}

function updateMetrics(made, experiment) {
  const variants = experiment.results?.variants || [];
  made.data.labels = variants.map((variant) => variant.name);
  made.data.datasets = [{
    label: `${experiment.objective} (95 % interval)`,
    data: variants.map((variant) => variant.objective?.value ?? 0),
    intervals: variants.map((variant) => variant.objective?.value !== undefined ? [variant.objective.low, variant.objective.high] : null),
    backgroundColor: variants.map((_, index) => COLORS[index % COLORS.length]),
  }];
  made.update("none");
}

/** The allocation now; before a bandit's first counts, the equal split its assignment uses (as the gateway's history records it). */
function currentShares(experiment) {
  const allocation = experiment.results?.allocation || {};
  if (Object.keys(allocation).length || experiment.allocation !== "bandit") return allocation;
  const variants = experiment.variants || [];
  return { "": Object.fromEntries(variants.map((variant) => [variant.name, 1 / variants.length])) };
}

/** Appends one reading of the allocation (per context, per variant: a share) at `at`: one line per context and variant. */
function plotShares(made, allocation, at) {
  const label = clock(at);
  made.data.labels.push(label);
  const length = made.data.labels.length;
  for (const [contextName, shares] of Object.entries(allocation)) {
    for (const [variant, share] of Object.entries(shares)) {
      const key = contextName ? `${variant} (${contextName})` : variant;
      let dataset = made.data.datasets.find((candidate) => candidate.label === key);
      if (!dataset) {
        const color = COLORS[made.data.datasets.length % COLORS.length];
        dataset = { label: key, data: [], borderColor: color, backgroundColor: color, pointRadius: 2 };
        made.data.datasets.push(dataset);
      }
      while (dataset.data.length < length - 1) dataset.data.push(null);
      dataset.data.push(share);
    }
  }
  // Keep the last 660 readings: the hour of history and 10 minutes of this page's.
  if (length > 660) {
    made.data.labels.shift();
    for (const dataset of made.data.datasets) dataset.data.shift();
  }
  made.update("none");
}

/** #stop and #promote. */
function actionsView(context, path, current, show) {
  const status = h("p", { id: "action-status", "aria-live": "polite" });
  const experiment = current();
  const promotable = (experiment.variants || []).filter((variant) => !variant.control);
  const best = [...(experiment.results?.variants || [])].filter((variant) => promotable.some((candidate) => candidate.name === variant.name))
    .sort((a, b) => (b.probabilityToBeBest || 0) - (a.probabilityToBeBest || 0))[0];
  const variantSelect = select("promote-variant", promotable.map((variant) => variant.name), best?.name);

  /** The definition as a PUT takes it, stopped now. */
  const stopped = () => {
    const definition = { ...current() };
    for (const field of COMPUTED) delete definition[field];
    definition.stop = new Date().toISOString();
    return definition;
  };
  const stop = async () => {
    if (!window.confirm(`Stop experiment ${experiment.id}? Its placements go back to their strategy.`)) return;
    status.textContent = "Stopping…";
    try {
      await put(path, stopped(), { signal: context.signal });
      show(await get(path, { signal: context.signal }));
      status.textContent = "Stopped.";
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = `Not stopped: ${describeError(error)}`;
    }
  };
  const promote = async () => {
    const variant = promotable.find((candidate) => candidate.name === variantSelect.value);
    const placements = current().placements || [];
    if (!variant || !placements.length) return;
    if (!window.confirm(`Stop ${experiment.id} and save variant ${variant.name}'s settings as the strategy of ${placements.map(placementLabel).join(", ")}?`)) return;
    status.textContent = "Promoting…";
    try {
      await put(path, stopped(), { signal: context.signal });
      const saved = [];
      for (const placement of placements) {
        const view = await get(`/v1/strategies/${segment(placement)}`, { signal: context.signal });
        const settings = settingsOf(view);
        if (variant.strategy) settings.strategy = variant.strategy;
        if (variant.k !== undefined) settings.k = variant.k;
        if (variant.mix !== undefined) settings.mix = variant.mix;
        // A variant's weights replace the saved overrides of the strategy it scores with.
        if (variant.weights) settings.weights[settings.strategy] = { ...variant.weights };
        settings.note = `promoted from experiment ${experiment.id}`;
        const answer = await saveStrategy(placement, settings, { signal: context.signal });
        saved.push(`${placementLabel(placement)} version ${answer.version}`);
      }
      show(await get(path, { signal: context.signal }));
      status.textContent = "";
      status.append(`Stopped and promoted ${variant.name}: ${saved.join(", ")}. `, h("a", { href: "#/strategies" }, "See the strategies"));
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = `Not promoted: ${describeError(error)}`;
    }
  };
  return [
    h("button", { id: "stop", type: "button", class: "btn btn-outline-danger me-3", onClick: stop }, "Stop the experiment"),
    experiment.placements && promotable.length
      ? h("span", { class: "d-inline-flex align-items-end gap-2" },
        h("span", {}, h("label", { for: "promote-variant", class: "form-label" }, "Winning variant"), variantSelect),
        h("button", { id: "promote", type: "button", class: "btn btn-success", onClick: promote }, "Promote it"))
      : h("span", {}, "No variant to promote (controls and decision points have no strategy)."),
    status,
  ];
}
