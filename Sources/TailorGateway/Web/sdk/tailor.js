/*
 * tailor.js: Tailor's storefront snippet (docs/storefront.md). Plain ES2017, no dependency.
 *
 *   <script src="https://tailor.example/sdk/tailor.js" data-key="tk_public_…" async></script>
 *
 * Renders recommendations into elements, and sends the outcome loop's events: an
 * impression once an item is half visible, a click when it is clicked, and the views,
 * carts and searches the page reports with Tailor.track. It never throws into the page:
 * a refused call marks its element with data-tailor-error, logs one warning and rejects.
 */
(() => {
  'use strict';
  if (window.Tailor) return;

  const script = document.currentScript;
  const config = {};
  let queue = [];
  let timer = 0;
  let retryDelay = 0;
  const batchSize = 20;
  /** Events kept for sending again at most; the oldest go first. */
  const maxQueued = 1000;

  // MARK: Identity and storage

  const randomID = (prefix) =>
    prefix + Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) => b.toString(16).padStart(2, '0')).join('');

  /** The value kept under `name` in local or session storage, made once (storage may be off). */
  function kept(storage, name, make) {
    try {
      let value = window[storage].getItem(name);
      if (!value) { value = make(); window[storage].setItem(name, value); }
      return value;
    } catch (e) {
      return make();
    }
  }

  /** Products clicked in a recommendation this tab, with its id, so a later add to cart carries it. */
  function clickedVia() {
    try { return JSON.parse(sessionStorage.getItem('tailor_via')) || {}; } catch (e) { return {}; }
  }

  function rememberClick(product, recommendationId) {
    const via = clickedVia();
    delete via[product];
    via[product] = recommendationId;
    const names = Object.keys(via);
    names.slice(0, Math.max(0, names.length - 50)).forEach((name) => delete via[name]);
    try { sessionStorage.setItem('tailor_via', JSON.stringify(via)); } catch (e) { /* storage off */ }
  }

  /** Settings: later ones win; missing values (undefined, null, '') change nothing. */
  function init(options) {
    Object.keys(options || {}).forEach((name) => {
      const value = options[name];
      if (value !== undefined && value !== null && value !== '') config[name] = value;
    });
    if (!config.user) config.user = kept('localStorage', 'tailor_anon', () => randomID('anon-'));
    if (!config.session) config.session = kept('sessionStorage', 'tailor_session', () => randomID('s-'));
    return Tailor;
  }

  // MARK: Calls

  /** POSTs `body` to the API; resolves with the JSON answer, rejects with "<status> <problem>"
   * (the error's `status`: 0 when the request got no answer). */
  async function call(path, body, keepalive) {
    const headers = { 'content-type': 'application/json' };
    if (config.key) headers.authorization = 'Bearer ' + config.key;
    let response;
    try {
      response = await fetch(config.api.replace(/\/$/, '') + path, {
        method: 'POST', headers, body: JSON.stringify(body), keepalive: !!keepalive, credentials: 'omit',
      });
    } catch (e) {
      // The browser hides the answer of a gateway that refuses this page's origin.
      throw Object.assign(new Error('0 network error or origin refused (is this page\'s origin one of the key\'s origins?)'), { status: 0 });
    }
    let answer = {};
    try { answer = await response.json(); } catch (e) { /* no JSON body */ }
    if (!response.ok) {
      const problem = (answer.error && answer.error.problem) || response.statusText;
      throw Object.assign(new Error(response.status + ' ' + problem), { status: response.status });
    }
    return answer;
  }

  // MARK: Events

  /** Queues one event, filled with the shopper, the session, an id and the time. */
  function track(event) {
    try {
      const full = Object.assign({ id: randomID('e-'), user: config.user, session: config.session, at: new Date().toISOString() }, event);
      if (!full.recommendationId && full.type === 'add_to_cart' && full.product) {
        const via = clickedVia()[full.product];
        if (via) full.recommendationId = via;
      }
      queue.push(full);
      // A full batch goes at once, unless a failed one is waiting for its retry.
      if (queue.length >= batchSize && !retryDelay) flush();
      else if (!timer) timer = setTimeout(flush, 1000);
    } catch (e) {
      console.warn('Tailor: track: ' + e.message);
    }
  }

  /** Sends the queued events, 20 a request; `keepalive` lets them outlive the page.
   * A batch that got no answer, 429 or a 5xx is queued again, with the same ids (the
   * cluster counts an event once), and sent after 1 s, doubling to 30 s; other refusals
   * are final. */
  function flush(keepalive) {
    clearTimeout(timer);
    timer = 0;
    while (queue.length) {
      const events = queue.slice(0, batchSize);
      queue = queue.slice(batchSize);
      call('/v1/events', { events }, keepalive).then(() => { retryDelay = 0; }, (e) => {
        console.warn('Tailor: events: ' + e.message);
        if (e.status && e.status !== 429 && e.status < 500) return;
        queue = events.concat(queue).slice(-maxQueued);
        retryDelay = Math.min(30000, retryDelay * 2 || 1000);
        if (!timer) timer = setTimeout(flush, retryDelay);
      });
    }
  }

  // Impressions: one per item, once at least half of it is on screen.
  const seen = 'IntersectionObserver' in window
    ? new IntersectionObserver((entries) => {
      const shown = {};
      entries.forEach((entry) => {
        if (!entry.isIntersecting || entry.intersectionRatio < 0.5) return;
        seen.unobserve(entry.target);
        const at = entry.target.tailorShown;
        (shown[at.recommendationId] = shown[at.recommendationId] || []).push(...at.products);
      });
      Object.keys(shown).forEach((id) => track({ type: 'impression', recommendationId: id, products: shown[id] }));
    }, { threshold: 0.5 })
    : null;

  function watch(node, recommendationId, products) {
    node.tailorShown = { recommendationId, products };
    if (seen) seen.observe(node);
    else track({ type: 'impression', recommendationId, products });
  }

  // MARK: Rendering

  const escapeHTML = (text) => String(text === undefined || text === null ? '' : text)
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' })[c]);

  /** The item's value for a template name: the answer's fields, price with two decimals, url filled in. */
  function field(item, name) {
    if (name === 'price') return Number(item.price).toFixed(2);
    if (name === 'url') {
      return item.url || (config.productURL || '#').replace(/\{\{\s*product\s*\}\}/g, encodeURIComponent(item.product));
    }
    return item[name];
  }

  const fill = (text, item) => text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => escapeHTML(field(item, name)));

  const defaultTemplate = '<li class="tailor-item"><a href="{{url}}">{{title}}</a> <span class="tailor-price">{{price}}</span>'
    + '<br><small class="tailor-reason">{{reason}}</small></li>';

  function element(html) {
    const holder = document.createElement('template');
    holder.innerHTML = String(html).trim();
    const first = holder.content.firstElementChild;
    if (first && holder.content.childNodes.length === 1) return first;
    const wrapper = document.createElement('div');
    wrapper.appendChild(holder.content);
    return wrapper;
  }

  /** One item's node from the template: a string, a <template> element or a function(item). */
  function itemNode(template, item) {
    if (typeof template === 'function') {
      const made = template(item);
      return made instanceof Element ? made : element(made);
    }
    if (template instanceof HTMLTemplateElement) return element(fill(template.innerHTML, item));
    return element(fill(template || defaultTemplate, item));
  }

  function show(target, answer, template) {
    target.querySelectorAll('[data-product]').forEach((node) => seen && seen.unobserve(node));
    const items = answer.items || [];
    const nodes = items.map((item) => {
      const node = itemNode(template, item);
      node.setAttribute('data-product', item.product);
      node.setAttribute('data-position', item.position);
      return node;
    });
    const holder = template ? target : document.createElement('ul');
    if (!template) holder.className = 'tailor-list';
    target.textContent = '';
    nodes.forEach((node) => holder.appendChild(node));
    if (holder !== target) target.appendChild(holder);
    target.setAttribute('data-recommendation-id', answer.recommendationId);
    target.removeAttribute('data-tailor-error');
    nodes.forEach((node, index) => watch(node, answer.recommendationId, [items[index].product]));
    // An answer with no items (a holdout) was still shown: its impression names none.
    if (!items.length) watch(target, answer.recommendationId, []);
    if (!target.tailorClicks) {
      target.tailorClicks = true;
      target.addEventListener('click', (event) => {
        const node = event.target.closest && event.target.closest('[data-product]');
        const recommendationId = target.getAttribute('data-recommendation-id');
        if (!node || !target.contains(node) || !recommendationId) return;
        const product = node.getAttribute('data-product');
        rememberClick(product, recommendationId);
        track({ type: 'click', product, recommendationId });
        flush(true);
      });
    }
  }

  /** Asks for a placement's recommendations and renders them into `target` (an element or a selector). */
  async function render(target, options) {
    const opts = options || {};
    const into = typeof target === 'string' ? document.querySelector(target) : target;
    try {
      if (!into) throw new Error('0 no element ' + target);
      const answer = await call('/v1/recommendations', {
        user: config.user, session: config.session, placement: opts.placement,
        k: opts.k, context: opts.context, strategy: opts.strategy,
      });
      show(into, answer, opts.template);
      return answer;
    } catch (e) {
      if (into) into.setAttribute('data-tailor-error', e.message);
      console.warn('Tailor: ' + (opts.placement || 'render') + ': ' + e.message);
      throw e;
    }
  }

  /** Decision points (POST /v1/decisions): `{points, context, k}`. */
  async function decide(options) {
    try {
      return await call('/v1/decisions', Object.assign({ user: config.user, session: config.session }, options));
    } catch (e) {
      console.warn('Tailor: decide: ' + e.message);
      throw e;
    }
  }

  /** Renders every `[data-tailor-placement]` element not rendered yet, from its data attributes. */
  function renderPlacements() {
    document.querySelectorAll('[data-tailor-placement]').forEach((node) => {
      const data = node.dataset;
      if (data.tailorAuto === 'off' || node.hasAttribute('data-recommendation-id')) return;
      let context = {};
      try { context = JSON.parse(data.tailorContext || '{}'); } catch (e) { console.warn('Tailor: data-tailor-context is not JSON'); }
      if (data.tailorProduct) context.product = data.tailorProduct;
      render(node, {
        placement: data.tailorPlacement, k: data.tailorK ? Number(data.tailorK) : undefined, strategy: data.tailorStrategy,
        context, template: data.tailorTemplate ? document.querySelector(data.tailorTemplate) : undefined,
      }).catch(() => { /* marked and logged by render */ });
    });
  }

  const Tailor = {
    init, render, track, decide, flush: () => flush(true), renderPlacements,
    /** The shopper and session the snippet sends. */
    shopper: () => ({ user: config.user, session: config.session }),
    /** The recommendation through which `product` was last clicked in this tab, if any. */
    recommendationFor: (product) => clickedVia()[product],
  };
  window.Tailor = Tailor;

  const data = script ? script.dataset : {};
  init({ api: script ? new URL(script.src).origin : location.origin });
  init({ key: data.key, api: data.api, user: data.user, productURL: data.productUrl });
  init(window.tailorSettings);
  window.addEventListener('pagehide', () => flush(true));
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(true); });
  document.dispatchEvent(new Event('tailor:ready'));
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', renderPlacements);
  else renderPlacements();
})();
