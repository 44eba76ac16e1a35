// #/experiments: every experiment (GET /v1/experiments) and a form to create one
// (PUT /v1/experiments/{id}); #/experiments/<id> is the detail (experiment.js).

import { get, put, segment } from "../api.js";
import { alert, describeError, fill, h, select, table, time } from "../dom.js";
import { CONTROLS, OBJECTIVES, PLACEMENTS, STRATEGIES, placementLabel } from "../shop.js";

export const name = "experiments";

export async function render(context) {
  if (context.argument) {
    const detail = await import("./experiment.js");
    return detail.render(context);
  }
  const { root, signal } = context;
  const listBox = h("div", { id: "experiment-list" }, h("p", {}, "Loading the experiments…"));
  fill(root,
    h("h1", {}, "Experiments"),
    h("section", { "aria-labelledby": "list-title" }, h("h2", { id: "list-title", class: "h4" }, "Experiments"), listBox),
    h("section", { "aria-labelledby": "create-title", class: "mt-4" },
      h("h2", { id: "create-title", class: "h4" }, "Create an experiment"), createForm(context)));
  const answer = await get("/v1/experiments", { signal });
  fill(listBox, experimentTable(answer.experiments || []));
  context.ready(name);
}

/** How an experiment splits traffic, in words. */
export function allocationText(experiment) {
  if (experiment.allocation === "bandit") return `bandit${experiment.context ? ` per ${experiment.context}` : ""}`;
  return `fixed: ${(experiment.variants || []).map((variant) => `${variant.name} ${Math.round((variant.share || 0) * 100)} %`).join(", ")}`;
}

function experimentTable(experiments) {
  if (!experiments.length) return h("p", {}, "No experiments yet.");
  return table(null, ["Experiment", "Placements", "Objective", "Allocation", "Variants", "Running", "Updated"],
    experiments.map((experiment) => ({
      dataset: { experiment: experiment.id },
      cells: [
        { th: h("a", { href: `#/experiments/${encodeURIComponent(experiment.id)}` }, experiment.id) },
        (experiment.placements || experiment.points || []).join(", "),
        experiment.objective,
        allocationText(experiment),
        (experiment.variants || []).map((variant) => variant.name).join(", "),
        experiment.running ? "yes" : "no",
        `${time(experiment.updatedAt)} by ${experiment.updatedBy}`,
      ],
    })));
}

