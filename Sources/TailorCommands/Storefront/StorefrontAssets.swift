/// The demo storefront's own style sheet and script, served at `/shop.css` and
/// `/shop.js`. The script is the shop's part of the page — the cart in localStorage,
/// the shopper switcher, the checkout form — and calls tailor.js as any shop's would.
enum StorefrontAssets {
    static let script = #"""
        // The demo shop's own script (loaded before tailor.js, which it tells who browses).
        const Shop = (() => {
          'use strict';
          const read = (storage, name) => { try { return window[storage].getItem(name); } catch (e) { return null; } };
          const shopper = read('localStorage', 'demo_shopper');
          // tailor.js reads these when it loads: a chosen demo shopper, or its anonymous id.
          window.tailorSettings = { user: shopper || undefined };

          const cart = () => { try { return JSON.parse(read('localStorage', 'demo_cart')) || []; } catch (e) { return []; } };
          const byId = (id) => document.getElementById(id);
          function saveCart(lines) {
            localStorage.setItem('demo_cart', JSON.stringify(lines));
            showCount();
          }
          function showCount() {
            const count = byId('cart-count');
            if (count) count.textContent = cart().reduce((sum, line) => sum + line.quantity, 0);
          }
          /** Runs `then(Tailor)` once tailor.js has loaded (it loads async, from the gateway). */
          function whenTailor(then) {
            if (window.Tailor) then(window.Tailor);
            else document.addEventListener('tailor:ready', () => then(window.Tailor));
          }

          function header() {
            const select = byId('shopper');
            select.value = shopper || '';
            select.addEventListener('change', () => {
              if (select.value) localStorage.setItem('demo_shopper', select.value);
              else localStorage.removeItem('demo_shopper');
              location.reload();
            });
            showCount();
            whenTailor((tailor) => { byId('who').textContent = tailor.shopper().user + (shopper ? '' : ' (a new visitor)'); });
          }

          function productPage() {
            const button = byId('add-to-cart');
            const product = button.dataset.productId;
            whenTailor((tailor) => tailor.track({ type: 'view', product }));
            button.addEventListener('click', () => {
              const via = window.Tailor ? window.Tailor.recommendationFor(product) : undefined;
              const lines = cart();
              const line = lines.find((each) => each.product === product);
              if (line) {
                line.quantity += 1;
                if (via) line.recommendationId = via;
              } else {
                lines.push({ product, title: button.dataset.title, price: Number(button.dataset.price), quantity: 1, recommendationId: via });
              }
              saveCart(lines);
              whenTailor((tailor) => tailor.track({ type: 'add_to_cart', product, recommendationId: via }));
              byId('added').hidden = false;
            });
          }

          function cartPage() {
            const lines = cart();
            const body = byId('cart-lines');
            lines.forEach((line, index) => {
              const row = body.insertRow();
              const link = document.createElement('a');
              link.href = '/p/' + encodeURIComponent(line.product);
              link.textContent = line.title;
              link.setAttribute('data-product-link', line.product);
              row.insertCell().appendChild(link);
              row.insertCell().textContent = line.quantity;
              row.insertCell().textContent = '€' + (line.price * line.quantity).toFixed(2);
              const remove = document.createElement('button');
              remove.type = 'button';
              remove.textContent = 'Remove';
              remove.addEventListener('click', () => {
                lines.splice(index, 1);
                saveCart(lines);
                whenTailor((tailor) => { tailor.track({ type: 'remove_from_cart', product: line.product }); tailor.flush(); });
                location.reload();
              });
              row.insertCell().appendChild(remove);
            });
            byId('cart-empty').hidden = lines.length > 0;
            byId('place-order').disabled = lines.length === 0;
            // Set before tailor.js renders the placements (it waits for DOMContentLoaded).
            const context = JSON.stringify({ cart: lines.map((line) => line.product) });
            document.querySelectorAll('[data-tailor-placement]').forEach((node) => node.setAttribute('data-tailor-context', context));
            const form = byId('checkout');
            form.addEventListener('submit', () => {
              const who = window.Tailor ? window.Tailor.shopper() : {};
              form.elements.cart.value = JSON.stringify(lines.map((line) => ({
                product: line.product, quantity: line.quantity, recommendationId: line.recommendationId,
              })));
              form.elements.user.value = who.user || shopper || read('localStorage', 'tailor_anon') || 'anonymous';
              form.elements.session.value = who.session || read('sessionStorage', 'tailor_session') || '';
            });
          }

          function searchPage() {
            const results = document.querySelector('[data-search]');
            whenTailor((tailor) => tailor.track({ type: 'search', query: results.dataset.search }));
          }

          function clearCart() {
            try { localStorage.removeItem('demo_cart'); } catch (e) { /* storage off */ }
            showCount();
          }

          return { header, productPage, cartPage, searchPage, clearCart, whenTailor };
        })();

        """#

    static let css = """
        body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
        header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .75rem 1.5rem; background: #1d2430; color: #fff; }
        header a { color: #fff; text-decoration: none; }
        header .brand { font-weight: 700; font-size: 1.15rem; }
        header .search { flex: 1; }
        header .search input { width: 100%; max-width: 28rem; padding: .35rem .6rem; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
        footer { text-align: center; color: #667; padding: 1rem; font-size: .85rem; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .75rem; }
        .card { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: .75rem; }
        .card a { font-weight: 600; color: #1d4ed8; text-decoration: none; }
        .card .price, .product .price { font-weight: 700; margin-top: .25rem; }
        .card .reason, .card .meta, .crumbs, .count, .meta { color: #667; font-size: .85rem; }
        .placement { margin: 1.5rem 0; }
        .placement h2 { font-size: 1.05rem; }
        [data-tailor-error]::after { content: "(recommendations unavailable: " attr(data-tailor-error) ")"; color: #a33; font-size: .85rem; }
        .departments li { margin: .35rem 0; }
        .departments a { color: #1d4ed8; }
        .product { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 1rem 1.25rem; }
        .product dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
        .product dt { color: #667; }
        .product dd { margin: 0; }
        button { padding: .45rem 1rem; border-radius: 4px; border: 1px solid #1d4ed8; background: #1d4ed8; color: #fff; cursor: pointer; }
        button:disabled { opacity: .5; cursor: default; }
        table.cart { border-collapse: collapse; background: #fff; margin-bottom: 1rem; }
        table.cart td, table.cart th { border-bottom: 1px solid #dde1e7; padding: .4rem .8rem; text-align: left; }
        table.cart button { background: #fff; color: #1d4ed8; padding: .2rem .6rem; }

        """
}
