// buddi console: refreshes the page's live sections (elements with data-live and an id) every
// few seconds while the tab is visible, without a reload. Everything works without it.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !window.fetch || !window.DOMParser || !document.querySelector("[data-live][id]")) return;
  var seconds = Number(main.getAttribute("data-refresh")) || 5;
  function editing() {
    var active = document.activeElement;
    return active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
  }
  function refresh() {
    if (document.hidden || editing()) return;
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Console-Refresh": "1" } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("not refreshed");
        return response.text();
      })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        fresh.querySelectorAll("[data-live][id]").forEach(function (section) {
          var current = document.getElementById(section.id);
          if (current) current.replaceWith(document.importNode(section, true));
        });
        document.documentElement.setAttribute("data-refreshed", String(Date.now()));
      })
      .catch(function () {});
  }
  window.setInterval(refresh, seconds * 1000);
})();
