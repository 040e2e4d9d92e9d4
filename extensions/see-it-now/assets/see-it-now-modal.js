/* See It Now — the modal of the "See it in your home" widget (theme app extension).
 *
 * Loaded on demand by see-it-now.js (the app block's small loader) the first time a
 * shopper uses the button, then `window.SeeItNowModal.open(root)` builds the modal
 * for that root. Each `[data-see-it-now]` root (rendered by blocks/see-it-now.liquid,
 * or by the dev preview) carries the product, the App Proxy base (`/apps/see-it` on
 * a shop, `/preview/apps/see-it` in the preview), the shop's `/cart/add.js` URL and
 * the translated strings. Vanilla JS, no dependencies, nothing loaded from elsewhere.
 */
(function () {
  "use strict";

  var EXPECTED_VARIANTS = 8;
  // The poll is a long poll: the server holds it until a new variant exists (or
  // POLL_WAIT_S passes), so after an answer with news the next one starts at
  // once (the variants of one run often land together); after one without, it
  // waits POLL_INTERVAL_MS (a server that answers at once can't make it spin).
  var POLL_INTERVAL_MS = 100;
  var POLL_WAIT_S = 8;
  var POLL_LIMIT_MS = 180000;
  var MAX_BYTES = 10 * 1024 * 1024;
  var UPLOAD_LONG_SIDE = 2048;
  var FINISHED = ["complete", "partial", "failed"];
  // One room, many products: a confirmed room is remembered on this device for as
  // long as the server keeps its session (24 h from creation, SPEC §5).
  var ROOM_KEY = "see-it-now:room";
  var ROOM_TTL_MS = 24 * 60 * 60 * 1000;
  // What the server says when a remembered room is gone: forget it, quietly.
  var ROOM_GONE = ["room_not_found", "no_room_image", "invalid_session_id", "missing_room_session"];
  var STEPS = ["room", "gallery", "done"];
  var TYPES_BY_EXTENSION = {
    jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp",
    heic: "image/heic", heif: "image/heif"
  };
  var ICONS = {
    close: '<path d="M6 6l12 12M18 6 6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
    camera: '<path d="M4 8h3l2-3h6l2 3h3v11H4z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/><circle cx="12" cy="13" r="3.5" fill="none" stroke="currentColor" stroke-width="1.8"/>',
    upload: '<path d="M12 16V4m0 0L7 9m5-5 5 5M4 16v4h16v-4" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>',
    prev: '<path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>',
    next: '<path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>',
    info: '<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M12 11v5m0-8.5v.5" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
    home: '<path d="M3 10.5 12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/>'
  };

  function icon(name, size) {
    return '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="' + size +
      '" height="' + size + '">' + ICONS[name] + "</svg>";
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Liquid's `t` filter HTML-escapes translations (keys not ending in _html), and
  // `json` keeps the entities: decode them once. A textarea parses as plain text.
  function decodeEntities(text) {
    if (text.indexOf("&") === -1) return text;
    var area = document.createElement("textarea");
    area.innerHTML = text;
    return area.value;
  }

  // `code` picks the shopper's text (errors.<code>.title / .text in the block's
  // locale); `message` is the server's own text, shown only for a code the widget
  // has no translation for; `vars` fill the text's placeholders.
  function ApiError(code, message, vars) {
    this.code = code;
    this.message = message || "";
    this.vars = vars;
  }

  function create(root) {
    var opener = root.querySelector("[data-see-it-now-open]");
    var configTag = root.querySelector('script[type="application/json"]');

    var config = JSON.parse(configTag.textContent);
    var strings = {};
    Object.keys(config.strings || {}).forEach(function (key) {
      strings[key] = decodeEntities(String(config.strings[key]));
    });
    var API = (root.dataset.proxyBase || "/apps/see-it").replace(/\/+$/, "") + "/";
    var CART_ADD_URL = root.dataset.cartAddUrl || "/cart/add.js";
    var PRODUCT_ID = root.dataset.productId;
    var PRODUCT_TITLE = root.dataset.productTitle;
    var ROOMS = config.sample_rooms || [];
    var SHOP = root.dataset.shop || location.hostname;
    // Where a shared preview leads: this product's page, without query or hash.
    var PRODUCT_URL = root.dataset.productUrl || location.origin + location.pathname;

    function t(key, vars) {
      var text = strings[key] !== undefined ? strings[key] : key;
      return text.replace(/\{(\w+)\}/g, function (match, name) {
        return vars && vars[name] !== undefined ? vars[name] : match;
      });
    }
    function h(key, vars) { return escapeHtml(t(key, vars)); }

    var dialog = buildDialog();
    root.appendChild(dialog);
    var $ = function (sel) { return dialog.querySelector(sel); };
    var track = $("[data-track]");
    var thumbs = $("[data-thumbs]");
    var state = null;

    // --- Markup -------------------------------------------------------------------

    function buildDialog() {
      var el = document.createElement("dialog");
      el.className = "sin";
      el.id = "see-it-now-" + PRODUCT_ID;
      var titleId = el.id + "-title";
      el.setAttribute("aria-labelledby", titleId);
      var rooms = ROOMS.map(function (room, i) {
        // A merchant's room is named by its image's alt text, else numbered.
        var label = room.label || t("room.sample_numbered", { number: i + 1 });
        return '<li><button type="button" class="sin-room" data-room-url="' + escapeHtml(room.url) + '">' +
          '<img src="' + escapeHtml(room.thumb_url || room.url) + '" alt="" loading="lazy" width="320" height="240">' +
          '<span class="sin-room__label"><span class="sin-visually-hidden">' + h("room.sample") + " </span>" +
          escapeHtml(label) + "</span></button></li>";
      }).join("");
      el.innerHTML =
        '<div class="sin__panel">' +
          '<header class="sin__header"><div>' +
            '<h2 id="' + titleId + '" class="sin__title">' + h("title") + "</h2>" +
            '<p class="sin__subtitle">' + escapeHtml(PRODUCT_TITLE) + "</p></div>" +
            '<button type="button" class="sin-icon-btn" data-action="close" aria-label="' + h("close") + '">' + icon("close", 22) + "</button>" +
          "</header>" +
          '<ol class="sin-steps" aria-label="' + h("steps.label") + '">' +
            STEPS.map(function (step) {
              return '<li data-step-marker="' + step + '">' + h("steps." + step) + "</li>";
            }).join("") +
          "</ol>" +
          '<div class="sin__body">' +
            '<div class="sin-alert" role="alert" data-error hidden>' +
              '<p class="sin-alert__title" data-error-title></p>' +
              '<p class="sin-alert__text" data-error-message></p>' +
              '<button type="button" class="sin-btn sin-btn--secondary sin-btn--small" data-action="retry">' + h("errors.try_again") + "</button>" +
            "</div>" +
            '<section data-step="room">' +
              '<h3 class="sin-step__title" tabindex="-1">' + h("room.heading") + "</h3>" +
              '<div class="sin-last" data-last-room hidden>' +
                '<div class="sin-last__thumb">' + icon("home", 28) + '<img data-last-thumb alt="" hidden></div>' +
                '<div class="sin-last__body">' +
                  '<p class="sin-last__title">' + h("room.last_heading") + "</p>" +
                  '<p class="sin-last__text">' + h("room.last_text") + "</p>" +
                  '<div class="sin-last__actions">' +
                    '<button type="button" class="sin-btn sin-btn--primary sin-btn--small" data-action="use-last">' + h("room.use_last") + "</button>" +
                    '<button type="button" class="sin-btn sin-btn--ghost sin-btn--small" data-action="forget-last">' + h("room.forget") + "</button>" +
                  "</div>" +
                "</div>" +
              "</div>" +
              '<p class="sin-muted">' + h(ROOMS.length ? "room.intro_samples" : "room.intro") + "</p>" +
              (ROOMS.length ? '<ul class="sin-rooms" role="list">' + rooms + "</ul>" : "") +
              '<div class="sin-upload">' +
                '<label class="sin-btn sin-btn--secondary sin-upload__btn sin-upload__btn--camera">' + icon("camera", 20) + h("room.take_photo") +
                  '<input type="file" accept="image/*" capture="environment" class="sin-visually-hidden" data-file></label>' +
                '<label class="sin-btn sin-btn--secondary sin-upload__btn">' + icon("upload", 20) + h("room.upload") +
                  '<input type="file" accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif" class="sin-visually-hidden" data-file></label>' +
              "</div>" +
              '<p class="sin-fine-print">' + h("room.fine_print") + "</p>" +
            "</section>" +
            '<section data-step="working" hidden><div class="sin-working">' +
              '<div class="sin-working__room" data-working-room></div>' +
              '<div class="sin-spinner" aria-hidden="true"></div>' +
              '<h3 class="sin-step__title" tabindex="-1" data-working-text aria-live="polite"></h3>' +
              '<p class="sin-muted">' + h("working.hint") + "</p>" +
            "</div></section>" +
            '<section data-step="gallery" hidden>' +
              '<h3 class="sin-visually-hidden" tabindex="-1">' + h("gallery.heading") + "</h3>" +
              '<div class="sin-progress"><p class="sin-progress__text" data-progress-text aria-live="polite"></p>' +
                '<div class="sin-progress__bar" aria-hidden="true"><span data-progress-bar></span></div></div>' +
              '<div class="sin-gallery">' +
                '<button type="button" class="sin-gallery__arrow sin-gallery__arrow--prev" data-action="prev" aria-label="' + h("gallery.previous") + '">' + icon("prev", 22) + "</button>" +
                '<div class="sin-gallery__track" data-track tabindex="0" role="region" aria-roledescription="carousel" aria-label="' + h("gallery.carousel", { product: PRODUCT_TITLE }) + '"></div>' +
                '<button type="button" class="sin-gallery__arrow sin-gallery__arrow--next" data-action="next" aria-label="' + h("gallery.next") + '">' + icon("next", 22) + "</button>" +
              "</div>" +
              '<p class="sin-gallery__caption" data-caption aria-live="polite"></p>' +
              '<div class="sin-thumbs" data-thumbs role="group" aria-label="' + h("gallery.thumbs") + '"></div>' +
              '<div class="sin__actions">' +
                '<button type="button" class="sin-btn sin-btn--ghost" data-action="restart">' + h("gallery.restart") + "</button>" +
                '<button type="button" class="sin-btn sin-btn--primary" data-action="choose" disabled>' + h("gallery.choose") + "</button>" +
              "</div>" +
            "</section>" +
            '<section data-step="done" hidden>' +
              '<h3 class="sin-step__title" tabindex="-1">' + h("done.heading") + "</h3>" +
              '<p class="sin-muted">' + h("done.text", { product: PRODUCT_TITLE }) + "</p>" +
              '<figure class="sin-final"><img data-final alt=""></figure>' +
              '<p class="sin-ai-note">' + icon("info", 16) + "<span>" + h("done.ai_note") + "</span></p>" +
              '<p class="sin-visually-hidden" data-cart-status role="status"></p>' +
              '<div class="sin__actions">' +
                '<button type="button" class="sin-btn sin-btn--ghost" data-action="back">' + h("done.back") + "</button>" +
                '<button type="button" class="sin-btn sin-btn--secondary" data-action="share" hidden>' + h("done.share") + "</button>" +
                '<button type="button" class="sin-btn sin-btn--secondary" data-action="download">' + h("done.download") + "</button>" +
                '<button type="button" class="sin-btn sin-btn--primary" data-action="add-to-cart">' + h("done.add_to_cart") + "</button>" +
              "</div>" +
              '<p class="sin-another"><button type="button" class="sin-link" data-action="another">' + h("done.try_another") + "</button></p>" +
            "</section>" +
          "</div>" +
        "</div>";
      return el;
    }

    // --- API ------------------------------------------------------------------------

    function networkError() { return new ApiError("network"); }

    function api(method, path, body) {
      var init = { method: method, headers: { Accept: "application/json" } };
      if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      return fetch(API + path, init).then(function (response) {
        return response.json().then(
          function (data) {
            if (!response.ok) throw new ApiError(data.error || "error", data.message || "");
            return data;
          },
          // Shopify's proxy turns a server error into an HTML page.
          function () { throw new ApiError("server_error"); }
        );
      }, function () { throw networkError(); });
    }

    function putBytes(url, blob, contentType, extraHeaders) {
      var headers = Object.assign({}, extraHeaders || {}, { "Content-Type": contentType });
      return fetch(url, { method: "PUT", headers: headers, body: blob }).then(function (response) {
        if (response.ok) return;
        return response.json().catch(function () { return {}; }).then(function (data) {
          // Storage answers JSON (local) or XML (GCS): only a size refusal is told
          // apart, with the limit the widget knows.
          if (data.error === "file_too_large") throw new ApiError("file_too_large", "", { mb: 10 });
          throw new ApiError("upload_failed", data.message);
        });
      }, function () { throw networkError(); });
    }

    // --- Steps ------------------------------------------------------------------------

    function showStep(name) {
      dialog.querySelectorAll("[data-step]").forEach(function (section) {
        section.hidden = section.dataset.step !== name;
      });
      var current = STEPS.indexOf(name === "working" ? "room" : name);
      dialog.querySelectorAll("[data-step-marker]").forEach(function (li, i) {
        li.classList.toggle("is-done", i < current);
        li.classList.toggle("is-current", i === current);
        if (i === current) li.setAttribute("aria-current", "step");
        else li.removeAttribute("aria-current");
      });
      var heading = dialog.querySelector('[data-step="' + name + '"] h3');
      if (heading && dialog.open) heading.focus({ preventScroll: true });
    }

    function showError(error) {
      var box = $("[data-error]");
      var code = error && error.code;
      var known = strings["errors." + code + ".title"] !== undefined;
      var key = "errors." + (known ? code : "generic");
      $("[data-error-title]").textContent = t(key + ".title");
      // Our own text for every code we know; the server's message only for a code
      // this version of the widget has never heard of; Shopify's cart text (already
      // in the shop's language) where Shopify gave one.
      var serverText = error instanceof ApiError && !known ? error.message : "";
      $("[data-error-message]").textContent = (error && error.shopText) || serverText ||
        t(key + ".text", error && error.vars);
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
      showLastRoom();
      showStep("room");
    }

    // --- The remembered room ----------------------------------------------------------
    // localStorage holds {room_session_id, expires_at, shop, thumb}: the id the
    // server knows the room by, when the server forgets it, and a small picture
    // drawn here from the shopper's own photo (nothing is fetched to show it).

    function storedRoom() {
      try {
        var room = JSON.parse(localStorage.getItem(ROOM_KEY) || "null");
        if (room && room.room_session_id && room.shop === SHOP && room.expires_at > Date.now()) return room;
        if (room) localStorage.removeItem(ROOM_KEY);
      } catch (error) { /* storage blocked or corrupt: no remembered room */ }
      return null;
    }

    function rememberRoom(roomSessionId, createdAt, thumb) {
      try {
        localStorage.setItem(ROOM_KEY, JSON.stringify({
          room_session_id: roomSessionId,
          expires_at: createdAt + ROOM_TTL_MS,
          shop: SHOP,
          thumb: thumb || ""
        }));
      } catch (error) { /* private mode or full: the room is simply not offered */ }
    }

    function forgetRoom() {
      try { localStorage.removeItem(ROOM_KEY); } catch (error) { /* nothing stored */ }
    }

    function showLastRoom() {
      var room = storedRoom();
      var img = $("[data-last-thumb]");
      $("[data-last-room]").hidden = !room;
      img.hidden = !(room && room.thumb);
      if (room && room.thumb) img.src = room.thumb;
      else img.removeAttribute("src");
    }

    // The photo drawn on a canvas at most `longSide` px on its long side (white
    // under any transparency; browsers draw it upright, without its EXIF), or
    // null when the browser cannot decode it (HEIC outside Safari, for one).
    function drawnAt(blob, longSide) {
      return new Promise(function (resolve) {
        var url = URL.createObjectURL(blob);
        var img = new Image();
        img.onload = function () {
          URL.revokeObjectURL(url);
          var scale = Math.min(1, longSide / Math.max(img.naturalWidth, img.naturalHeight));
          var canvas = document.createElement("canvas");
          canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
          canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
          var context = canvas.getContext("2d");
          context.fillStyle = "#fff";
          context.fillRect(0, 0, canvas.width, canvas.height);
          context.drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve({ canvas: canvas, scaled: scale < 1 });
        };
        img.onerror = function () { URL.revokeObjectURL(url); resolve(null); };
        img.src = url;
      });
    }

    // A small JPEG of the photo for the "last room" card, or "" if none can be drawn.
    function thumbnailOf(blob) {
      return drawnAt(blob, 240).then(function (drawn) {
        if (!drawn) return "";
        try { return drawn.canvas.toDataURL("image/jpeg", 0.7); } catch (error) { return ""; }
      });
    }

    function useLastRoom() {
      var room = storedRoom();
      if (!room) return showLastRoom();
      clearError();
      state.room = { room_session_id: room.room_session_id };
      state.storedRoom = true;
      startRender();
    }

    // --- Room: choose, upload, confirm ---------------------------------------------

    function contentTypeOf(file) {
      var ext = (file.name || "").split(".").pop().toLowerCase();
      var type = (file.type || "").toLowerCase();
      if (type === "image/jpg") type = "image/jpeg";
      return type || TYPES_BY_EXTENSION[ext] || "image/jpeg";
    }

    function backToRoom(token) {
      return function (error) {
        if (token !== state.token) return;
        showStep("room");
        showError(error);
      };
    }

    // A phone's 12 MP photo, sent as it is, is a 3-5 MB upload and the server's
    // biggest cost per room. Where the browser can draw it (not HEIC outside
    // Safari), it goes at most 2048 px on its long side — the server's own cap —
    // upright, as a JPEG without EXIF (no GPS leaves the phone). Anything else,
    // or a photo already that small, goes as it is.
    function shrunkForUpload(blob, contentType) {
      var original = { blob: blob, type: contentType };
      if (!/^image\/(jpeg|png|webp|heic|heif)$/.test(contentType)) return Promise.resolve(original);
      return drawnAt(blob, UPLOAD_LONG_SIDE).then(function (drawn) {
        if (!drawn || !drawn.scaled) return original;
        return new Promise(function (resolve) {
          drawn.canvas.toBlob(function (small) {
            resolve(small ? { blob: small, type: "image/jpeg" } : original);
          }, "image/jpeg", 0.9);
        });
      });
    }

    function startWithBlob(blob, contentType, previewUrl) {
      var token = state.token;
      clearError();
      showStep("working");
      setWorking(t("working.uploading"), previewUrl);
      var thumb = thumbnailOf(blob);
      var createdAt;
      shrunkForUpload(blob, contentType)
        .then(function (photo) {
          if (photo.blob.size > MAX_BYTES) throw new ApiError("file_too_large", "", { mb: 10 });
          blob = photo.blob;
          return api("POST", "room/upload", { content_type: photo.type });
        })
        .then(function (upload) {
          createdAt = Date.now();
          if (upload.max_file_size_bytes && blob.size > upload.max_file_size_bytes) {
            throw new ApiError("file_too_large", "", { mb: upload.max_file_size_mb });
          }
          return putBytes(upload.upload_url, blob, upload.content_type, upload.upload_headers)
            .then(function () {
              if (token !== state.token) return null;
              setWorking(t("working.preparing"));
              return api("POST", "room/confirm", { room_session_id: upload.room_session_id });
            });
        })
        .then(function (room) {
          if (!room || token !== state.token) return;
          state.room = room;
          startRender();
          thumb.then(function (picture) { rememberRoom(room.room_session_id, createdAt, picture); });
        })
        .catch(backToRoom(token));
    }

    function chooseSampleRoom(button) {
      var url = button.dataset.roomUrl;
      var token = state.token;
      showStep("working");
      setWorking(t("working.loading_sample"), url);
      fetch(url)
        .then(function (response) {
          if (!response.ok) throw new ApiError("sample_unavailable");
          return response.blob();
        }, function () { throw new ApiError("sample_unavailable"); })
        .then(function (blob) {
          // A merchant's room comes from Shopify's CDN as JPEG; keep what it says.
          var type = /^image\/(jpeg|png|webp)$/.test(blob.type) ? blob.type : "image/jpeg";
          if (token === state.token) startWithBlob(blob, type, url);
        })
        .catch(backToRoom(token));
    }

    function chooseFile(input) {
      var file = input.files && input.files[0];
      if (!file) return;
      state.roomObjectUrl = URL.createObjectURL(file);
      startWithBlob(file, contentTypeOf(file), state.roomObjectUrl);
    }

    // --- Render: start async, poll, show variants as they arrive --------------------

    function startRender() {
      var token = state.token;
      buildSlots();
      showStep("gallery");
      $("[data-progress-text]").textContent = t("gallery.starting");
      updateProgress("pending");
      // The variant rendered is the one the result screen adds to the cart.
      state.variantId = currentVariantId();
      api("POST", "see-it-now/render", {
        room_session_id: state.room.room_session_id,
        product_id: PRODUCT_ID,
        variant_id: state.variantId || null,
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
          // The remembered room is gone on the server: forget it and offer the
          // picker, as if it had never been there.
          if (state.storedRoom && ROOM_GONE.indexOf(error.code) !== -1) {
            forgetRoom();
            return reset();
          }
          finishRender(error);
        });
    }

    function poll() {
      var token = state.token;
      if (Date.now() - state.pollStarted > POLL_LIMIT_MS) {
        finishRender(new ApiError("timeout"));
        return;
      }
      // The poll path is built on our own base: the run's poll_url is relative to
      // Shopify's proxy prefix, which the preview's emulator does not share.
      var query = "?after=" + state.variants.length + "&wait=" + POLL_WAIT_S;
      api("GET", "see-it-now/render/" + encodeURIComponent(state.runId) + query)
        .then(function (run) { if (token === state.token) handleRun(run); })
        .catch(function (error) {
          if (token !== state.token) return;
          // A network blip while polling is retried; an API answer is final.
          if (error.code === "network") schedulePoll();
          else finishRender(error);
        });
    }

    function schedulePoll(delay) {
      state.pollTimer = setTimeout(poll, delay === undefined ? POLL_INTERVAL_MS : delay);
    }

    function handleRun(run) {
      var before = state.variants.length;
      (run.variants || []).forEach(addVariant);
      updateProgress(run.status);
      var news = state.variants.length > before;
      if (FINISHED.indexOf(run.status) === -1) schedulePoll(news ? 0 : POLL_INTERVAL_MS);
      else if (!state.variants.length) finishRender(new ApiError("all_variants_failed"));
      else finishRender(null);
    }

    function finishRender(error) {
      // Slots that never received a variant are removed once the run is over.
      track.querySelectorAll(".sin-slide.is-loading").forEach(function (el) { el.remove(); });
      thumbs.querySelectorAll(".sin-thumb.is-loading").forEach(function (el) { el.remove(); });
      var ready = state.variants.length;
      $("[data-progress-text]").textContent = ready
        ? t(ready === 1 ? "gallery.done_one" : "gallery.done_other", { count: ready })
        : "";
      $("[data-progress-bar]").style.width = ready ? "100%" : "0";
      if (error) {
        if (!ready) showStep("room");
        showError(error);
      }
      updateGalleryControls();
    }

    function updateProgress(status) {
      var done = state.variants.length;
      var text = status === "pending"
        ? t("gallery.getting_ready")
        : t("gallery.rendering", { current: Math.min(done + 1, EXPECTED_VARIANTS), total: EXPECTED_VARIANTS });
      $("[data-progress-text]").textContent = text + (done ? " · " + t("gallery.ready_so_far", { count: done }) : "");
      $("[data-progress-bar]").style.width = Math.max(4, (done / EXPECTED_VARIANTS) * 100) + "%";
    }

    // --- Gallery ------------------------------------------------------------------------

    function makeSlot(loading, number) {
      var slide = document.createElement("figure");
      slide.className = "sin-slide" + (loading ? " is-loading" : "");
      var thumb = document.createElement("button");
      thumb.type = "button";
      thumb.className = "sin-thumb" + (loading ? " is-loading" : "");
      thumb.addEventListener("click", function () {
        goTo(Array.prototype.indexOf.call(thumbs.children, thumb));
      });
      if (loading) {
        slide.setAttribute("aria-label", t("gallery.slide_loading", { number: number }));
        slide.innerHTML = '<div class="sin-skeleton" aria-hidden="true"></div>';
        thumb.disabled = true;
        thumb.setAttribute("aria-label", t("gallery.slide_loading", { number: number }));
        thumb.innerHTML = '<span class="sin-skeleton" aria-hidden="true"></span>';
      }
      track.appendChild(slide);
      thumbs.appendChild(thumb);
    }

    function buildSlots() {
      track.innerHTML = "";
      thumbs.innerHTML = "";
      for (var i = 0; i < EXPECTED_VARIANTS; i++) makeSlot(true, i + 1);
      state.index = 0;
      updateGalleryControls();
    }

    function addVariant(variant) {
      if (state.variants.some(function (v) { return v.id === variant.id; })) return;
      var position = state.variants.length;
      state.variants.push(variant);
      // More variants than expected: grow the gallery.
      if (!track.children[position]) makeSlot(false, position + 1);
      var slide = track.children[position];
      var thumb = thumbs.children[position];
      var img = document.createElement("img");
      img.alt = t("gallery.slide_alt", { product: PRODUCT_TITLE, variant: variant.id });
      img.decoding = "async";
      if (variant.thumb_url) {
        // Phones at low density and slow links take the small rendition first.
        img.srcset = variant.thumb_url + " 400w, " + variant.image_url + " 1024w";
        img.sizes = "(max-width: 640px) 100vw, 640px";
      }
      img.src = variant.image_url;
      // A thumbnail is made just after its variant is announced: should the
      // browser ask for it first, it takes the full image instead.
      img.addEventListener("error", function () {
        if (!img.srcset) return;
        img.removeAttribute("srcset");
        img.removeAttribute("sizes");
        img.src = variant.image_url;
      });
      img.addEventListener("load", function () {
        slide.classList.add("is-loaded");
        var skeleton = slide.querySelector(".sin-skeleton");
        if (skeleton) skeleton.remove();
      });
      slide.classList.remove("is-loading");
      slide.removeAttribute("aria-label");
      slide.dataset.variantId = variant.id;
      slide.appendChild(img);
      thumb.classList.remove("is-loading");
      thumb.disabled = false;
      thumb.setAttribute("aria-label", t("gallery.thumb", { variant: variant.id }));
      thumb.innerHTML = "";
      var small = document.createElement("img");
      small.src = variant.thumb_url || variant.image_url;
      small.addEventListener("error", function () {
        if (small.src !== variant.image_url) small.src = variant.image_url;
      });
      small.alt = "";
      thumb.appendChild(small);
      updateGalleryControls();
    }

    function goTo(index) {
      var count = track.children.length;
      if (!count) return;
      index = Math.max(0, Math.min(index, count - 1));
      var reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      // The index is ours from now on: the scroll it starts passes through other
      // slides, which must not be taken for the shopper's swipe.
      state.scrollTarget = index;
      track.scrollTo({ left: index * track.clientWidth, behavior: reduce ? "auto" : "smooth" });
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
        if (i !== state.index) return thumb.removeAttribute("aria-current");
        thumb.setAttribute("aria-current", "true");
        if (thumbs.scrollWidth > thumbs.clientWidth) {
          thumbs.scrollTo({ left: thumb.offsetLeft - (thumbs.clientWidth - thumb.offsetWidth) / 2 });
        }
      });
      $("[data-caption]").textContent = current
        ? t("gallery.caption", { variant: current.id, number: state.index + 1, total: count })
        : count ? t("gallery.caption_waiting", { number: state.index + 1 }) : "";
    }

    var scrollTimer = null;
    // A shopper's own swipe takes over from any programmatic scroll.
    ["pointerdown", "touchstart", "wheel"].forEach(function (type) {
      track.addEventListener(type, function () {
        if (state) state.scrollTarget = null;
      }, { passive: true });
    });
    track.addEventListener("scroll", function () {
      clearTimeout(scrollTimer);
      scrollTimer = setTimeout(function () {
        if (!track.clientWidth || !state) return;
        var index = Math.round(track.scrollLeft / track.clientWidth);
        if (state.scrollTarget != null) {
          // A programmatic scroll is under way; it ends on its target.
          var arrived = Math.abs(track.scrollLeft - state.scrollTarget * track.clientWidth) < 2;
          if (arrived) state.scrollTarget = null;
          return;
        }
        if (index !== state.index) {
          state.index = index;
          updateGalleryControls();
        }
      }, 60);
    }, { passive: true });

    track.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { event.preventDefault(); goTo(state.index - 1); }
      if (event.key === "ArrowRight") { event.preventDefault(); goTo(state.index + 1); }
    });

    // --- Select, add to cart, download, share -------------------------------------------

    function withBusy(button, promise) {
      button.disabled = true;
      button.classList.add("is-busy");
      return promise.then(function () { button.classList.remove("is-busy"); });
    }

    function choose() {
      var variant = state.variants[state.index];
      if (!variant) return;
      var token = state.token;
      clearError();
      withBusy($('[data-action="choose"]'), api("POST", "see-it-now/select", {
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
          img.alt = t("done.final_alt", { product: PRODUCT_TITLE, variant: result.selected_variant });
          $("[data-cart-status]").textContent = "";
          var add = $('[data-action="add-to-cart"]');
          add.disabled = false;
          add.textContent = t("done.add_to_cart");
          $('[data-action="share"]').hidden = !navigator.share;
          // Fetched now, so that Share can hand the file over within the tap.
          state.file = null;
          finalFile().then(function (file) {
            if (state.selection === result) state.file = file;
          }, function () {});
          showStep("done");
        })
        .catch(function (error) { if (token === state.token) showError(error); }))
        .then(updateGalleryControls);
    }

    // The variant the theme's own product form has selected, else the last one
    // the theme announced (the loader records it), else the URL's ?variant=,
    // else the one the page was rendered with.
    function currentVariantId() {
      var scope = root.closest(".shopify-section") || document;
      var field = scope.querySelector('form[action*="/cart/add"] [name="id"]');
      var fromUrl = new URLSearchParams(window.location.search).get("variant");
      return (field && field.value) || root.dataset.variantCurrent || fromUrl ||
        root.dataset.variantId;
    }

    function addToCart() {
      var button = $('[data-action="add-to-cart"]');
      var chosen = state.selection.selected_variant;
      clearError();
      button.textContent = t("done.adding");
      withBusy(button, fetch(CART_ADD_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({
          items: [{
            id: Number(state.variantId || currentVariantId()),
            quantity: 1,
            // Underscored properties are hidden at checkout but kept on the order,
            // so a merchant can tell which preview led to the sale.
            properties: { _see_it_now_variant: chosen }
          }]
        })
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            if (!response.ok) {
              var error = new ApiError("cart");
              error.shopText = data.description || "";
              throw error;
            }
            return data;
          });
        }, function () { throw networkError(); })
        .then(function (data) {
          button.textContent = t("done.added");
          $("[data-cart-status]").textContent = t("done.added");
          // Tell the app, so the merchant sees which variants sell; the cart
          // already has the item, so a failure here is not the shopper's problem.
          api("POST", "see-it-now/cart", {
            render_job_id: state.selection.render_job_id
          }).catch(function () {});
          // Themes (and the preview) listen to refresh their cart count or drawer.
          root.dispatchEvent(new CustomEvent("see-it-now:cart-added", {
            bubbles: true,
            detail: { items: data.items || [data], selectedVariant: chosen }
          }));
        })
        .catch(function (error) {
          button.textContent = t("done.add_to_cart");
          button.disabled = false;
          showError(error);
        }));
    }

    function finalFile() {
      var selection = state.selection;
      return fetch(selection.final_image_url)
        .then(function (response) {
          if (!response.ok) throw new ApiError("download_failed");
          return response.blob();
        })
        .then(function (blob) {
          var name = "see-it-now-" + selection.selected_variant + ".jpg";
          return new File([blob], name, { type: blob.type || "image/jpeg" });
        });
    }

    function download() {
      (state.file ? Promise.resolve(state.file) : finalFile()).then(function (file) {
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

    // A link back to the product page, with the picture itself where the browser
    // can share files. Called straight from the tap: share() needs it.
    function share() {
      var data = { title: PRODUCT_TITLE, text: t("done.share_text", { product: PRODUCT_TITLE }), url: PRODUCT_URL };
      var withFile = state.file && Object.assign({ files: [state.file] }, data);
      var sharing;
      try {
        sharing = navigator.share(withFile && navigator.canShare && navigator.canShare(withFile) ? withFile : data);
      } catch (error) {
        sharing = Promise.reject(error);
      }
      Promise.resolve(sharing).catch(function (error) {
        if (error && error.name !== "AbortError") showError(new ApiError("generic"));
      });
    }

    // Back to where the shopper came from in this shop (a collection, another
    // product), else just close: the room stays remembered either way.
    function tryAnother() {
      var back = false;
      try {
        var from = new URL(document.referrer);
        back = history.length > 1 && from.origin === location.origin && from.pathname !== location.pathname;
      } catch (error) { /* no referrer */ }
      dialog.close();
      if (back) history.back();
    }

    // --- Wiring ---------------------------------------------------------------------------

    function open() {
      reset();
      dialog.showModal();
      document.documentElement.classList.add("sin-has-modal");
      $('[data-step="room"] h3').focus();
    }

    dialog.addEventListener("close", function () {
      if (state) {
        state.token = {};
        clearTimeout(state.pollTimer);
      }
      document.documentElement.classList.remove("sin-has-modal");
      opener.focus();
    });

    dialog.addEventListener("click", function (event) {
      // A click on the backdrop (outside the panel) closes the dialog.
      if (event.target === dialog) return dialog.close();
      var target = event.target.closest("[data-action], [data-room-url]");
      if (!target || !dialog.contains(target)) return;
      if (target.dataset.roomUrl) return chooseSampleRoom(target);
      switch (target.dataset.action) {
        case "close": return dialog.close();
        case "prev": return goTo(state.index - 1);
        case "next": return goTo(state.index + 1);
        case "choose": return choose();
        case "add-to-cart": return addToCart();
        case "download": return download();
        case "share": return share();
        case "another": return tryAnother();
        case "use-last": return useLastRoom();
        case "forget-last":
          forgetRoom();
          showLastRoom();
          return $('[data-step="room"] h3').focus();
        case "back": return showStep("gallery");
        case "restart": return reset();
        case "retry":
          clearError();
          if (state.room && state.variants.length) return showStep(state.selection ? "done" : "gallery");
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

    return { open: open };
  }

  // One modal per root, built on first use; the loader calls open() on each click.
  var widgets = new WeakMap();
  window.SeeItNowModal = {
    open: function (root) {
      if (!widgets.has(root)) widgets.set(root, create(root));
      widgets.get(root).open();
    }
  };
})();
