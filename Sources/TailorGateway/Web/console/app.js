// The console's shell: the login, the hash router, and the readiness hook the browser
// tests wait on (body[data-page], body[data-ready], window.TailorConsole).

import { ApiError, forgetKey, get, rememberKey, storedKey, whenUnauthorized } from "./api.js";
import { describeError, h } from "./dom.js";

// Route → page module. A page module exports `name` and `render(context)`.
const routes = {
  overview: () => import("./pages/overview.js"),
  shopper: () => import("./pages/shopper.js"),
  strategies: () => import("./pages/strategies.js"),
  experiments: () => import("./pages/experiments.js"),
  catalog: () => import("./pages/catalog.js"),
  trace: () => import("./pages/trace.js"),
};

const $ = (id) => document.getElementById(id);
let access = "unknown"; // "open" or "keys", from /readyz
let current = null; // the page on screen: {controller, leave: [functions]}

/** Announces `message` to screen readers (and shows nothing). */
export function announce(message) {
  $("status").textContent = message;
}

/** Leaves the page on screen: aborts its calls, stops its timers and charts. */
function leavePage() {
  if (!current) return;
  current.controller.abort();
  for (const leave of current.leave) {
    try { leave(); } catch (error) { console.error(error); }
  }
  current = null;
}

/** The hash route as [page, argument]: "#/experiments/exp-1" → ["experiments", "exp-1"]. */
function parseHash() {
  const path = location.hash.replace(/^#\/?/, "");
  const slash = path.indexOf("/");
  const page = slash < 0 ? path : path.slice(0, slash);
  let argument = slash < 0 ? "" : path.slice(slash + 1);
  try { argument = decodeURIComponent(argument); } catch { /* keep it as typed */ }
  return [page || "overview", argument];
}

async function route() {
  leavePage();
  document.body.dataset.ready = "false";
  if (storedKey() === null) return showLogin();
  const [name, argument] = parseHash();
  const page = $("page");
  for (const link of document.querySelectorAll("nav a")) {
    const active = link.getAttribute("href") === `#/${name}`;
    if (active) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  if (!routes[name]) {
    page.replaceChildren(h("h1", { tabindex: "-1" }, "No such page"), h("p", {}, h("a", { href: "#/overview" }, "Go to the overview")));
    return;
  }
  const controller = new AbortController();
  const here = { controller, leave: [] };
  current = here;
  const root = h("div", { class: "page" });
  page.replaceChildren(root);
  const context = {
    root,
    argument,
    signal: controller.signal,
    /** Marks the page interactive: its first data is on screen. */
    ready(pageName) {
      if (current !== here || document.body.dataset.ready === "true") return;
      document.body.dataset.page = pageName;
      document.body.dataset.ready = "true";
      window.TailorConsole = { readyMs: performance.now(), page: pageName };
    },
    /** Runs `leave` when the person leaves the page. */
    onLeave(leave) { here.leave.push(leave); },
    /** Repeats `task` every `ms` while the page is open (no overlapping runs). */
    every(ms, task) {
      let timer;
      const tick = async () => {
        try { await task(); } catch (error) { if (error.name !== "AbortError") console.warn(error); }
        if (current === here) timer = setTimeout(tick, ms);
      };
      timer = setTimeout(tick, ms);
      here.leave.push(() => clearTimeout(timer));
    },
    announce,
    isCurrent: () => current === here,
  };
  try {
    const module = await routes[name]();
    if (current !== here) return;
    await module.render(context);
  } catch (error) {
    if (error.name === "AbortError" || current !== here) return;
    console.error(error);
    root.append(h("div", { class: "alert alert-danger", role: "alert" }, `This page failed: ${describeError(error)}`));
  }
  // Focus the page's heading so keyboard and screen reader users start there.
  const heading = root.querySelector("h1");
  if (heading && current === here && !root.contains(document.activeElement)) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
}

function showLogin(message) {
  leavePage();
  document.body.dataset.ready = "false";
  $("page").replaceChildren();
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("login-view").hidden = false;
  $("login-open").hidden = true;
  $("key-field").hidden = false;
  $("login").textContent = "Log in";
  $("login-error").textContent = message || "";
  $("key").focus();
}

function showConsole() {
  $("nav").hidden = false;
  $("logout").hidden = access === "open";
  $("access-note").textContent = access === "open" ? "Open mode: no keys" : "";
  // In open mode the access notice stays above the page until dismissed with #login.
  const notice = access === "open" && sessionStorage.getItem("tailor.console.openSeen") !== "1";
  $("login-view").hidden = !notice;
  if (notice) {
    $("login-title").textContent = "No key needed";
    $("login-open").hidden = false;
    $("key-field").hidden = true;
    $("login").textContent = "Continue";
    $("login-error").textContent = "";
  }
}

async function logIn(event) {
  event.preventDefault();
  if (access === "open") {
    rememberKey("");
    sessionStorage.setItem("tailor.console.openSeen", "1");
    $("login-view").hidden = true;
    return;
  }
  const key = $("key").value.trim();
  if (!key) {
    $("login-error").textContent = "Type the admin key.";
    return;
  }
  $("login").disabled = true;
  $("login-error").textContent = "Checking the key…";
  try {
    await get("/v1/cluster", { key });
    rememberKey(key);
    $("key").value = "";
    $("login-error").textContent = "";
    showConsole();
    route();
  } catch (error) {
    $("login-error").textContent = error instanceof ApiError && (error.status === 401 || error.status === 403)
      ? `This key was refused (${error.status}): ${error.problem}`
      : `The key could not be checked: ${describeError(error)}`;
  } finally {
    $("login").disabled = false;
  }
}

function logOut() {
  forgetKey();
  sessionStorage.removeItem("tailor.console.openSeen");
  location.hash = "#/overview";
  showLogin("Logged out.");
}

async function start() {
  $("login-form").addEventListener("submit", logIn);
  $("logout").addEventListener("click", logOut);
  $("skip-link").addEventListener("click", (event) => {
    event.preventDefault(); // the hash is the router's
    $("main").focus();
  });
  window.addEventListener("hashchange", () => route());
  whenUnauthorized((error) => {
    forgetKey();
    showLogin(`The gateway refused the key (401): ${error.problem}. Log in again.`);
  });
  try {
    const readiness = await get("/readyz", { key: "" });
    access = readiness.access === "open" ? "open" : "keys";
  } catch (error) {
    access = "keys";
    $("access-note").textContent = `Gateway not ready: ${describeError(error)}`;
  }
  if (access === "open") {
    rememberKey("");
  } else if (sessionStorage.getItem("tailor.console.open") === "1") {
    forgetKey(); // the gateway takes keys now
  }
  if (storedKey() === null) return showLogin();
  showConsole();
  route();
}

start();
