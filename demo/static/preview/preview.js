/* Storefront preview: what the demo shop's theme does around the See It Now
 * widget (extensions/see-it-now/assets/see-it-now.js). When the widget adds to
 * the cart, refresh the header's cart count from /cart.js, as a theme would. */
(function () {
  "use strict";

  var badge = document.querySelector("[data-cart]");
  if (!badge) return;

  document.addEventListener("see-it-now:cart-added", function () {
    fetch(badge.dataset.cartUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (cart) {
        var count = cart.item_count;
        badge.querySelector("[data-cart-count]").textContent = count;
        badge.setAttribute("aria-label", "Cart, " + count + (count === 1 ? " item" : " items"));
      });
  });
})();
