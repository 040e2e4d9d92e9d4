/* The shell's behaviour: talking to the app's JSON API, toasts, and small
 * stand-ins for Polaris web components when Shopify's CDN script did not load
 * (local development, tests). Page scripts use window.SeeItNow. */
(function () {
  "use strict";

  const appBridge = () => (window.shopify && window.shopify.idToken ? window.shopify : null);

  async function api(path, { method = "GET", body, form } = {}) {
    const headers = { Accept: "application/json" };
    const bridge = appBridge();
    if (bridge) headers.Authorization = `Bearer ${await bridge.idToken()}`;
    let payload;
    if (form) payload = form;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const response = await fetch(path, {
      method, headers, body: payload, credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) {
      const error = new Error(data.message || `Request failed (${response.status}).`);
      error.code = data.error || "http_" + response.status;
      error.status = response.status;
      error.data = data;
      throw error;
    }
    return data;
  }

  // A warning is an action that worked with a caveat: App Bridge has only
  // error/normal toasts, so it shows as an error there and amber locally.
  function toast(message, { error = false, warning = false } = {}) {
    const bridge = window.shopify;
    if (bridge && bridge.toast && bridge.toast.show) {
      bridge.toast.show(message, { isError: error || warning, duration: warning ? 10000 : 5000 });
      return;
    }
    const holder = document.querySelector("[data-toasts]");
    if (!holder) return;
    const item = document.createElement("div");
    item.className = "sin-toast" + (error ? " sin-toast--error" : "") + (warning ? " sin-toast--warning" : "");
    item.setAttribute("data-tone", error ? "error" : warning ? "warning" : "info");
    item.textContent = message;
    holder.append(item);
    const stay = warning ? 10000 : 4000;
    setTimeout(() => item.classList.add("is-leaving"), stay);
    setTimeout(() => item.remove(), stay + 400);
  }

  function appUrl(path) {
    return path + (document.body.dataset.appQuery || "");
  }

  window.SeeItNow = { api, toast, appUrl };

  // ---- Stand-ins for Polaris web components (only when polaris.js is absent) ----
  if (customElements.get("s-page")) {
    document.documentElement.classList.add("has-polaris");
    return;
  }
  document.documentElement.classList.add("no-polaris");

  const el = (tag, attrs = {}, text) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  let uid = 0;

  class Page extends HTMLElement {
    connectedCallback() {
      if (this._built) return;
      this._built = true;
      const header = el("div", { class: "sin-page__header" });
      const crumbs = this.querySelectorAll(':scope > [slot="breadcrumb-actions"]');
      const title = el("div", { class: "sin-page__title" });
      crumbs.forEach((c) => title.append(c));
      title.append(el("h1", {}, this.getAttribute("heading") || ""));
      header.append(title);
      const actions = el("div", { class: "sin-page__actions" });
      this.querySelectorAll(':scope > [slot="secondary-actions"], :scope > [slot="primary-action"]')
        .forEach((a) => actions.append(a));
      header.append(actions);
      this.prepend(header);
    }
  }

  class Section extends HTMLElement {
    connectedCallback() {
      if (this._built || !this.getAttribute("heading")) return;
      this._built = true;
      this.prepend(el("h2", { class: "sin-section__heading" }, this.getAttribute("heading")));
    }
  }

  class Button extends HTMLElement {
    static get observedAttributes() { return ["disabled", "loading"]; }
    connectedCallback() {
      if (this._built) return;
      this._built = true;
      this.setAttribute("role", "button");
      this.attributeChangedCallback();
      this.addEventListener("click", (event) => {
        if (this.hasAttribute("disabled") || this.hasAttribute("loading")) {
          event.stopImmediatePropagation();
          event.preventDefault();
          return;
        }
        const href = this.getAttribute("href");
        if (href) window.location.href = href;
      });
      this.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); this.click(); }
      });
    }
    attributeChangedCallback() {
      const off = this.hasAttribute("disabled") || this.hasAttribute("loading");
      this.setAttribute("tabindex", off ? "-1" : "0");
      this.setAttribute("aria-disabled", off ? "true" : "false");
      this.setAttribute("aria-busy", this.hasAttribute("loading") ? "true" : "false");
    }
  }

  class Link extends HTMLElement {
    connectedCallback() {
      if (this._built) return;
      this._built = true;
      const a = el("a", { href: this.getAttribute("href"), "aria-current": this.getAttribute("aria-current") });
      while (this.firstChild) a.append(this.firstChild);
      this.append(a);
    }
  }

  // Form fields: a label and a native control in light DOM, exposing `value`
  // like Polaris' fields do; native input/change events bubble from inside.
  class Field extends HTMLElement {
    static get observedAttributes() { return ["error"]; }
    connectedCallback() {
      if (this._built) return;
      this._built = true;
      const id = `sin-field-${++uid}`;
      const label = el("label", { for: id, class: "sin-field__label" }, this.getAttribute("label") || "");
      if (this.getAttribute("label-accessibility-visibility") === "exclusive") label.classList.add("sin-sr-only");
      this.control = this.buildControl(id);
      const row = el("div", { class: "sin-field__row" });
      if (this.getAttribute("prefix")) row.append(el("span", { class: "sin-field__affix" }, this.getAttribute("prefix")));
      row.append(this.control);
      if (this.getAttribute("suffix")) row.append(el("span", { class: "sin-field__affix" }, this.getAttribute("suffix")));
      this.errorNode = el("div", { class: "sin-field__error", id: `${id}-error` });
      this.append(label, row);
      if (this.getAttribute("details")) this.append(el("div", { class: "sin-field__details" }, this.getAttribute("details")));
      this.append(this.errorNode);
      this.attributeChangedCallback();
    }
    attributeChangedCallback() {
      if (!this.errorNode) return;
      const error = this.getAttribute("error") || "";
      this.errorNode.textContent = error;
      this.control.setAttribute("aria-invalid", error ? "true" : "false");
      if (error) this.control.setAttribute("aria-describedby", this.errorNode.id);
    }
    get value() { return this.control ? this.control.value : this.getAttribute("value") || ""; }
    set value(v) { if (this.control) this.control.value = v; else this.setAttribute("value", v); }
    focus() { if (this.control) this.control.focus(); }
  }

  class TextField extends Field {
    buildControl(id) {
      const type = this.localName === "s-number-field" ? "number"
        : this.localName === "s-search-field" ? "search" : "text";
      const input = el("input", {
        id, type, name: this.getAttribute("name"), placeholder: this.getAttribute("placeholder"),
        min: this.getAttribute("min"), max: this.getAttribute("max"), step: this.getAttribute("step"),
        autocomplete: "off",
      });
      input.value = this.getAttribute("value") || "";
      return input;
    }
  }

  class TextArea extends Field {
    buildControl(id) {
      const area = el("textarea", { id, name: this.getAttribute("name"), rows: this.getAttribute("rows") || "3" });
      area.value = this.getAttribute("value") || "";
      return area;
    }
  }

  class Select extends Field {
    buildControl(id) {
      const select = el("select", { id, name: this.getAttribute("name") });
      this.querySelectorAll("s-option").forEach((option) => {
        select.append(el("option", { value: option.getAttribute("value") }, option.textContent));
        option.remove();
      });
      select.value = this.getAttribute("value") || "";
      return select;
    }
  }

  class Checkbox extends HTMLElement {
    connectedCallback() {
      if (this._built) return;
      this._built = true;
      const id = `sin-field-${++uid}`;
      this.control = el("input", { id, type: "checkbox", name: this.getAttribute("name") });
      this.control.checked = this.hasAttribute("checked");
      this.append(this.control, el("label", { for: id }, this.getAttribute("label") || ""));
    }
    get checked() { return this.control ? this.control.checked : this.hasAttribute("checked"); }
    set checked(v) { if (this.control) this.control.checked = v; }
  }

  class Thumbnail extends HTMLElement {
    connectedCallback() {
      if (this._built) return;
      this._built = true;
      const src = this.getAttribute("src");
      if (src) this.append(el("img", { src, alt: this.getAttribute("alt") || "" }));
    }
  }

  class Banner extends HTMLElement {
    connectedCallback() {
      if (this._built) return;
      this._built = true;
      this.setAttribute("role", this.getAttribute("tone") === "critical" ? "alert" : "status");
      if (this.getAttribute("heading")) this.prepend(el("strong", { class: "sin-banner__heading" }, this.getAttribute("heading")));
    }
  }

  const defs = {
    "s-page": Page, "s-section": Section, "s-button": Button, "s-link": Link,
    "s-text-field": TextField, "s-number-field": class extends TextField {},
    "s-search-field": class extends TextField {}, "s-text-area": TextArea,
    "s-select": Select, "s-checkbox": Checkbox, "s-thumbnail": Thumbnail, "s-banner": Banner,
  };
  for (const [name, cls] of Object.entries(defs)) customElements.define(name, cls);
})();
