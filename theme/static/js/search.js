// Search over the Pagefind index built with the site. It only enhances search.html:
// without JavaScript, or without the index, the page offers the list pages instead.
// Filters compare codes (status, bureau, year, area as in data/targets.json) that each
// target page carries as Pagefind metadata; choosing filters alone lists data/targets.json.
const tag = document.querySelector("script[data-index]");
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const fieldset = document.getElementById("search-filters");
const selects = [...document.querySelectorAll("select[data-filter]")];
const results = document.getElementById("search-results");
const status = document.getElementById("search-status");
const messages = document.getElementById("search-messages").dataset;
const MAX_SHOWN = 100;
const MAX_LOADED = 300; // results whose metadata is fetched to apply the filters

function say(text) {
  status.textContent = text;
}

function chosenFilters() {
  const filters = {};
  for (const select of selects) {
    if (select.value) filters[select.dataset.filter] = select.value;
  }
  return filters;
}

function showFilters(params) {
  for (const select of selects) select.value = params.get(select.dataset.filter) || "";
  fieldset.hidden = false;
}

function matches(meta, filters) {
  return Object.entries(filters).every(([key, value]) => meta[key] === value);
}

let targets;
async function allTargets() {
  // Filters without words: every target from the open data, in this page's language.
  if (!targets) {
    const response = await fetch(tag.dataset.targets);
    const data = await response.json();
    targets = data.targets.map((t) => ({
      url: `${tag.dataset.root}${tag.dataset.langRoot}${t.url}`,
      meta: {
        title: (t.titles && t.titles[tag.dataset.lang]) || t.title,
        status: t.status,
        bureau: t.bureau,
        year: String(t.policy_address),
        area: t.area || "Other",
      },
      excerpt: `${t.id} · ${t.due}`,
    }));
  }
  return targets;
}

function plainText(html) {
  // Excerpts carry <mark> tags; text is set with textContent so nothing in it can run.
  const doc = new DOMParser().parseFromString(html, "text/html");
  return doc.body.textContent || "";
}

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  const excerpt = document.createElement("p");
  excerpt.textContent = plainText(data.excerpt);
  item.append(link, excerpt);
  return item;
}

function countMessage(count) {
  if (count === 0) return messages.none;
  if (count === 1) return messages.countOne;
  return messages.countMany.replace("{count}", String(count));
}

function remember(query, filters) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [key, value] of Object.entries(filters)) params.set(key, value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

// Each search is numbered: a slower earlier one (typing, then Enter) must not overwrite,
// or clear, the results of a later one.
let latest = 0;

async function run(pagefind) {
  const mine = ++latest;
  const query = input.value.trim();
  const filters = chosenFilters();
  remember(query, filters);
  results.replaceChildren();
  say("");
  if (!query && Object.keys(filters).length === 0) return;
  let found;
  try {
    found = await find(pagefind, query, filters);
  } catch {
    if (mine === latest) say(messages.unavailable);
    return;
  }
  if (mine !== latest) return;
  results.replaceChildren(...found.slice(0, MAX_SHOWN).map(resultItem));
  say(countMessage(found.length));
}

async function find(pagefind, query, filters) {
  if (!query) return (await allTargets()).filter((t) => matches(t.meta, filters));
  const search = await pagefind.search(query);
  const pages = await Promise.all(search.results.slice(0, MAX_LOADED).map((r) => r.data()));
  return pages.filter((page) => matches(page.meta, filters));
}

async function start() {
  let pagefind;
  try {
    // import() resolves against this script, not the page: make the address absolute.
    pagefind = await import(new URL(tag.dataset.index, location.href).href);
    await pagefind.options({ baseUrl: new URL(tag.dataset.root, location.href).pathname });
    await pagefind.init();
  } catch {
    say(messages.unavailable);
    return;
  }
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  showFilters(params);
  let timer;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run(pagefind);
  });
  for (const select of selects) select.addEventListener("change", () => run(pagefind));
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(pagefind), 250);
  });
  // Says that the search runs here, not by reloading the page (the browser tests wait for it).
  form.dataset.ready = "true";
  await run(pagefind);
}

start();
