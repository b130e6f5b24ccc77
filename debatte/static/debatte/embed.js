// Debatte embed loader: include once on a publisher's page.
//
//   <div id="debatte" data-site="zeit" data-article-key="12345" data-article-url="https://..."
//        data-title="..." data-article-token="..." data-sso-token="..."></div>
//   <script src="https://DEBATTE-HOST/embed.js" async></script>
//
// Comment counts: <a data-debatte-count data-article-key="12345" href="...#debatte"></a>
// (data-site on the element, on the script tag or on #debatte). All counts: one request.
(function () {
  "use strict";

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll("script[src*='/embed.js']");
    return all[all.length - 1];
  })();
  if (!script) { return; }
  var BASE = new URL(script.src, window.location.href).origin;
  var ANCHOR = /^#kommentar-(\d+)(?:-(\d+))?$/;

  function defaultSite() {
    var first = document.querySelector("#debatte[data-site], [data-debatte][data-site]");
    return script.getAttribute("data-site") || (first && first.getAttribute("data-site")) || "";
  }

  function pageLanguage(element) {
    var lang = element.getAttribute("data-language") || document.documentElement.lang || "";
    return lang.slice(0, 2).toLowerCase();
  }

  function canonicalUrl() {
    var link = document.querySelector("link[rel='canonical']");
    return link ? link.href : window.location.href.split("#")[0];
  }

  function commentLabel(hash) {
    var match = ANCHOR.exec(hash || "");
    return match ? match[1] + (match[2] ? "." + match[2] : "") : "";
  }

  // The reader's token: data-sso-token, or the function named by data-sso-callback (which
  // may return a promise). undefined: the page does no SSO; "" or null: nobody logged in.
  function ssoToken(element) {
    if (element.hasAttribute("data-sso-token")) {
      return Promise.resolve(element.getAttribute("data-sso-token"));
    }
    var callback = window[element.getAttribute("data-sso-callback") || ""];
    if (typeof callback === "function") {
      return Promise.resolve()
        .then(function () { return callback(); })
        .then(function (token) { return token || ""; }, function () { return ""; });
    }
    return Promise.resolve(undefined);
  }

  function frameUrl(element, site) {
    var params = new URLSearchParams();
    params.set("title", element.getAttribute("data-title") || document.title);
    params.set("url", element.getAttribute("data-article-url") || canonicalUrl());
    // The site's signed article (key, title, url): what lets a first embed create it.
    var articleToken = element.getAttribute("data-article-token");
    if (articleToken) { params.set("article", articleToken); }
    params.set("lang", pageLanguage(element));
    params.set("host", window.location.origin);
    var label = commentLabel(window.location.hash);
    if (label) { params.set("comment", label); }
    var key = element.getAttribute("data-article-key");
    return BASE + "/embed/" + encodeURIComponent(site) + "/artikel/" +
      encodeURIComponent(key) + "/?" + params.toString();
  }

  // The reader's token is handed to the iframe by postMessage when it says it is ready, once
  // per page view (each token is accepted once); never in its URL, where a link could put one.
  function listen(element, frame, token) {
    window.addEventListener("message", function (event) {
      if (event.origin !== BASE || event.source !== frame.contentWindow) { return; }
      var message = event.data || {};
      if (message.type === "debatte:ready") {
        if (token !== undefined) {
          frame.contentWindow.postMessage({ type: "debatte:sso", token: token || "" }, BASE);
          token = undefined;
        }
      } else if (message.type === "debatte:height" && message.height > 0) {
        frame.style.height = Math.ceil(message.height) + "px";
      } else if (message.type === "debatte:scroll") {
        var top = frame.getBoundingClientRect().top + window.pageYOffset + (message.top || 0);
        window.scrollTo({ top: Math.max(0, top - 16), behavior: "auto" });
      } else if (message.type === "debatte:login") {
        var loginUrl = element.getAttribute("data-login-url");
        var callback = window[element.getAttribute("data-login-callback") || ""];
        if (typeof callback === "function") { callback(); } else if (loginUrl) {
          window.location.href = loginUrl;
        }
      }
    });
    window.addEventListener("hashchange", function () {
      var label = commentLabel(window.location.hash);
      if (label && frame.contentWindow) {
        frame.contentWindow.postMessage({ type: "debatte:show", label: label }, BASE);
      }
    });
  }

  function embed(element) {
    if (element.getAttribute("data-debatte-ready")) { return; }
    element.setAttribute("data-debatte-ready", "1");
    var site = element.getAttribute("data-site") || defaultSite();
    if (!site || !element.getAttribute("data-article-key")) {
      window.console && console.warn("Debatte: data-site and data-article-key are required.");
      return;
    }
    ssoToken(element).then(function (token) {
      var frame = document.createElement("iframe");
      frame.title = element.getAttribute("data-frame-title") || "Kommentare";
      frame.referrerPolicy = "origin";
      frame.setAttribute("scrolling", "no");
      frame.style.cssText = "display:block;width:100%;height:320px;border:0;overflow:hidden;";
      listen(element, frame, token);
      frame.src = frameUrl(element, site);
      element.textContent = "";
      element.appendChild(frame);
      element.debatte = {
        frame: frame,
        signIn: function (fresh) {
          frame.contentWindow.postMessage({ type: "debatte:sso", token: fresh || "" }, BASE);
        },
      };
    });
  }

  function fillCounts() {
    var bySite = {};
    document.querySelectorAll("[data-debatte-count][data-article-key]").forEach(function (el) {
      var site = el.getAttribute("data-site") || defaultSite();
      if (!site) { return; }
      (bySite[site] = bySite[site] || []).push(el);
    });
    Object.keys(bySite).forEach(function (site) {
      var elements = bySite[site];
      var params = new URLSearchParams({ site: site, lang: pageLanguage(document.body) });
      var keys = {};
      elements.forEach(function (el) { keys[el.getAttribute("data-article-key")] = true; });
      Object.keys(keys).forEach(function (key) { params.append("key", key); });
      fetch(BASE + "/embed/counts/?" + params.toString(), { credentials: "omit", mode: "cors" })
        .then(function (response) { return response.ok ? response.json() : { counts: {} }; })
        .then(function (data) {
          elements.forEach(function (el) {
            var entry = data.counts[el.getAttribute("data-article-key")];
            if (entry) {
              el.textContent = entry.label;
              el.setAttribute("data-count", entry.count);
            }
          });
        })
        .catch(function () { /* counts are decoration: leave the elements as they are */ });
    });
  }

  function start() {
    document.querySelectorAll("#debatte, [data-debatte]").forEach(embed);
    fillCounts();
  }

  window.Debatte = {
    start: start,
    signIn: function (token) {
      document.querySelectorAll("#debatte, [data-debatte]").forEach(function (el) {
        if (el.debatte) { el.debatte.signIn(token); }
      });
    },
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
