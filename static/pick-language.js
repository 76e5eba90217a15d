// The static export's language picker (templates/language-picker.html): go straight to this page in the
// first of the browser's languages that the site has, else in the default language. An external file, not
// inline script, so the site's Content-Security-Policy (script-src 'self') allows it. Without JavaScript
// the page's links to every language are the fallback.
(function () {
  "use strict";
  var targets = {};
  var links = document.querySelectorAll("main a[hreflang]");
  for (var i = 0; i < links.length; i++) {
    targets[links[i].getAttribute("hreflang").toLowerCase()] = links[i].href;
  }
  var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  for (var j = 0; j < wanted.length; j++) {
    var tag = String(wanted[j] || "").toLowerCase();
    var target = targets[tag] || targets[tag.split("-")[0]];
    if (target) {
      location.replace(target);
      return;
    }
  }
  var fallback = document.querySelector("main a[data-default]");
  if (fallback) {
    location.replace(fallback.href);
  }
})();
