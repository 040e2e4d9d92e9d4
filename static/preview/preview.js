/* See It Now — the shopper flow of the storefront preview.
 *
 * Calls the App Proxy exactly as the theme widget does on a shop's domain
 * (`/apps/see-it/<path>`); here the base is the dev emulator's
 * `/preview/apps/see-it/`. Vanilla JS, no dependencies.
 */
(function () {
  "use strict";

  var dialog = document.getElementById("see-it-now");
  var opener = document.querySelector("[data-open-see-it-now]");
  if (!dialog || !opener) return;

  var API = dialog.dataset.apiBase;
  var PRODUCT_ID = dialog.dataset.productId;
  var PRODUCT_TITLE = dialog.dataset.productTitle;
  var EXPECTED_VARIANTS = 8;
  var POLL_INTERVAL_MS = 700;
  var POLL_LIMIT_MS = 180000;
  var MAX_BYTES = 10 * 1024 * 1024;
  var FINISHED = ["complete", "partial", "failed"];
  var TYPES_BY_EXTENSION = {
    jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp",
    heic: "image/heic", heif: "image/heif"
  };
  // Friendly titles for the API's error codes; the API's message is shown below.
  var ERROR_TITLES = {
    quota_exceeded: "This shop has reached its preview limit for today",
    rate_limit_exceeded: "That was a lot of previews in a minute",
    invalid_image: "We couldn't read that photo",
    invalid_content_type: "That file type isn't supported",
    file_too_large: "That photo is too large",
    room_not_uploaded: "Your photo didn't finish uploading",
    room_not_found: "Your room session expired",
    product_not_enabled: "This product can't be previewed right now",
    pipeline_not_ready: "This product is still being prepared",
    all_variants_failed: "We couldn't create a preview this time",
    see_it_now_not_enabled: "See It Now is not enabled for this shop",
    forbidden: "The request could not be verified",
    network: "You seem to be offline",
    timeout: "This is taking longer than usual"
  };

  var $ = function (sel) { return dialog.querySelector(sel); };
  var track = $("[data-track]");
  var thumbs = $("[data-thumbs]");
  var state = null;

  // --- API ------------------------------------------------------------------

  function ApiError(code, message) {
    this.code = code;
    this.message = message;
  }

  function api(method, path, body) {
    var init = { method: method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(API + path, init).then(
      function (response) {
        return response.json().then(
          function (data) {
            if (!response.ok) {
              throw new ApiError(data.error || "error", data.message || "");
            }
            data._status = response.status;
            return data;
          },
          // Shopify's proxy turns a server error into an HTML page.
          function () {
            throw new ApiError("server_error", "Something went wrong on our side. Please try again.");
          }
        );
      },
      function () {
        throw new ApiError("network", "Check your connection and try again.");
      }
    );
  }

  function putBytes(url, blob, contentType, extraHeaders) {
    var headers = Object.assign({}, extraHeaders || {}, { "Content-Type": contentType });
    return fetch(url, { method: "PUT", headers: headers, body: blob }).then(
      function (response) {
        if (response.ok) return;
        return response.json().catch(function () { return {}; }).then(function (data) {
          throw new ApiError(data.error || "upload_failed", data.message || "The upload failed. Please try again.");
        });
      },
      function () { throw new ApiError("network", "Check your connection and try again."); }
    );
  }

  // --- Steps ------------------------------------------------------------------

  function showStep(name) {
    dialog.querySelectorAll("[data-step]").forEach(function (section) {
      section.hidden = section.dataset.step !== name;
    });
    var order = ["room", "gallery", "done"];
    var current = order.indexOf(name === "working" ? "room" : name);
    dialog.querySelectorAll("[data-step-marker]").forEach(function (li, i) {
      li.classList.toggle("is-done", i < current);
      li.classList.toggle("is-current", i === current);
      if (i === current) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
    var heading = dialog.querySelector('[data-step="' + name + '"] .step__title, [data-step="' + name + '"] h3');
    if (heading && dialog.open) heading.focus({ preventScroll: true });
  }

  function showError(error) {
    var box = $("[data-error]");
    var code = error && error.code;
    $("[data-error-title]").textContent = ERROR_TITLES[code] || "Something went wrong";
    $("[data-error-message]").textContent =
      (error && error.message) || "Please try again.";
    box.hidden = false;
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  function clearError() { $("[data-error]").hidden = true; }

  function setWorking(text, roomUrl) {
    $("[data-working-text]").textContent = text;
    if (roomUrl !== undefined) {
      $("[data-working-room]").style.backgroundImage = roomUrl ? "url(" + JSON.stringify(roomUrl) + ")" : "";
    }
  }

  function reset() {
    if (state && state.pollTimer) clearTimeout(state.pollTimer);
    if (state && state.roomObjectUrl) URL.revokeObjectURL(state.roomObjectUrl);
    state = { token: {}, variants: [], index: 0, selection: null };
    clearError();
    track.innerHTML = "";
    thumbs.innerHTML = "";
    dialog.querySelectorAll("[data-file]").forEach(function (input) { input.value = ""; });
    showStep("room");
  }

  // --- Room: choose, upload, confirm -------------------------------------------

  function contentTypeOf(file) {
    var ext = (file.name || "").split(".").pop().toLowerCase();
    var type = (file.type || "").toLowerCase();
    if (type === "image/jpg") type = "image/jpeg";
    return type || TYPES_BY_EXTENSION[ext] || "image/jpeg";
  }

  function startWithBlob(blob, contentType, previewUrl) {
    var token = state.token;
    clearError();
    if (blob.size > MAX_BYTES) {
      showError(new ApiError("file_too_large", "Choose a photo under 10 MB."));
      return;
    }
    showStep("working");
    setWorking("Uploading your room…", previewUrl);
    api("POST", "room/upload", { content_type: contentType })
      .then(function (upload) {
        if (upload.max_file_size_bytes && blob.size > upload.max_file_size_bytes) {
          throw new ApiError("file_too_large", "Choose a photo under " + upload.max_file_size_mb + " MB.");
        }
        return putBytes(upload.upload_url, blob, upload.content_type, upload.upload_headers)
          .then(function () {
            if (token !== state.token) return null;
            setWorking("Preparing your photo…");
            return api("POST", "room/confirm", { room_session_id: upload.room_session_id });
          });
      })
      .then(function (room) {
        if (!room || token !== state.token) return;
        state.room = room;
        startRender();
      })
      .catch(function (error) {
        if (token !== state.token) return;
        showStep("room");
        showError(error);
      });
  }

  function chooseSampleRoom(button) {
    var url = button.dataset.roomUrl;
    var token = state.token;
    showStep("working");
    setWorking("Loading the sample room…", url);
    fetch(url)
      .then(function (response) {
        if (!response.ok) throw new ApiError("room_unavailable", "The sample room could not be loaded.");
        return response.blob();
      }, function () { throw new ApiError("network", "Check your connection and try again."); })
      .then(function (blob) {
        if (token === state.token) startWithBlob(blob, "image/jpeg", url);
      })
      .catch(function (error) {
        if (token !== state.token) return;
        showStep("room");
        showError(error);
      });
  }

  function chooseFile(input) {
    var file = input.files && input.files[0];
    if (!file) return;
    state.roomObjectUrl = URL.createObjectURL(file);
    startWithBlob(file, contentTypeOf(file), state.roomObjectUrl);
  }

  // --- Render: start async, poll, show variants as they arrive ------------------

  function startRender() {
    var token = state.token;
    buildSlots();
    showStep("gallery");
    updateProgress("pending");
    api("POST", "see-it-now/render", {
      room_session_id: state.room.room_session_id,
      product_id: PRODUCT_ID,
      async: true
    })
      .then(function (run) {
        if (token !== state.token) return;
        state.runId = run.run_id;
        state.pollStarted = Date.now();
        handleRun(run);
      })
      .catch(function (error) {
        if (token !== state.token) return;
        finishRender(error);
      });
  }

  function poll() {
    var token = state.token;
    if (Date.now() - state.pollStarted > POLL_LIMIT_MS) {
      finishRender(new ApiError("timeout", "Please try again in a moment."));
      return;
    }
    api("GET", "see-it-now/render/" + encodeURIComponent(state.runId))
      .then(function (run) { if (token === state.token) handleRun(run); })
      .catch(function (error) {
        if (token !== state.token) return;
        // A network blip while polling is retried; an API answer is final.
        if (error.code === "network") schedulePoll();
        else finishRender(error);
      });
  }

  function schedulePoll() {
    state.pollTimer = setTimeout(poll, POLL_INTERVAL_MS);
  }

  function handleRun(run) {
    (run.variants || []).forEach(addVariant);
    var finished = FINISHED.indexOf(run.status) !== -1;
    updateProgress(run.status);
    if (!finished) {
      schedulePoll();
    } else if (!state.variants.length) {
      finishRender(new ApiError("all_variants_failed", "No image could be rendered; please try again."));
    } else {
      finishRender(null);
    }
  }

  function finishRender(error) {
    // Slots that never received a variant are removed once the run is over.
    track.querySelectorAll(".slide.is-loading").forEach(function (el) { el.remove(); });
    thumbs.querySelectorAll(".thumb.is-loading").forEach(function (el) { el.remove(); });
    var ready = state.variants.length;
    $("[data-progress-text]").textContent = ready
      ? ready + (ready === 1 ? " preview" : " previews") + " ready · swipe or use the arrows to compare"
      : "";
    $("[data-progress-bar]").style.width = ready ? "100%" : "0";
    if (error) {
      if (!state.variants.length) showStep("room");
      showError(error);
    }
    updateGalleryControls();
  }

  function updateProgress(status) {
    var done = state.variants.length;
    var text;
    if (status === "pending") text = "Getting ready…";
    else text = "Rendering " + Math.min(done + 1, EXPECTED_VARIANTS) + " of " + EXPECTED_VARIANTS + "…";
    $("[data-progress-text]").textContent = text + (done ? " · " + done + " ready" : "");
    $("[data-progress-bar]").style.width = Math.max(4, (done / EXPECTED_VARIANTS) * 100) + "%";
  }

  // --- Gallery -------------------------------------------------------------------

  function buildSlots() {
    track.innerHTML = "";
    thumbs.innerHTML = "";
    for (var i = 0; i < EXPECTED_VARIANTS; i++) {
      var slide = document.createElement("figure");
      slide.className = "slide is-loading";
      slide.setAttribute("aria-label", "Preview " + (i + 1) + " is rendering");
      slide.innerHTML = '<div class="skeleton" aria-hidden="true"></div>';
      track.appendChild(slide);
      var thumb = document.createElement("button");
      thumb.type = "button";
      thumb.className = "thumb is-loading";
      thumb.disabled = true;
      thumb.setAttribute("aria-label", "Preview " + (i + 1) + ", rendering");
      thumb.innerHTML = '<span class="skeleton" aria-hidden="true"></span>';
      thumb.addEventListener("click", onThumb);
      thumbs.appendChild(thumb);
    }
    state.index = 0;
    updateGalleryControls();
  }

  function onThumb(event) { goTo(Array.prototype.indexOf.call(thumbs.children, event.currentTarget)); }

  function addVariant(variant) {
    if (state.variants.some(function (v) { return v.id === variant.id; })) return;
    var position = state.variants.length;
    state.variants.push(variant);
    var alt = PRODUCT_TITLE + " in your room, preview " + variant.id;
    var slide = track.children[position];
    var thumb = thumbs.children[position];
    if (!slide) {
      // More variants than expected: grow the gallery.
      buildExtraSlot();
      slide = track.children[position];
      thumb = thumbs.children[position];
    }
    var img = document.createElement("img");
    img.alt = alt;
    img.decoding = "async";
    img.src = variant.image_url;
    img.dataset.variantId = variant.id;
    img.addEventListener("load", function () {
      slide.classList.add("is-loaded");
      var skeleton = slide.querySelector(".skeleton");
      if (skeleton) skeleton.remove();
    });
    slide.classList.remove("is-loading");
    slide.removeAttribute("aria-label");
    slide.dataset.variantId = variant.id;
    slide.appendChild(img);
    thumb.classList.remove("is-loading");
    thumb.disabled = false;
    thumb.setAttribute("aria-label", "Show preview " + variant.id);
    thumb.innerHTML = "";
    var small = document.createElement("img");
    small.src = variant.image_url;
    small.alt = "";
    thumb.appendChild(small);
    updateGalleryControls();
  }

  function buildExtraSlot() {
    var slide = document.createElement("figure");
    slide.className = "slide";
    track.appendChild(slide);
    var thumb = document.createElement("button");
    thumb.type = "button";
    thumb.className = "thumb";
    thumb.addEventListener("click", onThumb);
    thumbs.appendChild(thumb);
  }

  function goTo(index) {
    var count = track.children.length;
    if (!count) return;
    index = Math.max(0, Math.min(index, count - 1));
    var reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    track.scrollTo({ left: index * track.clientWidth, behavior: reduce ? "auto" : "smooth" });
    setIndex(index);
  }

  function setIndex(index) {
    state.index = index;
    updateGalleryControls();
  }

  function updateGalleryControls() {
    if (!state) return;
    var count = track.children.length;
    var current = state.variants[state.index];
    $('[data-action="prev"]').disabled = state.index <= 0;
    $('[data-action="next"]').disabled = state.index >= count - 1;
    $('[data-action="choose"]').disabled = !current;
    Array.prototype.forEach.call(thumbs.children, function (thumb, i) {
      thumb.classList.toggle("is-current", i === state.index);
      if (i === state.index) {
        thumb.setAttribute("aria-current", "true");
        if (thumbs.scrollWidth > thumbs.clientWidth) {
          thumbs.scrollTo({ left: thumb.offsetLeft - (thumbs.clientWidth - thumb.offsetWidth) / 2 });
        }
      }
      else thumb.removeAttribute("aria-current");
    });
    $("[data-caption]").textContent = current
      ? current.id + " · " + (state.index + 1) + " of " + count
      : count ? "Preview " + (state.index + 1) + " is on its way…" : "";
  }

  var scrollTimer = null;
  track.addEventListener("scroll", function () {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(function () {
      if (!track.clientWidth) return;
      var index = Math.round(track.scrollLeft / track.clientWidth);
      if (index !== state.index) setIndex(index);
    }, 60);
  }, { passive: true });

  track.addEventListener("keydown", function (event) {
    if (event.key === "ArrowLeft") { event.preventDefault(); goTo(state.index - 1); }
    if (event.key === "ArrowRight") { event.preventDefault(); goTo(state.index + 1); }
  });

  // --- Select, download, share ------------------------------------------------------

  function choose() {
    var variant = state.variants[state.index];
    if (!variant) return;
    var button = $('[data-action="choose"]');
    var token = state.token;
    button.disabled = true;
    button.classList.add("is-busy");
    clearError();
    api("POST", "see-it-now/select", {
      room_session_id: state.room.room_session_id,
      selected_variant_id: variant.id,
      product_id: PRODUCT_ID,
      selected_image_url: variant.image_url
    })
      .then(function (result) {
        if (token !== state.token) return;
        state.selection = result;
        var img = $("[data-final]");
        img.src = result.final_image_url;
        img.alt = PRODUCT_TITLE + " in your room (" + result.selected_variant + ")";
        $("[data-done-text]").textContent =
          "Here is " + PRODUCT_TITLE + " in your room. Download it or share it with someone whose opinion you trust.";
        $('[data-action="share"]').hidden = !(navigator.share && navigator.canShare);
        showStep("done");
      })
      .catch(function (error) { if (token === state.token) showError(error); })
      .then(function () {
        button.classList.remove("is-busy");
        updateGalleryControls();
      });
  }

  function finalFile() {
    var selection = state.selection;
    return fetch(selection.final_image_url)
      .then(function (response) {
        if (!response.ok) throw new ApiError("download_failed", "The image link expired; choose the preview again.");
        return response.blob();
      })
      .then(function (blob) {
        var name = "see-it-now-" + selection.selected_variant + ".jpg";
        return new File([blob], name, { type: blob.type || "image/jpeg" });
      });
  }

  function download() {
    finalFile().then(function (file) {
      var url = URL.createObjectURL(file);
      var link = document.createElement("a");
      link.href = url;
      link.download = file.name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 2000);
    }).catch(showError);
  }

  function share() {
    finalFile().then(function (file) {
      var data = { files: [file], title: PRODUCT_TITLE };
      if (navigator.canShare(data)) return navigator.share(data);
      return navigator.share({ title: PRODUCT_TITLE, url: state.selection.final_image_url });
    }).catch(function (error) {
      if (error && error.name !== "AbortError") showError(error);
    });
  }

  // --- Wiring ---------------------------------------------------------------------

  function open() {
    reset();
    dialog.showModal();
    document.documentElement.classList.add("has-modal");
    var heading = $("#step-room-title");
    if (heading) heading.focus();
  }

  function close() { dialog.close(); }

  dialog.addEventListener("close", function () {
    if (state) {
      state.token = {};
      clearTimeout(state.pollTimer);
    }
    document.documentElement.classList.remove("has-modal");
    opener.focus();
  });

  // A click on the backdrop (outside the panel) closes the dialog.
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) close();
  });

  dialog.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action], [data-room-url]");
    if (!target || !dialog.contains(target)) return;
    if (target.dataset.roomUrl) return chooseSampleRoom(target);
    switch (target.dataset.action) {
      case "close": return close();
      case "prev": return goTo(state.index - 1);
      case "next": return goTo(state.index + 1);
      case "choose": return choose();
      case "download": return download();
      case "share": return share();
      case "back": return showStep("gallery");
      case "restart": return reset();
      case "retry":
        clearError();
        if (state.room && state.variants.length) return showStep("gallery");
        return reset();
    }
  });

  dialog.querySelectorAll("[data-file]").forEach(function (input) {
    input.addEventListener("change", function () { chooseFile(input); });
  });

  window.addEventListener("resize", function () {
    if (dialog.open && state && track.children.length) {
      track.scrollTo({ left: state.index * track.clientWidth });
    }
  });

  opener.addEventListener("click", open);
})();
