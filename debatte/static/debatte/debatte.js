// Progressive enhancement only: every action also works as a plain link or form.
(function () {
  "use strict";

  function recommend(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.error) { window.alert(data.message); return; }
          form.querySelector(".recommend__count").textContent = data.count;
          button.setAttribute("aria-pressed", data.recommended ? "true" : "false");
          var label = form.querySelector(".recommend__label");
          label.textContent = data.recommended ? label.dataset.on || label.textContent : label.dataset.off || label.textContent;
          var withdraw = form.querySelector("input[name=withdraw]");
          if (data.recommended && !withdraw) {
            withdraw = document.createElement("input");
            withdraw.type = "hidden"; withdraw.name = "withdraw"; withdraw.value = "1";
            form.appendChild(withdraw);
          } else if (!data.recommended && withdraw) {
            withdraw.remove();
          }
        })
        .catch(function () { form.submit(); })
        .finally(function () { button.disabled = false; });
    });
  }

  function expandReplies(link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      fetch(link.href, { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var id = "antworten-" + link.dataset.thread;
          var fresh = doc.getElementById(id);
          var current = document.getElementById(id);
          if (fresh && current) {
            var shown = current.children.length;
            current.replaceWith(fresh);
            link.remove();
            fresh.querySelectorAll(".recommend-form").forEach(recommend);
            // The link is gone: move focus to the first reply that was hidden, so keyboard
            // and screen reader users continue where the new replies begin.
            var first = fresh.children[shown] && fresh.children[shown].querySelector(".comment");
            if (first) {
              first.setAttribute("tabindex", "-1");
              first.focus();
            }
          } else {
            window.location = link.href;
          }
        })
        .catch(function () { window.location = link.href; });
    });
  }

  function countCharacters(textarea) {
    var limit = parseInt(textarea.getAttribute("maxlength"), 10);
    if (!limit) { return; }
    var help = textarea.parentNode.querySelector(".field__help");
    if (!help) { return; }
    var counter = document.createElement("span");
    counter.className = "char-count";
    counter.setAttribute("aria-live", "polite");
    help.appendChild(document.createTextNode(" "));
    help.appendChild(counter);
    function update() { counter.textContent = textarea.value.length + " / " + limit; }
    textarea.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".recommend-form").forEach(recommend);
    document.querySelectorAll("a.more-replies").forEach(expandReplies);
    document.querySelectorAll("textarea[maxlength]").forEach(countCharacters);
  });
})();
