// Listing: the filter panel starts closed, so on a phone the first result
// is on the first screen; on a wide screen there is room, so open it.
// A static file (not inline) so a Content-Security-Policy of
// script-src 'self' allows it. Without JavaScript the panel opens on a tap.
(function () {
  var wide = window.matchMedia("(min-width: 48rem)");
  document.querySelectorAll("details[data-open-on-wide-screens]").forEach(function (panel) {
    if (wide.matches) {
      panel.open = true;
    }
  });
})();