/** The create form: id, placement, objective, allocation, 2 to 8 variants. */
function createForm(context) {
  const labelled = (label, input, columns = "col-md-3") => h("div", { class: columns },
    h("label", { for: input.id, class: "form-label" }, label), input, h("div", { class: "invalid-feedback", id: `${input.id}-problem` }));
  const id = h("input", { id: "experiment-id", class: "form-control", maxlength: "64", autocomplete: "off", spellcheck: "false", pattern: "[A-Za-z0-9._-]+" });
  const placement = select("experiment-placement", PLACEMENTS.map((value) => [value, placementLabel(value)]), "home_for_you");
  const objective = select("experiment-objective", OBJECTIVES, "conversions");
  const allocation = select("experiment-allocation", [["fixed", "fixed shares"], ["bandit", "bandit (Thompson sampling)"]], "fixed");
  const banditContext = select("experiment-context", [["", "none (one for all)"], ["device", "device"], ["source", "source"], ["segment", "segment"]], "");
  const variants = h("div", { id: "experiment-variants" });
  const variantsProblem = h("div", { class: "text-danger small", id: "experiment-variants-problem", "aria-live": "polite" });
  const status = h("p", { id: "experiment-status", "aria-live": "polite", class: "mt-2" });
  let next = 0;

  const kinds = [...STRATEGIES.map((value) => [`strategy:${value}`, `strategy ${value}`]), ...CONTROLS.map((value) => [`control:${value}`, `control: ${value}`])];
  const addVariant = (name, kind, share) => {
    const index = next++;
    const row = h("div", { class: "variant-row row g-2 align-items-end", dataset: { variantIndex: String(index) } },
      labelled("Variant name", h("input", { id: `variant-${index}-name`, class: "form-control", value: name, dataset: { variantField: "name" } })),
      labelled("Strategy or control", select(`variant-${index}-kind`, kinds, kind, { dataset: { variantField: "kind" } })),
      labelled("Share (fixed allocation)", h("input", { id: `variant-${index}-share`, type: "number", min: "0", max: "1", step: "0.05", class: "form-control", value: share, dataset: { variantField: "share" } }), "col-md-3 variant-share"),
      h("div", { class: "col-md-3" }, h("button", { type: "button", class: "btn btn-outline-secondary", onClick: () => { row.remove(); renumber(); } }, `Remove variant`)));
    variants.append(row);
    renumber();
    syncShares();
  };
  // The remove buttons say which variant they remove.
  const renumber = () => [...variants.children].forEach((row, position) => {
    const button = row.querySelector("button");
    button.textContent = `Remove variant ${position + 1}`;
  });
  const syncShares = () => {
    for (const box of variants.querySelectorAll(".variant-share")) box.hidden = allocation.value === "bandit";
    banditContext.disabled = allocation.value !== "bandit";
  };
  allocation.addEventListener("change", syncShares);
  addVariant("personalised", "strategy:conversion", "0.5");
  addVariant("control", "control:popularity", "0.5");

  const clearProblems = () => {
    for (const element of form.querySelectorAll(".is-invalid")) element.classList.remove("is-invalid");
    for (const element of form.querySelectorAll(".invalid-feedback")) element.textContent = "";
    variantsProblem.textContent = "";
  };
  /** A 400's field → the input it names: id, placements, variants[1].share, … */
  const showProblem = (error) => {
    const field = String(error.field || "");
    const variantMatch = /^variants\[(\d+)\]\.?(\w*)/.exec(field);
    let input;
    if (variantMatch) {
      const row = variants.children[Number(variantMatch[1])];
      const part = { name: "name", share: "share", strategy: "kind", control: "kind", weights: "kind", k: "kind", mix: "kind" }[variantMatch[2]] || "name";
      input = row?.querySelector(`[data-variant-field="${part}"]`);
    } else {
      input = { id, placements: placement, objective, allocation, context: banditContext }[field.split(".")[0]];
    }
    if (input) {
      input.classList.add("is-invalid");
      document.getElementById(`${input.id}-problem`).textContent = error.problem;
      input.focus();
    } else {
      variantsProblem.textContent = `${field ? field + ": " : ""}${error.problem}`;
    }
  };

  const submit = async (event) => {
    event.preventDefault();
    clearProblems();
    const experimentId = id.value.trim();
    if (!experimentId) return showProblem({ field: "id", problem: "name the experiment (letters, digits, . _ -, at most 64)" });
    const definition = {
      placements: [placement.value],
      objective: objective.value,
      allocation: allocation.value,
      variants: [...variants.children].map((row) => {
        const value = (part) => row.querySelector(`[data-variant-field="${part}"]`).value;
        const [kindName, kindValue] = value("kind").split(":");
        const variant = { name: value("name").trim(), [kindName]: kindValue };
        if (allocation.value === "fixed") variant.share = Number(value("share"));
        return variant;
      }),
    };
    if (allocation.value === "bandit" && banditContext.value) definition.context = banditContext.value;
    status.textContent = "Creating…";
    try {
      const existing = await get(`/v1/experiments/${segment(experimentId)}`, { signal: context.signal }).catch(() => null);
      if (existing && !window.confirm(`Experiment ${experimentId} exists: replace its definition?`)) { status.textContent = ""; return; }
      await put(`/v1/experiments/${segment(experimentId)}`, definition, { signal: context.signal });
      status.textContent = `Created ${experimentId}.`;
      location.hash = `#/experiments/${encodeURIComponent(experimentId)}`;
    } catch (error) {
      if (error.name === "AbortError") return;
      status.textContent = `Not created: ${describeError(error)}`;
      showProblem(error);
    }
  };

  const form = h("form", { id: "experiment-form", novalidate: true },
    h("div", { class: "row g-2" },
      labelled("Experiment id", id),
      labelled("Placement", placement),
      labelled("Objective", objective),
      labelled("Allocation", allocation),
      labelled("Bandit context", banditContext)),
    h("fieldset", { class: "mt-2" }, h("legend", { class: "h6" }, "Variants (2 to 8)"), variants, variantsProblem,
      h("button", { type: "button", id: "add-variant", class: "btn btn-outline-secondary btn-sm", onClick: () => addVariant(`variant${next + 1}`, "strategy:margin", "0") }, "Add a variant")),
    h("button", { type: "submit", id: "experiment-create", class: "btn btn-primary mt-3" }, "Create the experiment"),
    status);
  form.addEventListener("submit", submit);
  return form;
}
