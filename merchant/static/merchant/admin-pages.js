// Settings and Monitor: save settings, change plan, open Shopify pages top-level.
// Works with Polaris web components loaded (embedded) and without (local fallback).
(function () {
  "use strict";


  async function api(url, body) {
    const headers = { "Content-Type": "application/json" };
    // Embedded: App Bridge hands out a fresh session token per request.
    if (window.shopify && window.shopify.idToken) {
      headers.Authorization = "Bearer " + (await window.shopify.idToken());
    }
    const response = await fetch(url, {
      method: "POST", headers, credentials: "same-origin", body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || "Something went wrong.");
    return data;
  }

  // Shopify's confirmation and theme editor pages refuse to load in the app iframe.
  function openTop(url) {
    if (window.shopify) window.open(url, "_top");
    else window.top.location.href = url;
  }

  // Polaris' elements, or the shell's stand-ins for them, both expose the
  // control's value (`value`, `checked`) on the element itself.
  function fieldValue(tag, name) {
    const el = document.querySelector(tag + '[name="' + name + '"]');
    return tag === "s-checkbox" ? el.checked : el.value;
  }

  function onPress(el, handler) {
    if (!el) return;
    el.addEventListener("click", handler);
    el.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); handler(event); }
    });
  }

  const form = document.getElementById("settings-form");
  if (form) {
    const status = document.getElementById("settings-status");
    const offer = document.getElementById("reprepare-offer");
    const save = async (event) => {
      event.preventDefault();
      status.textContent = "Saving…";
      try {
        const data = await api(form.dataset.api, {
          prompt_addition: fieldValue("s-text-area", "prompt_addition"),
          auto_reprepare: fieldValue("s-checkbox", "auto_reprepare"),
        });
        status.textContent = "Saved.";
        offer.hidden = !data.reprepare_suggested;
      } catch (error) {
        status.textContent = error.message;
      }
    };
    form.addEventListener("submit", save);
    onPress(document.getElementById("save"), save);
    const reprepare = document.getElementById("reprepare");
    onPress(reprepare, async () => {
      try {
        const data = await api(reprepare.dataset.api);
        status.textContent = data.queued.length + " products queued for preparation.";
        offer.hidden = true;
      } catch (error) {
        status.textContent = error.message;
      }
    });
  }

  const plans = document.querySelector(".plans");
  if (plans) {
    const status = document.getElementById("plan-status");
    plans.querySelectorAll(".choose-plan").forEach((button) => {
      onPress(button, async () => {
        status.textContent = "Asking Shopify…";
        try {
          const data = await api(plans.dataset.api, { plan: button.dataset.plan });
          if (data.confirmation_url) openTop(data.confirmation_url);
          else window.location.reload();
        } catch (error) {
          status.textContent = error.message;
        }
      });
    });
  }

  const editor = document.getElementById("theme-editor");
  onPress(editor, (event) => {
    event.preventDefault();
    openTop(editor.getAttribute("href"));
  });

  document.querySelectorAll("s-button[href]:not(#theme-editor)").forEach((link) => {
    onPress(link, () => { window.location.href = link.getAttribute("href"); });
  });
})();
