// A placement's strategy settings as GET /v1/strategies shows them, and the body of the
// PUT that saves an edit of them. PUT replaces the saved settings whole, so the body
// carries every current value; weight overrides stay overrides (a signal nobody set
// keeps following the built-in weights).

import { put, segment } from "./api.js";
import { SIGNALS, STRATEGIES } from "./shop.js";

const close = (a, b) => Math.abs(Number(a) - Number(b)) < 1e-6;

/** The saved overrides of `strategy` with the edited `values` ({signal: number}) applied. */
export function overridesAfterEdit(view, strategy, values) {
  const saved = { ...(view.weights?.[strategy] || {}) };
  const effective = view.effectiveWeights?.[strategy] || {};
  for (const signal of SIGNALS) {
    const value = values[signal];
    if (value === undefined || value === null || Number.isNaN(value)) continue;
    if (signal in saved || !close(value, effective[signal])) saved[signal] = value;
  }
  return saved;
}

/** The settings `view` holds, as a PUT body (strategy, k, mix, maxCategoryShare, weights). */
export function settingsOf(view) {
  const weights = {};
  for (const strategy of STRATEGIES) {
    const overrides = view.weights?.[strategy];
    if (overrides && Object.keys(overrides).length) weights[strategy] = { ...overrides };
  }
  return { strategy: view.strategy, k: view.k, mix: view.mix, maxCategoryShare: view.maxCategoryShare, weights };
}

/** The fields of `settings` that differ from `view`'s (for the confirmation). */
export function changedFields(view, settings) {
  const before = settingsOf(view);
  const changed = ["strategy", "k", "mix", "maxCategoryShare"].filter((field) => settings[field] !== undefined && settings[field] !== before[field]);
  for (const strategy of STRATEGIES) {
    if (JSON.stringify(sorted(before.weights[strategy])) !== JSON.stringify(sorted(settings.weights?.[strategy]))) changed.push(`weights.${strategy}`);
  }
  return changed;
}

const sorted = (object) => Object.fromEntries(Object.entries(object || {}).sort(([a], [b]) => a.localeCompare(b)));

/** Saves `settings` as `placement`'s strategy; answers the new view (version, history). */
export function saveStrategy(placement, settings, options) {
  return put(`/v1/strategies/${segment(placement)}`, settings, options);
}
