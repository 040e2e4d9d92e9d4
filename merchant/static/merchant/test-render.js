/* Product detail: a test render in a sample room or the merchant's own photo.
 * The eight variants appear as they are rendered (the run is polled every second). */
(function () {
  "use strict";
  const { api, toast } = window.SeeItNow;
  const section = document.querySelector("[data-test-render]");
  if (!section) return;
  const productId = document.querySelector("[data-product]").dataset.product;
  const grid = section.querySelector("[data-test-grid]");
  const status = section.querySelector("[data-test-status]");
  const buttons = section.querySelectorAll("[data-sample], [data-test-upload]");
  const FINISHED = ["complete", "partial", "failed"];
  let timer = null;

  function busy(on) {
    buttons.forEach((b) => (on ? b.setAttribute("disabled", "") : b.removeAttribute("disabled")));
  }

  function tiles(run) {
    grid.innerHTML = "";
    for (const variant of run.variants) {
      const tile = document.createElement("figure");
      tile.className = "sin-test-tile sin-test-tile--" + variant.status;
      if (variant.image_url) {
        const img = document.createElement("img");
        img.src = variant.image_url;
        img.alt = variant.id;
        tile.append(img);
      } else {
        const box = document.createElement("div");
        box.className = "sin-test-tile__box";
        box.textContent = variant.status === "pending" ? "Rendering…" : "No image";
        tile.append(box);
      }
      const caption = document.createElement("figcaption");
      caption.textContent = variant.id + (variant.latency_ms ? ` · ${(variant.latency_ms / 1000).toFixed(1)} s` : "");
      if (variant.error) caption.title = variant.error;
      tile.append(caption);
      grid.append(tile);
    }
  }

  async function follow(url) {
    const run = await api(url);
    tiles(run);
    const done = run.variants.filter((v) => v.status === "success").length;
    if (FINISHED.includes(run.status)) {
      status.textContent = `${done} of 8 variants rendered (${run.status}).`;
      busy(false);
      toast(done ? "Test render finished" : "No variant could be rendered", { error: !done });
      return;
    }
    status.textContent = `Rendering… ${done} of 8 ready.`;
    timer = setTimeout(() => follow(url).catch(fail), 1000);
  }

  function fail(error) {
    busy(false);
    status.textContent = "";
    toast(error.message || "The test render failed", { error: true });
  }

  async function start(blob, name) {
    clearTimeout(timer);
    busy(true);
    grid.innerHTML = "";
    status.textContent = "Uploading the room…";
    const form = new FormData();
    form.append("photo", blob, name);
    try {
      const started = await api(`/api/products/${productId}/test-render`, { method: "POST", form });
      await follow(started.run_url);
    } catch (error) { fail(error); }
  }

  section.querySelectorAll("[data-sample]").forEach((button) => {
    button.addEventListener("click", async () => {
      const response = await fetch(button.dataset.sample);
      start(await response.blob(), "sample-room.jpg");
    });
  });
  section.querySelector("[data-test-upload]").addEventListener("click", () => {
    const file = section.querySelector("[data-test-file]").files[0];
    if (!file) { toast("Choose a room photo first", { error: true }); return; }
    start(file, file.name);
  });
})();
