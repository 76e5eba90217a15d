// QA while typing on the editor's entry page (templates/editor/entry.html). Progressive enhancement: without
// JavaScript the form saves exactly the same. An external file, so the Content-Security-Policy (script-src
// 'self') allows it. Catalog text is untrusted: it only ever goes into the page as textContent.
(function () {
  "use strict";
  var form = document.querySelector("form.editor-form[data-qa]");
  if (!form) {
    return;
  }
  // Placeholders (%(name)s, %s, %%, {name}) and HTML tags: what a translation must carry over from the English.
  var TOKEN_RE = /%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcoua%]|\{[A-Za-z0-9_.]*\}|<\/?[A-Za-z][^<>]*>/g;
  var sources = [document.querySelector('[data-role="msgid"]'), document.querySelector('[data-role="msgid-plural"]')];
  var areas = Array.prototype.slice.call(form.querySelectorAll("textarea[name=msgstr]"));

  function tokens(text) {
    return text.match(TOKEN_RE) || [];
  }

  function counts(list) {
    var found = {};
    list.forEach(function (token) { found[token] = (found[token] || 0) + 1; });
    return found;
  }

  // `text` into `element` with each token in a <mark>; `kind(token)` gives its class ("" for a plain one).
  function highlight(element, text, kind) {
    element.textContent = "";
    var last = 0;
    text.replace(TOKEN_RE, function (token, offset) {
      element.appendChild(document.createTextNode(text.slice(last, offset)));
      var mark = document.createElement("mark");
      mark.className = "qa-token " + kind(token);
      mark.textContent = token;
      element.appendChild(mark);
      last = offset + token.length;
      return token;
    });
    element.appendChild(document.createTextNode(text.slice(last)));
  }

  function sourceOf(index) {
    return (index > 0 && sources[1]) ? sources[1] : sources[0];
  }

  sources.forEach(function (source) {
    if (source) {
      highlight(source, source.textContent, function () { return ""; });
    }
  });

  // Under each translation: the translation with its tokens marked, what is missing, and a length counter.
  var panels = areas.map(function (area) {
    var panel = document.createElement("div");
    panel.className = "qa-panel";
    panel.setAttribute("data-role", "qa-panel");
    var mirror = document.createElement("p");
    mirror.className = "qa-mirror";
    mirror.setAttribute("lang", area.getAttribute("lang") || "");
    mirror.setAttribute("data-role", "qa-mirror");
    var problems = document.createElement("p");
    problems.className = "qa-problems";
    problems.setAttribute("data-role", "qa-problems");
    var length = document.createElement("p");
    length.className = "qa-length";
    length.setAttribute("data-role", "qa-length");
    panel.appendChild(mirror);
    panel.appendChild(problems);
    panel.appendChild(length);
    area.parentNode.insertAdjacentElement("afterend", panel);
    return {mirror: mirror, problems: problems, length: length};
  });

  function checkLocally() {
    areas.forEach(function (area, index) {
      var english = sourceOf(index).textContent;
      var wanted = counts(tokens(english));
      var have = counts(tokens(area.value));
      var panel = panels[index];
      highlight(panel.mirror, area.value, function (token) {
        return (have[token] || 0) > (wanted[token] || 0) ? "qa-extra" : "qa-ok";
      });
      var missing = Object.keys(wanted).filter(function (t) { return (have[t] || 0) < wanted[t]; });
      var extra = Object.keys(have).filter(function (t) { return have[t] > (wanted[t] || 0); });
      var parts = [];
      if (missing.length) { parts.push("Missing from the translation: " + missing.join(" ")); }
      if (extra.length) { parts.push("Not in the English: " + extra.join(" ")); }
      panel.problems.textContent = parts.join(". ");
      panel.problems.classList.toggle("qa-bad", parts.length > 0);
      panel.length.textContent = area.value.length + " characters (English: " + english.length + ")";
    });
  }

  // The verdict the save would give and the glossary, from the server (the same gate as the save).
  var verdict = document.createElement("div");
  verdict.className = "qa-verdict";
  verdict.setAttribute("data-role", "qa-verdict");
  verdict.setAttribute("aria-live", "polite");
  form.insertBefore(verdict, form.querySelector(".editor-actions"));
  var pending = null;
  var asked = 0;

  function showVerdict(result) {
    verdict.textContent = "";
    var line = document.createElement("p");
    line.className = result.refusal ? "qa-bad" : "qa-good";
    line.textContent = result.refusal ? "Would be refused: " + result.refusal : "Would be accepted.";
    verdict.appendChild(line);
    (result.warnings || []).forEach(function (warning) {
      var item = document.createElement("p");
      item.className = "qa-warning";
      item.textContent = "Warning: " + warning;
      verdict.appendChild(item);
    });
    if (result.glossary_error) {
      var error = document.createElement("p");
      error.textContent = "The glossary cannot be read: " + result.glossary_error;
      verdict.appendChild(error);
    }
    if (result.glossary && result.glossary.length) {
      var list = document.createElement("ul");
      list.setAttribute("data-role", "qa-glossary");
      result.glossary.forEach(function (hit) {
        var item = document.createElement("li");
        item.className = hit.present ? "qa-good" : "qa-bad";
        item.textContent = hit.source + " → " + (hit.agreed || "(no agreed term)") +
          (hit.agreed ? (hit.present ? ": used" : ": missing") : "");
        list.appendChild(item);
      });
      verdict.appendChild(list);
    }
  }

  function askServer() {
    var number = ++asked;
    fetch(form.getAttribute("data-qa"), {method: "POST", body: new FormData(form), credentials: "same-origin",
                                          headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) {
        if (result && number === asked) { showVerdict(result); }  // only the answer to the latest text
      })
      .catch(function () { /* offline: the save itself still gives the verdict */ });
  }

  function changed() {
    checkLocally();
    clearTimeout(pending);
    pending = setTimeout(askServer, 300);
  }

  areas.forEach(function (area) { area.addEventListener("input", changed); });
  checkLocally();
  askServer();

  function setText(area, text) {
    area.value = text;
    area.dispatchEvent(new Event("input"));
    area.focus();
  }

  // "Copy English": each form gets the English it translates (singular for the first, plural for others).
  var copy = document.createElement("button");
  copy.type = "button";
  copy.textContent = "Copy English";
  copy.setAttribute("data-role", "copy-english");
  copy.addEventListener("click", function () {
    areas.forEach(function (area, index) { area.value = sourceOf(index).textContent; area.dispatchEvent(new Event("input")); });
    areas[0].focus();
  });
  form.querySelector(".editor-actions").appendChild(copy);

  // "Use this" on each translation memory suggestion (for the first form: the memory matches the singular).
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-suggestion]"));
  function useSuggestion(number) {
    var row = rows[number - 1];
    if (row && areas.length) {
      setText(areas[0], row.cells[2].textContent);
    }
  }
  rows.forEach(function (row, index) {
    var cell = document.createElement("td");
    var use = document.createElement("button");
    use.type = "button";
    use.textContent = "Use this (" + (index + 1) + ")";
    use.setAttribute("data-role", "use-suggestion");
    use.addEventListener("click", function () { useSuggestion(index + 1); });
    cell.appendChild(use);
    row.appendChild(cell);
  });
  var head = document.querySelector('[data-role="suggestions"] thead tr');
  if (head) {
    var th = document.createElement("th");
    th.scope = "col";
    th.textContent = "Use";
    head.appendChild(th);
  }

  function press(value) {
    var button = form.querySelector('button[name=action][value="' + value + '"]');
    if (button) {
      form.requestSubmit(button);
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && !event.altKey && event.key === "Enter") {
      event.preventDefault();
      press(event.shiftKey ? "next" : "save");
    } else if (event.altKey && !event.ctrlKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      var link = document.querySelector(event.key === "ArrowDown" ? "a[rel=next]" : "a[rel=prev]");
      if (link) {
        event.preventDefault();
        location.href = link.href;
      }
    } else if (event.altKey && event.shiftKey && !event.ctrlKey && /^Digit[1-9]$/.test(event.code)) {
      event.preventDefault();
      useSuggestion(Number(event.code.slice(5)));
    }
  });
})();
