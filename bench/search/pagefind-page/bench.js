// The smallest Pagefind search page that shows what casebook's does: the
// first 10 results with title and excerpt. Uses Pagefind's own JS API (no UI
// bundle), so its bytes are Pagefind's index and runtime alone.
const base = document.documentElement.dataset.base;
const root = document.querySelector('[data-bench]');
const form = root.querySelector('form');
const list = root.querySelector('[data-list]');
let pagefind = null;
let current = 0;

async function run() {
  const id = ++current;
  root.dataset.state = 'busy';
  performance.mark('bench:start');
  const params = new URL(location.href).searchParams;
  const q = params.get('q') ?? '';
  form.q.value = q;
  pagefind ??= await import(`${base}pagefind/pagefind.js`);
  const filters = params.get('ward') ? { ward: params.get('ward') } : {};
  const search = await pagefind.search(q, { filters });
  const top = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
  if (id !== current) return;
  list.replaceChildren(...top.map((d) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = d.url;
    link.textContent = d.meta.title;
    const excerpt = document.createElement('p');
    // Pagefind's excerpt is its own escaped HTML with <mark>, as its UI shows it.
    excerpt.innerHTML = d.excerpt;
    item.append(link, excerpt);
    return item;
  }));
  root.querySelector('[data-count]').textContent = `${search.results.length}`;
  performance.mark('bench:rendered');
  root.dataset.url = location.search;
  root.dataset.state = 'done';
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  history.pushState(null, '', `?q=${encodeURIComponent(form.q.value)}`);
  run();
});
window.addEventListener('popstate', run);
run();
