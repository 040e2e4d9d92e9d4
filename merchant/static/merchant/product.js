/* Product detail: images, the facts editor (every schema field; extracted value
 * beside it; reset and clear per field), instructions, the prompt pack. */
(function () {
  "use strict";
  const { api, toast } = window.SeeItNow;
  const root = document.querySelector("[data-product]");
  const productId = root.dataset.product;
  const FIELDS = JSON.parse(document.getElementById("facts-fields").textContent);
  const form = document.querySelector("[data-facts]");
  const saveButton = document.querySelector("[data-save]");
  const TONES = { ready: "info", live: "success", preparing: "caution", failed: "critical" };
  const LABELS = { ready: "Ready", live: "Live", preparing: "Preparing", failed: "Failed", unprepared: "Not prepared" };
  let product = null;
  const controls = []; // {field, get(), set(v), node}

  const get = (obj, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
  const put = (obj, path, value) => {
    const keys = path.split(".");
    const last = keys.pop();
    const target = keys.reduce((o, k) => (o[k] = o[k] || {}), obj);
    target[last] = value;
  };
  const show = (v) => (v === null || v === undefined || v === "" ? "unknown"
    : Array.isArray(v) ? (v.length ? v.map((x) => (typeof x === "object" ? Object.values(x).filter(Boolean).join(" / ") : x)).join(", ") : "none")
    : String(v));
  const h = (tag, attrs = {}, html = "") => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) if (v != null) n.setAttribute(k, v);
    n.innerHTML = html;
    return n;
  };

  function simpleControl(field, label) {
    let node;
    if (field.kind === "enum") {
      node = h("s-select", { label, "data-path": field.path },
        field.options.map((o) => `<s-option value="${o}">${o.replace(/_/g, " ")}</s-option>`).join(""));
    } else if (field.kind === "number") {
      node = h("s-number-field", { label, suffix: field.unit, min: "0", step: "0.1", "data-path": field.path });
    } else if (field.kind === "list") {
      node = h("s-text-area", { label, rows: "2", details: "One per line", "data-path": field.path });
    } else {
      node = h("s-text-field", { label, "data-path": field.path });
    }
    return node;
  }

  function toControl(field, v) {
    if (field.kind === "list") return (v || []).join("\n");
    return v === null || v === undefined ? "" : String(v);
  }
  function fromControl(field, raw) {
    if (field.kind === "list") return raw.split("\n").map((s) => s.trim()).filter(Boolean);
    if (field.kind === "number") return raw === "" ? null : Number(raw);
    return raw;
  }
  const clearValue = (field) => (field.kind === "enum" ? (field.options.includes("unknown") ? "unknown" : field.options[field.options.length - 1])
    : field.kind === "number" ? null : field.kind === "list" || field.kind === "objects" ? [] : "");

  function objectsControl(field) {
    const node = h("div", { class: "sin-objects", "data-path": field.path });
    const list = h("div", { class: "sin-objects" });
    const add = h("s-button", { variant: "tertiary" }, `Add ${field.label.toLowerCase().replace(/s$/, "")}`);
    node.append(h("span", { class: "sin-field__label" }, field.label), list, add);
    const addRow = (item = {}) => {
      const row = h("div", { class: "sin-object" });
      field.fields.forEach((sub) => {
        const c = simpleControl(sub, sub.label);
        c.removeAttribute("data-path");
        c.dataset.sub = sub.name;
        row.append(c);
        requestAnimationFrame(() => { c.value = toControl(sub, item[sub.name] ?? (sub.kind === "enum" ? sub.options[0] : "")); });
      });
      const remove = h("s-button", { variant: "tertiary", tone: "critical" }, "Remove");
      remove.addEventListener("click", () => { row.remove(); changed(); });
      row.append(remove);
      list.append(row);
    };
    add.addEventListener("click", () => { addRow(); changed(); });
    return {
      node,
      get: () => [...list.children].map((row) => Object.fromEntries(field.fields.map((sub) => {
        const c = row.querySelector(`[data-sub="${sub.name}"]`);
        return [sub.name, fromControl(sub, c.value)];
      }))),
      set: (v) => { list.innerHTML = ""; (v || []).forEach(addRow); },
    };
  }

  function buildField(field, container) {
    if (field.kind === "group") {
      const group = h("div", { class: "sin-group" }, `<h3>${field.label}</h3>`);
      field.fields.forEach((f) => buildField(f, group));
      container.append(group);
      return;
    }
    const row = h("div", { class: "sin-fact", "data-field": field.path });
    let control;
    if (field.kind === "objects") {
      control = objectsControl(field);
    } else {
      const node = simpleControl(field, field.label);
      const set = (v) => {
        node.value = toControl(field, v);
        // A list shows all its lines, not the first two of them.
        if (field.kind === "list") {
          const rows = String(Math.max(2, (v || []).length));
          node.setAttribute("rows", rows);
          if (node.control) node.control.rows = Number(rows);
        }
      };
      control = { node, get: () => fromControl(field, node.value), set };
    }
    const extracted = h("div", { class: "sin-fact__extracted" });
    const buttons = h("div", { class: "sin-fact__buttons" });
    const reset = h("s-button", { variant: "tertiary", "aria-label": `Reset ${field.label}` }, "Reset");
    const clear = h("s-button", { variant: "tertiary", "aria-label": `Clear ${field.label}` }, "Clear");
    buttons.append(reset, clear);
    row.append(control.node, extracted, buttons);
    container.append(row);
    const entry = { field, row, extracted, ...control };
    reset.addEventListener("click", () => { entry.set(get(product.extracted_facts, field.path)); changed(); });
    clear.addEventListener("click", () => { entry.set(clearValue(field)); changed(); });
    controls.push(entry);
  }

  function collect() {
    const facts = {};
    controls.forEach((c) => put(facts, c.field.path, c.get()));
    return facts;
  }

  // What the form held once `fill` had settled: unsaved means different from it
  // (not from the JSON, which a control may spell differently, e.g. 45 vs 45.0).
  let baseline = null;
  const snapshot = () =>
    JSON.stringify([collect(), document.querySelector("[data-instructions]").value]);

  function changed() {
    controls.forEach((c) => {
      const edited = JSON.stringify(c.get() ?? null) !== JSON.stringify(get(product.extracted_facts, c.field.path) ?? null);
      c.row.classList.toggle("is-changed", edited);
    });
    const any = baseline !== null && snapshot() !== baseline;
    if (any) saveButton.removeAttribute("disabled"); else saveButton.setAttribute("disabled", "");
    saveBar(any);
  }

  // App Bridge's <ui-save-bar> when it is loaded; else the same element shown
  // as a fixed bar (merchant.css), with the labels App Bridge would provide.
  const bar = document.getElementById("facts-save-bar");
  const bridged = Boolean(customElements.get("ui-save-bar"));
  if (!bridged) {
    bar.classList.add("sin-save-bar");
    bar.setAttribute("role", "region");
    bar.setAttribute("aria-label", "Unsaved changes");
    const message = h("span", { class: "sin-save-bar__message" });
    message.textContent = "Unsaved changes";
    bar.prepend(message);
    bar.querySelector("[data-save-bar-save]").textContent = "Save";
    bar.querySelector("[data-save-bar-discard]").textContent = "Discard";
  }
  function saveBar(show) {
    if (bridged) { if (show) bar.show(); else bar.hide(); return; }
    bar.classList.toggle("is-visible", show);
  }
  function busy(on) {
    [saveButton, bar.querySelector("[data-save-bar-save]")].forEach((b) => (on ? b.setAttribute("loading", "") : b.removeAttribute("loading")));
    bar.querySelector("[data-save-bar-save]").disabled = on;
  }

  function fill(p) {
    product = p;
    const summary = document.querySelector("[data-summary]");
    summary.innerHTML = "";
    summary.append(h("s-badge", { tone: TONES[p.status] || null }, LABELS[p.status] || p.status));
    if (p.prompt_outdated) summary.append(h("s-badge", { tone: "warning" }, "Outdated prompt"));
    if (p.error_message) {
      const note = h("span", { class: "sin-note sin-note--error" });
      note.textContent = p.error_message;
      summary.append(note);
    }
    const source = document.querySelector("[data-source]");
    source.src = p.source_image_url || "";
    source.hidden = !p.source_image_url;
    const cutout = document.querySelector("[data-cutout]");
    cutout.src = p.cutout_url || "";
    cutout.hidden = !p.cutout_url;
    document.querySelector("[data-no-cutout]").hidden = Boolean(p.cutout_url);
    document.querySelector("[data-strategy]").textContent = p.prep_strategy ? `(${p.prep_strategy})` : "";
    const hasFacts = Boolean(p.resolved_facts);
    form.hidden = !hasFacts;
    if (hasFacts) {
      controls.forEach((c) => {
        c.set(get(p.resolved_facts, c.field.path));
        c.extracted.textContent = `Extracted: ${show(get(p.extracted_facts, c.field.path))}`;
      });
      document.querySelector("[data-instructions]").value = p.render_instructions || "";
    }
    const pack = document.querySelector("[data-pack]");
    if (p.prompt_pack) {
      pack.innerHTML = "";
      const dl = h("dl", { class: "sin-pack" });
      const add = (term, text) => { dl.append(h("dt", {}, term)); const dd = h("dd"); dd.textContent = text; dl.append(dd); };
      add("Product context", p.prompt_pack.product_context);
      p.prompt_pack.variants.forEach((v) => add(v.id, v.variation));
      pack.append(h("p", { class: "muted", "data-pack-version": p.prompt_pack_version }, `Prompt version ${p.prompt_pack_version}`), dl);
    }
    // Object rows set their fields on the next frame; take the baseline after.
    baseline = null;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      baseline = snapshot();
      changed();
    }));
  }

  function fail(error) {
    const banner = document.querySelector("[data-error]");
    const where = error.data && error.data.field ? ` (${error.data.field})` : "";
    banner.querySelector("[data-error-text]").textContent = error.message + where;
    banner.hidden = false;
    if (error.data && error.data.field) {
      const c = controls.find((x) => error.data.field === x.field.path || error.data.field.startsWith(x.field.path + "."));
      if (c && c.node.setAttribute) c.node.setAttribute("error", error.message);
    }
    toast(error.message, { error: true });
  }

  async function save() {
    busy(true);
    document.querySelector("[data-progress]").hidden = false;
    document.querySelector("[data-error]").hidden = true;
    controls.forEach((c) => c.node.removeAttribute && c.node.removeAttribute("error"));
    try {
      const data = await api(`/api/products/${productId}/overrides`, {
        method: "POST",
        body: { facts: collect(), render_instructions: document.querySelector("[data-instructions]").value },
      });
      fill(data.product);
      toast("Saved; prompt pack rebuilt");
    } catch (error) { fail(error); } finally {
      busy(false);
      document.querySelector("[data-progress]").hidden = true;
    }
  }

  async function load() {
    try { fill((await api(`/api/products/${productId}`)).product); } catch (error) { fail(error); }
  }

  FIELDS.forEach((f) => buildField(f, document.querySelector("[data-fields]")));
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => { event.preventDefault(); save(); });
  saveButton.addEventListener("click", save);
  bar.querySelector("[data-save-bar-save]").addEventListener("click", save);
  bar.querySelector("[data-save-bar-discard]").addEventListener("click", () => {
    controls.forEach((c) => c.node.removeAttribute && c.node.removeAttribute("error"));
    document.querySelector("[data-error]").hidden = true;
    fill(product);
  });
  document.querySelector("[data-reprepare]").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.setAttribute("loading", "");
    try {
      await api(`/api/products/${productId}/prepare`, { method: "POST" });
      toast("Preparation started");
      const poll = setInterval(async () => {
        const p = (await api(`/api/products/${productId}`)).product;
        if (p.status !== "preparing") { clearInterval(poll); button.removeAttribute("loading"); fill(p); }
      }, 2000);
    } catch (error) { button.removeAttribute("loading"); fail(error); }
  });
  document.querySelector("[data-upload-button]").addEventListener("click", async (event) => {
    const file = document.getElementById("cutout-file").files[0];
    if (!file) { toast("Choose a PNG first", { error: true }); return; }
    const button = event.currentTarget;
    const data = new FormData();
    data.append("cutout", file);
    button.setAttribute("loading", "");
    try {
      await api(`/api/products/${productId}/cutout`, { method: "POST", form: data });
      toast("Cutout replaced");
      await load();
    } catch (error) { fail(error); } finally { button.removeAttribute("loading"); }
  });
  load();
})();
