// Small DOM helpers: elements are built with h(), never from HTML strings, so that no
// shopper id or product title is ever parsed as markup.

/**
 * h("tr", {dataset: {product: id}, class: "x"}, child, …): an element. Attributes:
 * `class`, `dataset`, `for`, `text`, on<Event> functions (listeners), booleans
 * (true sets, false leaves out), anything else as an attribute.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "dataset") Object.assign(element.dataset, value);
    else if (name === "text") element.textContent = value;
    else if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces `element`'s children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/**
 * A table with a caption, column headers (`<th scope="col">`) and rows; each row is
 * {cells: [...], dataset, class} or an array of cells. A cell is a node, text, or
 * {th: content} for a row header.
 */
export function table(caption, headers, rows, attributes = {}) {
  const body = h("tbody");
  for (const row of rows) body.append(tableRow(row));
  return h("table", { class: "table table-sm align-middle", ...attributes },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, headers.map((header) => h("th", { scope: "col" }, header)))),
    body);
}

export function tableRow(row) {
  const { cells, dataset, class: className } = Array.isArray(row) ? { cells: row } : row;
  return h("tr", { dataset, class: className },
    cells.map((cell) => cell && cell.th !== undefined ? h("th", { scope: "row" }, cell.th) : h("td", {}, cell)));
}

/** A labelled control in a Bootstrap column: {id, label, control}. */
export function field(label, control, help) {
  const id = control.id;
  return h("div", { class: "mb-2" },
    h("label", { for: id, class: "form-label" }, label),
    control,
    help ? h("div", { class: "form-text" }, help) : null,
    h("div", { class: "invalid-feedback", id: `${id}-problem` }));
}

/** A <select> of `options` (values, or [value, text] pairs). */
export function select(id, options, selected, attributes = {}) {
  return h("select", { id, class: "form-select", ...attributes },
    options.map((option) => {
      const [value, text] = Array.isArray(option) ? option : [option, option];
      return h("option", { value, selected: value === selected }, text);
    }));
}

/** An alert; `live` makes screen readers announce it. */
export function alert(kind, ...children) {
  return h("div", { class: `alert alert-${kind}`, role: kind === "danger" ? "alert" : "status" }, ...children);
}

/** An API error as a sentence: status, field, problem. */
export function describeError(error) {
  if (!error) return "";
  if (error.status === undefined) return error.message || String(error);
  const where = error.field ? ` (${error.field})` : "";
  return `${error.status ? error.status + ": " : ""}${error.problem}${where}`;
}

const numberFormat = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
const scoreFormat = new Intl.NumberFormat("en", { minimumFractionDigits: 3, maximumFractionDigits: 3 });

export const number = (value) => value === undefined || value === null ? "–" : numberFormat.format(value);
export const score = (value) => value === undefined || value === null ? "–" : scoreFormat.format(value);
export const percent = (value) => value === undefined || value === null ? "–" : `${numberFormat.format(value * 100)} %`;

/** An ISO time or unix ms as local date and time. */
export function time(value) {
  if (value === undefined || value === null) return "–";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** A spinner-free loading line for a section that fills in later. */
export const loading = (what) => h("p", { class: "text-body-secondary loading" }, `Loading ${what}…`);
