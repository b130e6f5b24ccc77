/* Live updates of a discussion (server-sent events; see docs/live-updates.md).
 * Shows "N neue Kommentare" when comments are published while the page is open, and keeps the
 * comment count and recommendation counts current. Without JavaScript or EventSource, nothing
 * happens: the page works as before. */
(function () {
  "use strict";

  function anchorOf(label) {
    return "kommentar-" + String(label).replace("#", "").replace(".", "-");
  }

  function setRecommendations(comment, count) {
    var counter = comment.querySelector(".recommend__count");
    if (counter) {
      counter.textContent = String(count);
      return;
    }
    var plain = comment.querySelector(".recommend--static");
    if (!plain) return;
    for (var i = 0; i < plain.childNodes.length; i++) {
      var node = plain.childNodes[i];
      if (node.nodeType === 3 && /\d/.test(node.textContent)) {
        node.textContent = " " + count + " ";
        return;
      }
    }
  }

  function start(box) {
    var section = box.closest("section.discussion");
    var article = box.dataset.article;
    var version = parseInt(box.dataset.version, 10) || 0;
    var baseCount = parseInt(box.dataset.count, 10) || 0;
    var button = box.querySelector("button");
    var fresh = [];  // labels of comments published since the page was rendered, in order
    var unseenByCount = 0;  // lower bound from a `sync` (messages missed while away)

    function render() {
      var n = Math.max(fresh.length, unseenByCount);
      if (n <= 0) {
        button.hidden = true;
        button.style.display = "none";  /* .button sets display, which beats [hidden] */
        return;
      }
      button.textContent = n === 1 ? box.dataset.one : box.dataset.many.replace("COUNT", n);
      button.hidden = false;
      button.style.display = "";
    }

    function setCount(count) {
      var counter = section && section.querySelector(".discussion__count");
      if (counter && typeof count === "number") counter.textContent = String(count);
    }

    function handle(data) {
      if (data.article && data.article !== article) return;
      if (typeof data.version === "number" && data.version > version) version = data.version;
      var onPage = data.comment && document.getElementById(anchorOf(data.comment));
      var known = fresh.indexOf(data.comment);
      switch (data.type) {
        case "comment.published":
          if (!onPage && known < 0) fresh.push(data.comment);
          break;
        case "comment.rejected":
        case "comment.deleted":
          if (known >= 0) fresh.splice(known, 1);
          break;
        case "comment.recommended":
          if (onPage) setRecommendations(onPage, data.recommendations);
          break;
        case "sync":
          unseenByCount = Math.max(unseenByCount, data.count - baseCount);
          break;
      }
      setCount(data.count);
      render();
    }

    // Inside a publisher's iframe the main site's pages must not open: reload the embed page.
    var embedded = window.self !== window.top;
    button.addEventListener("click", function () {
      var label = fresh.length ? fresh[0] : null;
      if (label && !embedded) {
        window.location.href = box.dataset.permalink.replace("LABEL", label.replace("#", ""));
      } else {
        window.location.reload();
      }
    });

    var source = new EventSource(box.dataset.url + "?v=" + version);
    function onEvent(event) {
      try {
        handle(JSON.parse(event.data));
      } catch (error) {
        /* a malformed message is ignored */
      }
    }
    source.addEventListener("message", onEvent);
    source.addEventListener("sync", onEvent);
    window.addEventListener("pagehide", function () { source.close(); });
    box.debatteLive = source;
  }

  function init() {
    var box = document.getElementById("live-updates");
    if (box && window.EventSource && !box.debatteLive) start(box);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
