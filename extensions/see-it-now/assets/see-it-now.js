/* See It Now — the app block's loader for the "See it in your home" button.
 *
 * Shopify loads this file on every product page that has the block, so it stays
 * small and renders nothing: the modal (see-it-now-modal.js, whose URL the block
 * passes in `data-modal-src`) is fetched the first time a shopper reaches for the
 * button (hover, focus or touch starts the download, the click opens it). Vanilla
 * JS; the modal comes from the same place as this file (the theme's asset CDN).
 */
(function () {
  "use strict";

  var loading = null;

  function loadModal(src) {
    if (window.SeeItNowModal) return Promise.resolve(window.SeeItNowModal);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = function () {
          if (window.SeeItNowModal) resolve(window.SeeItNowModal);
          else reject(new Error("see-it-now: the modal did not register"));
        };
        script.onerror = function () {
          // Forget the failed attempt, so the next click tries again.
          script.remove();
          loading = null;
          reject(new Error("see-it-now: the modal could not be loaded"));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  // The block's translated "offline" title, shown if the modal cannot be fetched.
  function offlineText(root) {
    try {
      var tag = root.querySelector("script[data-see-it-now-config]") ||
        root.querySelector('script[type="application/json"]');
      var text = JSON.parse(tag.textContent).strings["errors.network.title"];
      if (!text) return "";
      var area = document.createElement("textarea");
      area.innerHTML = text;
      return area.value;
    } catch (error) {
      return "";
    }
  }

  function init(root) {
    var opener = root.querySelector("[data-see-it-now-open]");
    var src = root.dataset.modalSrc;
    if (root.dataset.seeItNowReady || !opener || !src) return;
    root.dataset.seeItNowReady = "1";

    // Themes announce a variant switch as `variant:change` (detail.variant) or
    // as a change of the product form's `id` field; the render follows it.
    function track(id) { if (id) root.dataset.variantCurrent = String(id); }
    document.addEventListener("variant:change", function (event) {
      var detail = event.detail || {};
      track((detail.variant || detail.resource || {}).id);
    });
    document.addEventListener("change", function (event) {
      var field = event.target;
      if (field.name === "id" && field.closest('form[action*="/cart/add"]')) {
        track(field.value);
      }
    });

    function prefetch() { loadModal(src).catch(function () {}); }
    ["pointerenter", "touchstart", "focus"].forEach(function (type) {
      opener.addEventListener(type, prefetch, { once: true, passive: true });
    });

    opener.addEventListener("click", function () {
      if (opener.getAttribute("aria-busy") === "true") return;
      opener.setAttribute("aria-busy", "true");
      var notice = root.querySelector("[data-see-it-now-notice]");
      if (notice) notice.remove();
      loadModal(src).then(function (modal) {
        opener.removeAttribute("aria-busy");
        modal.open(root);
      }, function (error) {
        opener.removeAttribute("aria-busy");
        var text = offlineText(root);
        if (text) {
          notice = document.createElement("p");
          notice.className = "sin-notice";
          notice.setAttribute("role", "alert");
          notice.setAttribute("data-see-it-now-notice", "");
          notice.textContent = text;
          opener.insertAdjacentElement("afterend", notice);
        }
        if (window.console) console.warn(error.message);
      });
    });
  }

  function initAll(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("[data-see-it-now]"), init);
  }

  initAll(document);
  // The theme editor re-renders a section in place when the merchant edits it.
  document.addEventListener("shopify:section:load", function (event) {
    initAll(event.target);
  });
})();
