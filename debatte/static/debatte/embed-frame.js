// Inside the Debatte iframe: tell the host page our height, keep the reader in the iframe,
// sign the reader in with the publisher's token, and show the comment the host links to.
(function () {
  "use strict";

  var body = document.body;
  var config = body.dataset;

  if (body.hasAttribute("data-login-done")) {
    if (window.opener) {
      window.opener.postMessage({ type: "debatte:logged-in" }, window.location.origin);
      window.close();
    }
    return;
  }

  var host = config.host || "";
  var framed = window.parent !== window;
  var main = document.getElementById("main");
  var status = document.querySelector(".embed__status");

  function tell(message) {
    if (host && framed) { window.parent.postMessage(message, host); }
  }

  // --- Height ------------------------------------------------------------------------------
  var lastHeight = 0;
  function reportHeight() {
    var style = window.getComputedStyle(main);
    var height = Math.ceil(main.getBoundingClientRect().bottom + window.pageYOffset +
      (parseFloat(style.marginBottom) || 0));
    if (height !== lastHeight) {
      lastHeight = height;
      tell({ type: "debatte:height", height: height });
    }
  }
  if (window.ResizeObserver) { new ResizeObserver(reportHeight).observe(main); }
  window.addEventListener("load", reportHeight);
  reportHeight();

  function showError(message) {
    if (status) { status.textContent = message; }
    reportHeight();
  }

  // --- Links and forms stay in the embed ---------------------------------------------------
  function withParams(href) {
    var url = new URL(href, window.location.href);
    if (url.origin !== window.location.origin) { return url.toString(); }
    if (config.lang && !url.searchParams.has("lang")) { url.searchParams.set("lang", config.lang); }
    if (host && !url.searchParams.has("host")) { url.searchParams.set("host", host); }
    return url.toString();
  }

  function scrollToComment(anchor) {
    var target = anchor && document.getElementById(anchor);
    if (!target) { return false; }
    document.querySelectorAll(".comment--target").forEach(function (el) {
      el.classList.remove("comment--target");
    });
    target.classList.add("comment--target");
    target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    window.scrollTo(0, 0);
    tell({ type: "debatte:scroll", top: target.getBoundingClientRect().top + window.pageYOffset });
    return true;
  }

  function openLogin(href) {
    if (config.ownAccounts !== "1") { tell({ type: "debatte:login" }); return; }
    var url = new URL(href, window.location.href);
    url.searchParams.set("next", config.loginDoneUrl);
    var popup = window.open(url.toString(), "debatte-login", "width=520,height=680");
    if (!popup) { window.open(url.toString(), "_top"); }
  }

  function replyForm(link) {
    var source = document.getElementById("comment-form");
    if (!source) { openLogin(config.loginUrl); return; }
    var comment = link.closest(".comment");
    var existing = comment.querySelector(".embed__reply-form");
    if (existing) { existing.querySelector("textarea").focus(); return; }
    var form = source.cloneNode(true);
    form.removeAttribute("id");
    form.classList.add("embed__reply-form");
    form.action = withParams(config.createUrl);
    form.querySelectorAll("[id]").forEach(function (el) { el.id = el.id + "-" + link.dataset.reply; });
    form.querySelectorAll("label[for]").forEach(function (label) {
      label.htmlFor = label.htmlFor + "-" + link.dataset.reply;
    });
    form.querySelectorAll(".field__errors, .char-count").forEach(function (el) { el.remove(); });
    var textarea = form.querySelector("textarea");
    textarea.value = "";
    var parent = document.createElement("input");
    parent.type = "hidden"; parent.name = "reply_to"; parent.value = link.dataset.reply;
    form.appendChild(parent);
    form.querySelector("button[type=submit]").textContent = config.replyLabel;
    var cancel = document.createElement("button");
    cancel.type = "button"; cancel.className = "button button--secondary";
    cancel.textContent = config.cancelLabel;
    cancel.addEventListener("click", function () { form.remove(); reportHeight(); });
    form.appendChild(document.createTextNode(" "));
    form.appendChild(cancel);
    comment.appendChild(form);
    textarea.focus();
    reportHeight();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) {
      return;
    }
    var href = link.getAttribute("href");
    if (link.hasAttribute("data-reply")) {
      event.preventDefault(); replyForm(link);
    } else if (href.indexOf(config.loginUrl) === 0 || href.indexOf(config.signupUrl) === 0) {
      event.preventDefault(); openLogin(href);
    } else if (link.classList.contains("comment__number") && config.articleUrl) {
      event.preventDefault();
      var anchor = link.closest(".comment").id;
      window.open(config.articleUrl.split("#")[0] + "#" + anchor, "_top");
    } else if (href.charAt(0) === "#") {
      if (scrollToComment(href.slice(1))) { event.preventDefault(); }
    } else if (href.charAt(0) === "?") {
      event.preventDefault(); window.location.href = withParams(href);
    } else if (link.target !== "_top") {
      link.target = "_blank"; link.rel = "noopener";
    }
  });

  var commentForm = document.getElementById("comment-form");
  if (commentForm) { commentForm.action = withParams(config.createUrl); }
  document.querySelectorAll(".embed__bar form input[name=next]").forEach(function (input) {
    input.value = withParams(input.value).replace(window.location.origin, "");
  });

  // --- Single sign-on ----------------------------------------------------------------------
  function post(url, fields) {
    var data = new FormData();
    Object.keys(fields).forEach(function (name) { data.append(name, fields[name]); });
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": config.csrf },
    }).then(function (response) {
      return response.json().catch(function () { return { error: "failed", message: "" }; });
    });
  }

  // Tokens come only from the verified host page (postMessage below), never from this page's
  // own URL: a link could carry someone else's token (login CSRF). The server also wants the
  // ticket it gives only to pages loaded in a frame.
  function signIn(token) {
    if (!framed || !config.frameTicket) { return; }
    if (!token) {
      // The publisher says nobody is logged in: end a session its token started.
      if (config.ssoUser === "1") {
        post(config.signOutUrl, {}).then(function () { window.location.reload(); });
      }
      return;
    }
    post(config.ssoUrl, { token: token, frame: config.frameTicket }).then(function (result) {
      if (result.error) { showError(result.message || result.error); return; }
      if (result.changed) { window.location.reload(); }
    }).catch(function () { showError("Debatte: sign-in failed."); });
  }

  if (window.location.hash.indexOf("#sso=") === 0) {
    // An old loader's or a link's token: drop it unread.
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }

  window.addEventListener("message", function (event) {
    var message = event.data || {};
    if (event.origin === window.location.origin && message.type === "debatte:logged-in") {
      window.location.reload();
      return;
    }
    if (!host || event.origin !== host || event.source !== window.parent) { return; }
    if (message.type === "debatte:sso") {
      signIn(message.token);
    } else if (message.type === "debatte:show" && /^\d+(\.\d+)?$/.test(message.label || "")) {
      var anchor = "kommentar-" + message.label.replace(".", "-");
      if (!scrollToComment(anchor)) {
        window.location.href = withParams(config.pageUrl + "?comment=" + message.label);
      }
    }
  });

  // The host page answers with the reader's token (once per page view, see embed.js).
  tell({ type: "debatte:ready" });

  // --- Deep link: the comment the host page's URL names, or the one just written -----------
  var wanted = config.target || (window.location.hash.indexOf("#kommentar-") === 0 ?
    window.location.hash.slice(1) : "");
  if (wanted) {
    window.addEventListener("load", function () { scrollToComment(wanted); });
  }
})();
