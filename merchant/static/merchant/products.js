/* Products page: rows from GET /api/products, actions, live progress while any
 * product is preparing (polled every 2 s). */
(function () {
  "use strict";
  const { api, toast, appUrl } = window.SeeItNow;
  const root = document.querySelector("[data-products]");
  const rowsNode = root.querySelector("[data-rows]");
  const TONES = { ready: "info", live: "success", preparing: "caution", failed: "critical", unprepared: "" };
  const LABELS = { ready: "Ready", live: "Live", preparing: "Preparing", failed: "Failed", unprepared: "Not prepared" };
  let rows = [];
  let nextCursor = null;
  let poller = null;
  let batch = null; // product ids queued by the last batch, for the progress bar
  const selected = new Set();

  const escape = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  function showBanner(name, message) {
    const banner = root.querySelector(`[data-${name}]`);
    banner.querySelector(`[data-${name}-text]`).textContent = message;
    banner.hidden = !message;
  }
  const showError = (message) => showBanner("error", message);
  const showWarning = (message) => showBanner("warning", message);

  function rowHtml(p) {
    const detail = appUrl(`/app/products/${p.product_id}`);
    const thumb = p.image_url ? `<s-thumbnail src="${escape(p.image_url)}" alt="" size="small"></s-thumbnail>` : `<s-thumbnail size="small"></s-thumbnail>`;
    const badge = `<s-badge tone="${TONES[p.status] || ""}">${p.status === "preparing" ? "<s-spinner></s-spinner> " : ""}${LABELS[p.status] || p.status}</s-badge>`;
    const outdated = p.prompt_outdated ? ` <s-badge tone="warning">Outdated prompt</s-badge>` : "";
    const note = p.error_message ? `<span class="sin-note sin-note--error">${escape(p.error_message)}</span>` : "";
    const actions = [];
    if (["unprepared", "failed", "ready"].includes(p.status) || p.prompt_outdated) {
      actions.push(`<s-button data-action="prepare">${p.status === "unprepared" ? "Prepare" : "Prepare again"}</s-button>`);
    }
    if (p.status === "ready") actions.push(`<s-button variant="primary" data-action="enable">Enable</s-button>`);
    if (p.status === "live") actions.push(`<s-button data-action="disable">Disable</s-button>`);
    actions.push(`<s-button variant="tertiary" href="${detail}">Open</s-button>`);
    return `<s-table-row data-product-id="${escape(p.product_id)}" data-status="${p.status}">
      <s-table-cell><input type="checkbox" data-select aria-label="Select ${escape(p.title)}" ${selected.has(p.product_id) ? "checked" : ""}></s-table-cell>
      <s-table-cell><span class="sin-product">${thumb}<a href="${detail}">${escape(p.title)}</a></span></s-table-cell>
      <s-table-cell>${badge}${outdated}</s-table-cell>
      <s-table-cell>${note}</s-table-cell>
      <s-table-cell><span class="sin-actions">${actions.join("")}</span></s-table-cell>
    </s-table-row>`;
  }

  function render() {
    rowsNode.innerHTML = rows.map(rowHtml).join("");
    root.querySelector("[data-empty]").hidden = rows.length > 0;
    root.querySelector("[data-more]").hidden = !nextCursor;
    updateSelection();
    updateProgress();
    const preparing = rows.some((p) => p.status === "preparing");
    if (preparing && !poller) poller = setInterval(refresh, 2000);
    if (!preparing && poller) { clearInterval(poller); poller = null; }
  }

  function updateProgress() {
    const banner = root.querySelector("[data-progress]");
    if (!batch) { banner.hidden = true; return; }
    const mine = rows.filter((p) => batch.includes(p.product_id));
    const done = mine.filter((p) => p.status !== "preparing").length;
    banner.hidden = false;
    const percent = batch.length ? Math.round((100 * done) / batch.length) : 100;
    banner.querySelector("[data-progress-text]").textContent =
      done >= batch.length ? `All ${batch.length} prepared.` : `${done} of ${batch.length} prepared…`;
    banner.querySelector("[data-progress-bar]").style.width = `${percent}%`;
    if (done >= batch.length) { banner.setAttribute("tone", "success"); batch = null; }
  }

  function filters() {
    const params = new URLSearchParams();
    const status = root.querySelector("[data-status]").value;
    const query = root.querySelector("[data-query]").value;
    if (status) params.set("status", status);
    if (query) params.set("query", query);
    return params;
  }

  async function load({ append = false } = {}) {
    const params = filters();
    if (append && nextCursor) params.set("cursor", nextCursor);
    try {
      const data = await api(`/api/products?${params}`);
      rows = append ? rows.concat(data.products) : data.products;
      nextCursor = data.next_cursor;
      showError("");
      render();
    } catch (error) { showError(error.message); }
  }

  // A poll refreshes the rows already shown, keeping pages loaded with "more".
  async function refresh() {
    const params = filters();
    params.set("limit", String(Math.min(100, Math.max(rows.length, 1))));
    try {
      const data = await api(`/api/products?${params}`);
      const fresh = new Map(data.products.map((p) => [p.product_id, p]));
      rows = rows.map((p) => fresh.get(p.product_id) || p);
      render();
    } catch (error) { showError(error.message); }
  }

  async function act(button, productId, action) {
    button.setAttribute("loading", "");
    try {
      const path = action === "prepare" ? `/api/products/${productId}/prepare` : `/api/products/${productId}/${action}`;
      const data = await api(path, { method: "POST" });
      rows = rows.map((p) => (p.product_id === productId ? { ...p, ...data.product, title: p.title } : p));
      const prepared = data.product.status === "preparing" ? "Preparation started" : `Prepared: ${LABELS[data.product.status] || data.product.status}`;
      toast({ prepare: prepared, enable: "Live on your storefront", disable: "Taken off your storefront" }[action]);
      if (data.warning) toast(data.warning, { warning: true });
      showError("");
      showWarning(data.warning || "");
      render();
    } catch (error) {
      button.removeAttribute("loading");
      showError(error.message);
      toast(error.message, { error: true });
      await refresh();
    }
  }

  async function prepareMany(body, button) {
    button.setAttribute("loading", "");
    try {
      const data = await api("/api/products/prepare", { method: "POST", body });
      batch = data.queued;
      selected.clear();
      const skipped = data.skipped.length ? `, ${data.skipped.length} skipped` : "";
      toast(data.queued.length ? `${data.queued.length} queued for preparation${skipped}` : `Nothing to prepare${skipped}`);
      if (!data.queued.length) batch = null;
      await load();
    } catch (error) {
      showError(error.message);
      toast(error.message, { error: true });
    } finally { button.removeAttribute("loading"); }
  }

  function updateSelection() {
    const button = document.querySelector("[data-prepare-selected]");
    if (selected.size) button.removeAttribute("disabled"); else button.setAttribute("disabled", "");
    button.textContent = selected.size ? `Prepare selected (${selected.size})` : "Prepare selected";
  }

  rowsNode.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    act(button, button.closest("[data-product-id]").dataset.productId, button.dataset.action);
  });
  rowsNode.addEventListener("change", (event) => {
    if (!event.target.matches("[data-select]")) return;
    const id = event.target.closest("[data-product-id]").dataset.productId;
    if (event.target.checked) selected.add(id); else selected.delete(id);
    updateSelection();
  });
  root.querySelector("[data-select-all]").addEventListener("change", (event) => {
    rows.forEach((p) => (event.target.checked ? selected.add(p.product_id) : selected.delete(p.product_id)));
    render();
  });
  document.querySelector("[data-prepare-all]").addEventListener("click", (event) =>
    prepareMany({ all_unprepared: true }, event.currentTarget));
  document.querySelector("[data-prepare-selected]").addEventListener("click", (event) =>
    prepareMany({ product_ids: [...selected] }, event.currentTarget));
  root.querySelector("[data-more]").addEventListener("click", () => load({ append: true }));
  root.querySelector("[data-status]").addEventListener("change", () => load());
  let typing;
  root.querySelector("[data-query]").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => load(), 300);
  });
  load();
})();
